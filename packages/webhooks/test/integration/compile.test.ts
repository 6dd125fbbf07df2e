import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// Compiles the type tests and every TypeScript example in the README and docs against the
// built packages, so an example that stopped compiling fails the test run.
const root = join(import.meta.dirname, '../../../..');
const documents = ['README.md', 'docs/webhooks.md'];

function snippets(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8');
  return [...text.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1] as string);
}

function compile(files: string[]): string[] {
  const { config } = ts.readConfigFile(join(root, 'tsconfig.json'), ts.sys.readFile);
  const { options } = ts.parseJsonConfigFileContent(config, ts.sys, root);
  const program = ts.createProgram(files, { ...options, noEmit: true });
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file ? `${d.file.fileName}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}` : '';
    return `${where} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
  });
}

describe('compiled documentation and type tests', () => {
  it('the type tests compile, and every @ts-expect-error in them is needed', () => {
    expect(compile([join(import.meta.dirname, '../types/narrowing.ts')])).toEqual([]);
  });

  it('a wrong narrowing would be caught (the type tests can fail)', () => {
    const dir = join(root, '.tmp/type-probe');
    mkdirSync(dir, { recursive: true });
    const probe = join(dir, 'probe.ts');
    writeFileSync(
      probe,
      "import type { WebhookEvent } from '@hookline/webhooks';\ndeclare const e: WebhookEvent;\nif (e.data.type === 'session.created') { const v: string = e.data.vault_id; void v; }\n",
    );
    try {
      expect(compile([probe]).join('\n')).toContain("Property 'vault_id' does not exist");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  for (const document of documents) {
    it(`every ts example in ${document} compiles`, () => {
      const dir = join(root, '.tmp/snippets', document.replace(/\W/g, '_'));
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      const files = snippets(document).map((code, index) => {
        const file = join(dir, `example-${index}.ts`);
        // Each example is its own module.
        writeFileSync(file, `${code}\nexport {};\n`);
        return file;
      });
      expect(files.length).toBeGreaterThan(0);
      try {
        expect(compile(files)).toEqual([]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
