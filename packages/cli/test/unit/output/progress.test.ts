import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { wantsDecoration } from '../../../src/output/color.js';
import { ProgressBar } from '../../../src/output/progress.js';

function tty(isTTY: boolean) {
  return Object.assign(new PassThrough(), { isTTY, columns: 80 });
}

describe('progress and colour', () => {
  it('decorates only a TTY without NO_COLOR', () => {
    expect(wantsDecoration({ isTTY: true }, {})).toBe(true);
    expect(wantsDecoration({ isTTY: false }, {})).toBe(false);
    expect(wantsDecoration({}, {})).toBe(false);
    expect(wantsDecoration({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(wantsDecoration({ isTTY: true }, { TERM: 'dumb' })).toBe(false);
  });

  it('writes nothing when disabled', () => {
    const stream = tty(false);
    const bar = new ProgressBar(stream, {}, () => ({ settled: 1, total: 2, retrying: 0, dropped: 0 }));
    bar.start(1);
    bar.stop();
    expect(stream.read()).toBeNull();
  });

  it('renders the counts', () => {
    const text = ProgressBar.render({ settled: 5, total: 10, retrying: 2, dropped: 1 }, 10);
    expect(text).toBe('[█████░░░░░] 5/10 events  2 retrying  1 dropped');
  });
});
