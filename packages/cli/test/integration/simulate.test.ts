import { generateSecret } from '@hookline/webhooks/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { buildPlan } from '../../src/simulate/plan.js';
import type { SimulationReport } from '../../src/simulate/report.js';
import {
  acceptEverythingReceiver,
  failFirstReceiver,
  failingReceiver,
  type Received,
  type Receiver,
  redirectingReceiver,
  verifiesWithReference,
  verifyingReceiver,
} from './helpers/receivers.js';
import { runCli } from './helpers/run-cli.js';

const key = generateSecret();
let receiver: Receiver | undefined;

afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

async function simulate(url: string, ...args: string[]) {
  const result = await runCli(['simulate', '--to', url, '--key', key, '--json', ...args]);
  const report = JSON.parse(result.stdout) as SimulationReport;
  return { ...result, report };
}

function byId(requests: Receiver['requests']) {
  const groups = new Map<string, Receiver['requests']>();
  for (const request of requests) {
    const id = String(request.headers['webhook-id']);
    groups.set(id, [...(groups.get(id) ?? []), request]);
  }
  return groups;
}

describe('hookline simulate', () => {
  it('delivers every lifecycle event once, signed, to a receiver that answers 204', async () => {
    receiver = await verifyingReceiver(key);
    const { code, report } = await simulate(
      receiver.url,
      '--sessions',
      '16',
      '--time-scale',
      '0.001',
      '--seed',
      'happy',
    );
    expect(code).toBe(0);
    expect(report.events.planned).toBeGreaterThan(16);
    expect(report.events.acknowledged).toBe(report.events.planned);
    expect(report.events.dropped).toBe(0);
    expect(report.attempts).toBe(report.events.planned);
    expect(receiver.requests).toHaveLength(report.events.planned);
    for (const request of receiver.requests) {
      expect(verifiesWithReference(key, request)).toBe(true);
      const event = JSON.parse(request.body);
      expect(event.id).toBe(request.headers['webhook-id']);
      expect(event.id).toMatch(/^whe_[0-9a-f]{32}$/);
      expect(event.type).toBe('event');
      expect(event.created_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
      // created_at is when the state changed: never after the attempt that carries it.
      expect(Date.parse(event.created_at) / 1000).toBeLessThanOrEqual(Number(request.headers['webhook-timestamp']));
      expect(event.data.id).toMatch(/^(sesn|vlt|vcrd|drun|depl)_011C[1-9A-Za-z]{24}$/);
      expect(event.data.organization_id).toMatch(/^org_011C/);
      expect(event.data.workspace_id).toMatch(/^wrkspc_011C/);
    }
    const types = new Set(receiver.requests.map((request) => JSON.parse(request.body).data.type));
    for (const type of [
      'session.status_run_started',
      'session.thread_created',
      'vault.created',
      'deployment_run.started',
    ]) {
      expect(types).toContain(type);
    }
  });

  it('retries an event whose first attempt failed, with the same id and body', async () => {
    receiver = await failFirstReceiver(key);
    const { code, report } = await simulate(
      receiver.url,
      '--sessions',
      '8',
      '--time-scale',
      '0.001',
      '--seed',
      'retry',
    );
    expect(code).toBe(0);
    expect(report.events.retried).toBe(report.events.planned);
    expect(report.events.acknowledged).toBe(report.events.planned);
    expect(report.attempts).toBe(2 * report.events.planned);
    const groups = byId(receiver.requests);
    expect(groups.size).toBe(report.events.planned);
    for (const [, attempts] of groups) {
      expect(attempts.map((attempt) => attempt.status)).toEqual([503, 204]);
      expect(attempts[1]!.body).toBe(attempts[0]!.body);
      expect(attempts.every((attempt) => verifiesWithReference(key, attempt))).toBe(true);
      // The shortest platform backoff is 5 s; at time scale 0.001 that is 5 ms (1 ms timer slack).
      expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(4);
    }
  });

  it('re-stamps webhook-timestamp and re-signs on every attempt', async () => {
    // Two failures force a third attempt at least 30 platform seconds after the first (5 s + 25 s
    // minimum backoff); at time scale 0.04 that is 1.2 s, so the Unix-second timestamps must differ.
    // A seed whose single lifecycle is short keeps the test brief.
    const seed = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'].find(
      (candidate) =>
        buildPlan({
          seed: candidate,
          scenarios: ['simple-turn'],
          sessions: 1,
          rate: 1,
          duplicates: 0,
          reorder: 0,
          forged: 0,
          epochMs: 0,
        }).duration < 40,
    );
    expect(seed).toBeDefined();
    receiver = await failFirstReceiver(key, 2);
    const { code, report } = await simulate(
      receiver.url,
      ...['--sessions', '1', '--scenario', 'simple-turn', '--time-scale', '0.04', '--seed', seed!],
    );
    expect(code).toBe(0);
    const groups = byId(receiver.requests);
    expect(groups.size).toBe(report.events.planned);
    for (const [, attempts] of groups) {
      expect(attempts.map((attempt) => attempt.status)).toEqual([503, 503, 204]);
      const [first, , third] = attempts as [Received, Received, Received];
      expect(third.body).toBe(first.body);
      expect(Number(third.headers['webhook-timestamp'])).toBeGreaterThan(Number(first.headers['webhook-timestamp']));
      expect(third.headers['webhook-signature']).not.toBe(first.headers['webhook-signature']);
      for (const attempt of attempts) expect(verifiesWithReference(key, attempt)).toBe(true);
    }
    expect(report.events.retried).toBe(report.events.planned);
    expect(report.attempts).toBe(3 * report.events.planned);
  });

  it('drops an event after exactly three failed attempts and exits 1', async () => {
    receiver = await failingReceiver();
    const { code, report, stdout } = await simulate(
      receiver.url,
      '--sessions',
      '3',
      '--time-scale',
      '0.001',
      '--seed',
      'drop',
    );
    expect(code).toBe(1);
    expect(report.events.dropped).toBe(report.events.planned);
    expect(report.droppedEvents).toHaveLength(report.events.planned);
    expect(report.endpoint.disabled).toBe(false);
    for (const [, attempts] of byId(receiver.requests)) expect(attempts).toHaveLength(3);
    expect(stdout).toContain('"dropped"');
  });

  it('disables the endpoint at the first 3xx, stops the run and exits 3 with the platform reason', async () => {
    receiver = await redirectingReceiver();
    const result = await runCli([
      'simulate',
      '--to',
      receiver.url,
      '--key',
      key,
      '--sessions',
      '5',
      '--time-scale',
      '0.001',
      '--concurrency',
      '1',
      '--seed',
      'redirect',
    ]);
    expect(result.code).toBe(3);
    // Redirects are never followed and nothing is sent after the first one.
    expect(receiver.requests).toHaveLength(1);
    expect(result.stdout).toContain('disabled: auto-disabled: endpoint URL returned a redirect (3xx)');
    expect(result.stdout).toMatch(/undelivered\s+\d+/);
  });

  it('disables the endpoint after sustained failures (--disable-after)', async () => {
    receiver = await failingReceiver();
    const { code, report } = await simulate(
      receiver.url,
      '--sessions',
      '10',
      '--time-scale',
      '0.001',
      '--disable-after',
      '20',
      '--seed',
      'sustained',
    );
    expect(code).toBe(3);
    expect(report.endpoint.disabledReason).toBe('auto-disabled after sustained delivery failures');
  });

  it('reports forgeries a non-verifying receiver accepted, and exits 1', async () => {
    receiver = await acceptEverythingReceiver();
    const { code, report } = await simulate(
      receiver.url,
      '--sessions',
      '8',
      '--time-scale',
      '0.001',
      '--forged',
      '0.6',
      '--seed',
      'forge',
    );
    expect(code).toBe(1);
    expect(report.forged.sent).toBeGreaterThan(0);
    expect(report.forged.accepted).toBe(report.forged.sent);
    expect(report.acceptedForgeries).toHaveLength(report.forged.sent);
    // Every forgery really is invalid: the reference library rejects each one.
    const forged = new Set(report.acceptedForgeries.map((forgery) => forgery.id));
    const forgedRequests = receiver.requests.filter((request) => forged.has(String(request.headers['webhook-id'])));
    expect(forgedRequests).toHaveLength(report.forged.sent);
    for (const request of forgedRequests) expect(verifiesWithReference(key, request)).toBe(false);
  });

  it('passes a verifying receiver through forgeries, duplicates and reordering', async () => {
    receiver = await verifyingReceiver(key);
    const { code, report } = await simulate(
      receiver.url,
      '--sessions',
      '10',
      '--time-scale',
      '0.001',
      '--forged',
      '0.5',
      '--duplicates',
      '1',
      '--reorder',
      '0.5',
      '--seed',
      'chaos',
    );
    expect(code).toBe(0);
    expect(report.forged.sent).toBeGreaterThan(0);
    expect(report.forged.accepted).toBe(0);
    expect(report.duplicates.sent).toBe(report.events.planned);
    expect(report.reordered).toBeGreaterThan(0);
    // Each real event arrived at least twice (the injected duplicate), with one id and one body.
    const real = [...byId(receiver.requests)].filter(([, attempts]) => attempts[0]!.status === 204);
    expect(real).toHaveLength(report.events.planned);
    for (const [, attempts] of real) {
      expect(attempts.length).toBeGreaterThanOrEqual(2);
      expect(new Set(attempts.map((attempt) => attempt.body)).size).toBe(1);
    }
    // Reordering is visible to the receiver: some event arrived after one created later in its lifecycle.
    const arrivals = real.map(([, attempts]) => ({ event: JSON.parse(attempts[0]!.body), at: attempts[0]!.at }));
    const inversions = arrivals.filter(({ event, at }) =>
      arrivals.some(
        (other) => other.event.data.id === event.data.id && other.event.created_at > event.created_at && other.at < at,
      ),
    );
    expect(inversions.length).toBeGreaterThan(0);
  });

  it('is reproducible with --seed (and --start fixes created_at)', async () => {
    receiver = await verifyingReceiver(key);
    const args = [
      '--sessions',
      '6',
      '--time-scale',
      '0.001',
      '--start',
      '2026-03-15T10:00:00Z',
      '--duplicates',
      '0.3',
      '--forged',
      '0.3',
    ];
    await simulate(receiver.url, ...args, '--seed', 'same');
    const first = receiver.requests
      .splice(0)
      .map((request) => request.body)
      .sort();
    await simulate(receiver.url, ...args, '--seed', 'same');
    const second = receiver.requests
      .splice(0)
      .map((request) => request.body)
      .sort();
    await simulate(receiver.url, ...args, '--seed', 'other');
    const third = receiver.requests
      .splice(0)
      .map((request) => request.body)
      .sort();
    expect(second).toEqual(first);
    expect(third).not.toEqual(first);
    expect(first.some((body) => body.includes('"created_at":"2026-03-15T10:00:00Z"'))).toBe(true);
  });

  it('rejects bad flags with exit 2 and a pointer to --help', async () => {
    const result = await runCli(['simulate', '--to', 'http://127.0.0.1:9/', '--key', key, '--scenario', 'multi-agnet']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('did you mean multi-agent');
    const probability = await runCli(['simulate', '--to', 'http://127.0.0.1:9/', '--key', key, '--forged', '2']);
    expect(probability.code).toBe(2);
    expect(probability.stderr).toContain('--forged must be a number ≥ 0 ≤ 1');
  });
});
