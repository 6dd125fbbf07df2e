// Each bench owns one section of docs/benchmarks.md, named by its heading; `--write` replaces
// that section in place (or appends it) and leaves every other section, hand-added ones too.
import { readFileSync, writeFileSync } from 'node:fs';

const BENCHMARKS = new URL('../docs/benchmarks.md', import.meta.url);
const literal = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Replaces the section whose heading is `section`'s first line, up to the next `## ` heading. */
export function writeSection(section, path = BENCHMARKS) {
  const heading = section.slice(0, section.indexOf('\n'));
  let text;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    text =
      '# Benchmarks\n\nEvery number here comes from a script in `bench/` that compares against a peer or a floor in the same run.\n';
  }
  const pattern = new RegExp(`${literal(heading)}\\n[\\s\\S]*?(?=\\n+## |$)`);
  text = pattern.test(text) ? text.replace(pattern, section.trimEnd()) : `${text.trimEnd()}\n\n${section}`;
  writeFileSync(path, `${text.trimEnd()}\n`);
}
