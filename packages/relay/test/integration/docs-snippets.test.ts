// The TypeScript snippets in docs/relay.md and the package README compile against the built
// package, and the embedding example runs: documentation that was never compiled rots.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';

const PACKAGE = fileURLToPath(new URL('../..', import.meta.url));
const DOCS = [join(PACKAGE, '../../docs/relay.md'), join(PACKAGE, 'README.md')];
// Inside the package, so `@hookline/relay` resolves as it would for a user; .tmp/ is gitignored.
const WORK = join(PACKAGE, '.tmp', `snippets-${process.pid}`);

function snippets(file: string): string[] {
  return [...readFileSync(file, 'utf8').matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1] as string);
}

describe('documentation snippets', () => {
  afterAll(() => rmSync(WORK, { recursive: true, force: true }));

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
