import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// Code in docs/receiving.md is not compiled on its own: every ```ts block must be preceded by
// <!-- example: path --> and be an exact excerpt of that file, which tsc type-checks and
// examples.test.ts runs. This fails when a block drifts from its file or has no file.
const root = join(import.meta.dirname, '../..');

function blocks(document: string): Array<{ source: string | undefined; code: string }> {
  const text = readFileSync(join(root, document), 'utf8');
  return [...text.matchAll(/(?:<!-- example: (\S+) -->\n)?```ts\n([\s\S]*?)```/g)].map((match) => ({
    source: match[1],
    code: match[2] as string,
  }));
}

describe('docs/receiving.md code blocks', () => {
  const found = blocks('docs/receiving.md');

  it('has code blocks, each naming the example file it comes from', () => {
    expect(found.length).toBeGreaterThan(10);
    expect(found.filter((block) => block.source === undefined).map((block) => block.code)).toEqual([]);
  });

  for (const [index, block] of found.entries()) {
    it(`block ${index + 1} is an exact excerpt of ${block.source}`, () => {
      const file = readFileSync(join(root, block.source as string), 'utf8');
      expect(file).toContain(block.code);
    });
  }
});
