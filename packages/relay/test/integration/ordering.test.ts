// Per-resource ordering and sequence numbers, once per database. The CLI's platform emulator
// draws realistic lifecycles (sessions, threads, vaults, deployments); their events are posted
// shuffled, and the first attempt of every third event fails. The receiver of a `per_resource`
// destination must see each resource's (and thread's) events in created_at order, one at a
// time, and every destination's hookline-sequence must run 1..N without gaps.
import { createTestDelivery } from '@hookline/webhooks/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SCENARIO_NAMES, SCENARIOS } from '../../../cli/src/simulate/lifecycles.js';
import { Random } from '../../../cli/src/simulate/random.js';
import { databaseVariants } from '../helpers/databases.js';
import { type Received, TestReceiver } from '../helpers/receiver.js';
import { type Harness, startHarness } from '../helpers/relay-harness.js';
import { TestClock } from '../helpers/test-clock.js';

const variants = await databaseVariants('ordering');

interface Planned {
  type: string;
  data: Record<string, string>;
  createdAt: number;
}

/** Every lifecycle of the emulator, three times, with created_at from the steps' gaps. */
function lifecycles(base: number): Planned[] {
  const random = new Random('ordering-test');
  const events: Planned[] = [];
  for (let round = 0; round < 3; round++) {
    for (const name of SCENARIO_NAMES) {
      let at = base + random.int(0, 60_000);
      for (const step of SCENARIOS[name]!(random)) {
        at += Math.round(step.gap * 1000);
        events.push({ type: step.type, data: step.data, createdAt: at });
      }
    }
  }
  for (let i = events.length - 1; i > 0; i--) {
    const j = random.int(0, i);
    [events[i], events[j]] = [events[j]!, events[i]!];
  }
  return events;
}

const keyOf = (data: { id: string; session_thread_id?: string }) =>
  data.session_thread_id ? `${data.id}/${data.session_thread_id}` : data.id;

