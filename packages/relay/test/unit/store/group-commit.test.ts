import { describe, expect, it, vi } from 'vitest';
import { BatchCommit } from '../../../src/store/group-commit.js';

describe('BatchCommit', () => {
  it('hands inputs that arrive together to one commit, and answers each in order', async () => {
    const batches: number[][] = [];
    const group = new BatchCommit(async (inputs: number[]) => {
      batches.push(inputs);
      return inputs.map((n) => n * 10);
    });
    expect(await Promise.all([1, 2, 3].map((n) => group.submit(n)))).toEqual([10, 20, 30]);
    expect(batches).toEqual([[1, 2, 3]]);
  });

  it('keeps at most maxConcurrent commits running; what arrives meanwhile forms the next batch', async () => {
    const batches: number[][] = [];
    let running = 0;
    let most = 0;
    const release: (() => void)[] = [];
    const group = new BatchCommit(
      async (inputs: number[]) => {
        batches.push(inputs);
        most = Math.max(most, ++running);
        await new Promise<void>((resolve) => release.push(resolve));
        running--;
        return inputs;
      },
      { maxConcurrent: 1 },
    );
    const first = group.submit(1);
    await new Promise((resolve) => setImmediate(resolve));
    const rest = [2, 3, 4].map((n) => group.submit(n));
    await new Promise((resolve) => setImmediate(resolve));
    expect(batches).toEqual([[1]]);
    release.shift()?.();
    await first;
    while (release.length === 0) await new Promise((resolve) => setImmediate(resolve));
    release.shift()?.();
    expect(await Promise.all(rest)).toEqual([2, 3, 4]);
    expect(batches).toEqual([[1], [2, 3, 4]]);
    expect(most).toBe(1);
  });

  it('under load starts a batch at most every minIntervalMs, so each commit carries more', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'setImmediate', 'performance'] });
    try {
      const batches: number[][] = [];
      const group = new BatchCommit(
        async (inputs: number[]) => {
          batches.push(inputs);
          return inputs;
        },
        { minIntervalMs: 10 },
      );
      const first = group.submit(1); // after a quiet spell: at once
      await vi.advanceTimersByTimeAsync(0);
      expect(await first).toBe(1);
      const rest = [2, 3].map((n) => group.submit(n));
      await vi.advanceTimersByTimeAsync(5);
      expect(batches).toEqual([[1]]); // 5 ms after the last batch began: still waiting
      await vi.advanceTimersByTimeAsync(5);
      expect(await Promise.all(rest)).toEqual([2, 3]);
      expect(batches).toEqual([[1], [2, 3]]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('rejects every input of a failing batch', async () => {
    const group = new BatchCommit(async (): Promise<number[]> => {
      throw new Error('commit failed');
    });
    const results = await Promise.allSettled([1, 2].map((n) => group.submit(n)));
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });
});
