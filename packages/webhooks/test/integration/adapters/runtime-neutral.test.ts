import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// The fetch adapter, the router and the dedupe layer must load on Workers, Deno and browsers:
// nothing they import, directly or through other modules, may be a node: module or a package.
const require = createRequire(import.meta.url);
const dist = dirname(require.resolve('@hookline/webhooks/package.json'));

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [
    ...text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g),
  ].map((match) => (match[1] ?? match[2]) as string);
}

function graph(entry: string): { files: string[]; external: string[] } {
  const files = new Set<string>();
  const external = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    for (const specifier of importsOf(file)) {
      if (specifier.startsWith('.')) visit(resolve(dirname(file), specifier));
      else external.add(specifier);
    }
  };
  visit(entry);
  return { files: [...files], external: [...external] };
}

describe('runtime-neutral modules', () => {
  for (const entry of ['dist/adapters/fetch/index.js', 'dist/router/index.js', 'dist/dedupe/index.js']) {
    it(`${entry} imports no node: module and no package, at any depth`, () => {
      const { files, external } = graph(join(dist, entry));
      expect(files.length).toBeGreaterThan(1);
      expect(external).toEqual([]);
    });
  }

  it('the check sees node: imports where they are (the node adapter imports node:http types only, so its JS has none)', () => {
    const { external } = graph(join(dist, 'dist/adapters/node/index.js'));
    expect(external).toEqual([]);
    const declarations = readFileSync(join(dist, 'dist/adapters/node/index.d.ts'), 'utf8');
    expect(importsOf(join(dist, 'dist/adapters/node/index.d.ts'))).toContain('node:http');
    expect(declarations).toContain('ServerResponse');
  });
});
