// The TypeScript snippets in docs/relay.md and the package README compile against the built
// package, the embedding example runs, and the configuration reference matches the settings the
// relay reads (with its relay.json example loaded): documentation that was never run rots.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig, SETTINGS } from '../../src/config/load-config.js';
import { usesStoreThread } from '../../src/config/relay-config.js';
import { type DatabaseVariant, databaseVariants } from '../helpers/databases.js';
import { startHarness } from '../helpers/relay-harness.js';

const PACKAGE = fileURLToPath(new URL('../..', import.meta.url));
const DOCS = [join(PACKAGE, '../../docs/relay.md'), join(PACKAGE, 'README.md')];
// Inside the package, so `@hookline/relay` resolves as it would for a user; .tmp/ is gitignored.
const WORK = join(PACKAGE, '.tmp', `snippets-${process.pid}`);

function snippets(file: string): string[] {
  return [...readFileSync(file, 'utf8').matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1] as string);
}

afterAll(() => rmSync(WORK, { recursive: true, force: true }));

describe('documentation snippets', () => {
  it('type-check against the built package', () => {
    mkdirSync(WORK, { recursive: true });
    const files = DOCS.flatMap((doc) => snippets(doc)).map((code, index) => {
      const path = join(WORK, `snippet-${index}.ts`);
      writeFileSync(path, `${code}\nexport {};\n`);
      return path;
    });
    expect(files.length).toBeGreaterThan(1);
    const program = ts.createProgram(files, {
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022,
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      types: ['node'],
    });
    const problems = ts
      .getPreEmitDiagnostics(program)
      .map((d) => `${d.file?.fileName.split('/').pop()}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
    expect(problems).toEqual([]);
  });

  it('the embedding example runs', async () => {
    const [example] = snippets(DOCS[0] as string).filter((code) => code.includes('startRelay('));
    expect(example).toBeDefined();
    const dataDir = mkdtempSync(join(tmpdir(), 'hookline-snippet-'));
    mkdirSync(WORK, { recursive: true });
    const path = join(WORK, 'embed.mjs');
    writeFileSync(path, (example as string).replace("'./data'", JSON.stringify(dataDir)));
    const { stdout } = await promisify(execFile)(process.execPath, [path], {
      env: { ...process.env, HOOKLINE_LOG_LEVEL: 'silent' },
    });
    expect(stdout.trim()).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });
});

describe('the configuration reference in docs/relay.md', () => {
  const doc = readFileSync(DOCS[0] as string, 'utf8');
  const section = doc.slice(doc.indexOf('## Configuration reference'), doc.indexOf('## Embedding'));

  it('lists every setting with its variable, and nothing the relay does not read', () => {
    const rows = [...section.matchAll(/^\| `(\w+)` +\| (.*?) +\|/gm)].map((m) => ({
      key: m[1] as string,
      sources: m[2] as string,
    }));
    expect(rows.map((r) => r.key).sort()).toEqual(SETTINGS.map((s) => s.key).sort());
    for (const setting of SETTINGS) {
      expect(rows.find((r) => r.key === setting.key)?.sources, setting.key).toContain(`\`${setting.env}\``);
    }
  });

  it('its relay.json example loads', () => {
    const [example] = [...section.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => m[1] as string);
    expect(example).toBeDefined();
    mkdirSync(WORK, { recursive: true });
    const path = join(WORK, 'relay.json');
    writeFileSync(path, example as string);
    const { config } = loadConfig(['--config', path], {});
    expect(config).toMatchObject({ role: 'worker', keepAliveTimeoutMs: 125_000, storeThread: false });
    expect(usesStoreThread(config)).toBe(false);
  });
});

describe('the lanes example in docs/relay.md', () => {
  it('creates the destination it describes', async () => {
    const doc = readFileSync(DOCS[0] as string, 'utf8');
    const section = doc.slice(doc.indexOf('## Lanes, circuit breaker and auto-disable'));
    const body = /-d '(\{[^']*"rate_per_second"[^']*\})'/.exec(section)?.[1];
    expect(body).toBeDefined();
    const [sqlite] = await databaseVariants('docs_lanes');
    const h = await startHarness(sqlite as DatabaseVariant);
    try {
      const created = await h.api('POST', '/v1/destinations', body);
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ rate_per_second: 5, max_in_flight: 5 });
    } finally {
      await h.stop();
      await sqlite?.cleanup();
    }
  });
});