describe.each(variants)('ordering on $name', (variant) => {
  let h: Harness;
  let receiver: TestReceiver;

  beforeAll(async () => {
    receiver = await new TestReceiver(new TestClock()).start();
  });
  afterAll(async () => {
    await receiver.stop();
    await variant.cleanup();
  });
  afterEach(async () => {
    await h.stop();
  });

  async function destination(path: string, extra: Record<string, unknown> = {}) {
    const created = await h.api('POST', '/v1/destinations', { url: receiver.url(path), ...extra });
    expect(created.status).toBe(201);
    receiver.trust(path, 'current', created.body.secret);
    return created.body as { id: string; ordering: string };
  }

  it('delivers each resource in created_at order while failures are injected; sequences have no gaps', async () => {
    // The breaker stays out of this test: a third of first attempts fail, and a 50 % burst would
    // rightly park the whole destination, which is not what this test is about.
    h = await startHarness(variant, { breaker: { minimumAttempts: 1_000_000 } });
    receiver.clock = h.clock;
    const key = await h.source('platform');
    const ordered = `/ordered-${variant.name}`;
    const plain = `/plain-${variant.name}`;
    // The first attempt of every third event (in posting order) fails with a 503.
    const unlucky = new Set<string>();
    const tried = new Set<string>();
    const delivered = new Set<string>();
    receiver.behave(ordered, {
      kind: 'decide',
      decide: (r: Received) => {
        const id = String(r.headers['webhook-id']);
        const first = !tried.has(id);
        tried.add(id);
        if (first && unlucky.has(id)) return 503;
        delivered.add(id);
        return 200;
      },
    });
    receiver.behave(plain, { kind: 'ok' });
    const dest = await destination(ordered, { ordering: 'per_resource' });
    expect(dest.ordering).toBe('per_resource');
    await destination(plain);

    const planned = lifecycles(h.clock.now() - 3_600_000);
    const posted: { id: string; key: string; createdAt: number }[] = [];
    for (const [index, event] of planned.entries()) {
      const delivery = createTestDelivery({
        type: event.type,
        key,
        timestamp: h.clock.date(),
        createdAt: new Date(event.createdAt).toISOString(),
        data: event.data,
      });
      const response = await fetch(`${h.relay.url}/ingest/platform`, {
        method: 'POST',
        headers: delivery.headers,
        body: delivery.body,
      });
      expect(response.status).toBe(200);
      if (index % 3 === 0) unlucky.add(delivery.id);
      posted.push({ id: delivery.id, key: keyOf(event.data as { id: string }), createdAt: event.createdAt });
    }

    // Per key, the created_at order (ties by arrival: the sort is stable over posting order).
    const expected = new Map<string, string[]>();
    for (const event of [...posted].sort((a, b) => a.createdAt - b.createdAt)) {
      expected.set(event.key, [...(expected.get(event.key) ?? []), event.id]);
    }

    // First pass, no time passing: each key delivers exactly up to its first failing event,
    // which then blocks that key only; every other key runs to its own first failure or end.
    await h.relay.dispatcher.drain();
    const upToFirstFailure = [...expected.values()].flatMap((ids) => {
      const stop = ids.findIndex((id) => unlucky.has(id));
      return stop === -1 ? ids : ids.slice(0, stop);
    });
    expect([...delivered].sort()).toEqual(upToFirstFailure.sort());
    expect(delivered.size).toBeLessThan(posted.length);
    for (let round = 0; round < 40 && delivered.size < posted.length; round++) {
      h.clock.advance(10 * 60_000);
      await h.relay.dispatcher.drain();
    }

    // Per key, the ordered receiver saw the events in (created_at, arrival) order, each one
    // repeated only while it was the failing head — never interleaved with a later one.
    const seen = new Map<string, string[]>();
    for (const r of receiver.at(ordered)) {
      const body = JSON.parse(r.body);
      const k = keyOf(body.data);
      const list = seen.get(k) ?? [];
      if (list.at(-1) !== body.id) list.push(body.id);
      seen.set(k, list);
    }
    expect(seen).toEqual(expected);
    expect(receiver.at(ordered).length).toBe(posted.length + unlucky.size);

    // hookline-sequence: per destination 1..N, one number per event, the same on every retry.
    for (const path of [ordered, plain]) {
      const byEvent = new Map<string, string>();
      for (const r of receiver.at(path)) {
        const id = String(r.headers['webhook-id']);
        const sequence = String(r.headers['hookline-sequence']);
        expect(byEvent.get(id) ?? sequence).toBe(sequence);
        byEvent.set(id, sequence);
      }
      const numbers = [...byEvent.values()].map(Number).sort((a, b) => a - b);
      expect(numbers).toEqual(Array.from({ length: posted.length }, (_, i) => i + 1));
    }
    expect(receiver.at(ordered).every((r) => r.verifiedWith.includes('current'))).toBe(true);
  });

  it("never runs a late-arriving older event alongside its key's head already in flight", async () => {
    h = await startHarness(variant);
    receiver.clock = h.clock;
    const key = await h.source('platform');
    const path = `/late-${variant.name}`;
    receiver.behave(path, { kind: 'hang' });
    await destination(path, { ordering: 'per_resource', timeout_ms: 300 });
    const post = async (createdAt: number) => {
      const delivery = createTestDelivery({
        type: 'session.status_idled',
        key,
        timestamp: h.clock.date(),
        createdAt: new Date(createdAt).toISOString(),
        data: { id: 'sesn_late' },
      });
      const response = await fetch(`${h.relay.url}/ingest/platform`, {
        method: 'POST',
        headers: delivery.headers,
        body: delivery.body,
      });
      expect(response.status).toBe(200);
      return delivery.id;
    };
    const later = await post(h.clock.now() - 1_000);
    const drained = h.relay.dispatcher.drain();
    while (receiver.at(path).length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const earlier = await post(h.clock.now() - 60_000);
    // The older event is now the key's oldest, but the head is still out: it must wait.
    expect(await h.relay.dispatcher.tick()).toBe(0);
    await drained;
    expect(receiver.at(path).map((r) => r.headers['webhook-id'])).toEqual([later, earlier]);
    expect(receiver.maxOpen.get(path)).toBe(1);
  });
});
