// Smoke test of `npm run bench:http`: every server the bench times starts for real and does its
// job (the verifiers reject a forged delivery), and the verdict on issue 3's target is computed
// as docs/benchmarks.md explains it. It asserts what the bench reports, never speed.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkBehaviour, startServer, stopServer } from '../http-processes.mjs';
import { judge, renderSection, type ServerResult, verdictText, writeSection } from '../http-report.mjs';
import { TARGETS, VERIFYING } from '../http-servers.mjs';

function server(rps: number, cpu: number, busy: number): ServerResult {
  return { rps, low: rps, high: rps, p50: 0, p99: 3, cpu, busy };
}

/** A run shaped like the recorded ones: the load generator, not the floor, is the limit. */
function run(overrides: Partial<Record<string, ServerResult>> = {}): Map<string, ServerResult> {
  const base: Record<string, ServerResult> = {
    floor: server(43_500, 15.0, 0.63),
    'floor-read-body': server(42_600, 14.9, 0.63),
    'floor-verify': server(46_000, 18.5, 0.85),
    hookline: server(46_200, 19.6, 0.9),
    'express+standardwebhooks': server(8_100, 123, 1),
  };
  return new Map(Object.entries({ ...base, ...overrides }) as [string, ServerResult][]);
}

describe('bench:http verdict', () => {
  it('judges by CPU when the floor was not saturated, against floor-verify when no verifier can reach the floor', () => {
    const verdict = judge(run());
    expect(verdict.floorSaturated).toBe(false);
    expect(verdict.measure).toBe('CPU per request');
    expect(verdict.minimalShare).toBeCloseTo(15.0 / 18.5);
    expect(verdict.reachable).toBe(false);
    expect(verdict.base).toBe('floor-verify');
    expect(verdict.share).toBeCloseTo(18.5 / 19.6);
    expect(verdict.met).toBe(true);
    expect(verdictText(run(), verdict)).toContain('hookline is held to 85 % of floor-verify instead: 94 % (met)');
  });

  it('does not let req/s above the floor hide a server that costs too much CPU', () => {
    const results = run({ hookline: server(47_000, 25, 0.99) });
    const verdict = judge(results);
    expect(verdict.byRps).toBeGreaterThan(1);
    expect(verdict.share).toBeCloseTo(18.5 / 25);
    expect(verdict.met).toBe(false);
    expect(verdictText(results, verdict)).toContain('(not met)');
  });

  it('holds hookline to the floor itself when a bare verifier can reach it', () => {
    const verdict = judge(run({ 'floor-verify': server(45_000, 16, 0.7) }));
    expect(verdict.reachable).toBe(true);
    expect(verdict.base).toBe('floor');
    expect(verdict.share).toBeCloseTo(15 / 19.6);
    expect(verdict.met).toBe(false);
  });

  it('judges by req/s when the floor was the bottleneck', () => {
    const results = run({
      floor: server(60_000, 15, 0.97),
      'floor-verify': server(45_000, 20, 0.98),
      hookline: server(40_000, 22, 0.99),
    });
    const verdict = judge(results);
    expect(verdict.measure).toBe('req/s');
    expect(verdict.minimalShare).toBeCloseTo(0.75);
    expect(verdict.share).toBeCloseTo(40 / 45);
    expect(verdict.met).toBe(true);
    expect(verdictText(results, verdict)).toContain('the servers were the limit');
  });

  it('fails the target when hookline is not ahead of Express+standardwebhooks', () => {
    const verdict = judge(run({ 'express+standardwebhooks': server(50_000, 10, 1) }));
    expect(verdict.share).toBeGreaterThan(0.85);
    expect(verdict.aheadOfExpress).toBe(false);
    expect(verdict.met).toBe(false);
  });

  it('replaces only its own section of docs/benchmarks.md', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'hookline-bench-')), 'benchmarks.md');
    writeFileSync(
      path,
      '# Benchmarks\n\n## unwrap (npm run bench)\n\nkept\n\n## HTTP receiving (npm run bench:http)\n\nold\n\n## Relay (npm run bench:relay)\n\nkept too\n',
    );
    const section = renderSection(run(), {
      machine: { cpu: 'Test CPU', nproc: 2, node: 'v20.0.0' },
      pinned: true,
      connections: 50,
      rounds: 3,
      seconds: 3,
      date: '2026-12-06',
    });
    writeSection(section, path);
    const text = readFileSync(path, 'utf8');
    expect(text).not.toContain('\nold\n');
    expect(text).toContain('kept\n');
    expect(text).toContain('kept too\n');
    expect(text).toContain('| floor-verify | 46,000 |');
    expect(text).toContain('hookline is held to 85 % of floor-verify instead');
    expect(text.indexOf('## HTTP receiving')).toBeLessThan(text.indexOf('## Relay'));
  });
});

describe('bench:http servers', () => {
  it.each(TARGETS)('%s answers a good delivery, and a forged one as its kind should', async (target) => {
    const started = await startServer(target);
    try {
      await checkBehaviour(target, started.url);
    } finally {
      const usage = await stopServer(started);
      expect(usage.cpu).toBeGreaterThan(0);
    }
  });

  it('refuses to time a server that accepts a forged delivery as a verifier', async () => {
    expect(VERIFYING.has('floor')).toBe(false);
    const floor = await startServer('floor');
    try {
      await expect(checkBehaviour('floor-verify', floor.url)).rejects.toThrow('expected 204/400, got 204/204');
    } finally {
      await stopServer(floor);
    }
  });
});
