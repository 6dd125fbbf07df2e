// The circuit breaker in the dispatcher, once per database: after enough failures it opens and
// parks the destination's deliveries without spending their retry attempts; after the
// cool-down one probe goes out; its 2xx closes the breaker, the rest flows, and an operator
// destination hears `destination.recovered`. Time comes from the injected clock.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { databaseVariants } from '../helpers/databases.js';
import { TestReceiver } from '../helpers/receiver.js';
import { type Harness, startHarness } from '../helpers/relay-harness.js';
import { TestClock } from '../helpers/test-clock.js';

const variants = await databaseVariants('circuit_breaker');

describe.each(variants)('circuit breaker on $name', (variant) => {
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
    return created.body as { id: string };
  }

  const attemptCounts = async (id: string) =>
    ((await h.api('GET', `/v1/deliveries?destination_id=${id}`)).body.data as { attempt_count: number }[])
      .map((d) => d.attempt_count)
      .sort();

  async function breakerGauge(id: string): Promise<string | undefined> {
    const text = await (await fetch(`${h.relay.url}/metrics`)).text();
    return new RegExp(`^hookline_breaker_state\\{destination="${id}"\\} (\\d+)$`, 'm').exec(text)?.[1];
  }

  it('opens after failures, parks deliveries without spending attempts, probes, closes and reports recovery', async () => {
    h = await startHarness(variant);
    receiver.clock = h.clock;
    const key = await h.source('platform');
    const ops = `/ops-${variant.name}`;
    const down = `/down-${variant.name}`;
    receiver.behave(ops, { kind: 'ok' });
    receiver.behave(down, { kind: 'status', status: 503 });
    await destination(ops, { event_types: ['destination.*'] });
    const dest = await destination(down, { event_types: ['session.*'] });
    for (let i = 0; i < 12; i++) await h.ingest('platform', key, 'session.status_idled');

    // 10 attempts (its max_in_flight) fail: 10 outcomes at a 100 % failure ratio open the breaker.
    await h.relay.dispatcher.drain();
    expect(receiver.at(down)).toHaveLength(10);
    expect(h.relay.dispatcher.breakerState(dest.id)).toBe('open');
    expect(await breakerGauge(dest.id)).toBe('2');
    expect(await attemptCounts(dest.id)).toEqual([0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]);

    // The retries fall due, but the breaker is open: nothing is sent and no attempt is spent.
    h.clock.advance(10_000);
    await h.relay.dispatcher.drain();
    expect(receiver.at(down)).toHaveLength(10);
    expect(await attemptCounts(dest.id)).toEqual([0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]);

    // After the 30 s cool-down one probe goes out; its 2xx closes the breaker and the rest flows.
    receiver.behave(down, { kind: 'ok' });
    h.clock.advance(25_000);
    await h.relay.dispatcher.drain();
    expect(receiver.at(down)).toHaveLength(22);
    expect(h.relay.dispatcher.breakerState(dest.id)).toBe('closed');
    expect(await breakerGauge(dest.id)).toBe('0');
    const deliveries = (await h.api('GET', `/v1/deliveries?destination_id=${dest.id}`)).body.data;
    expect(deliveries.every((d: { status: string }) => d.status === 'delivered')).toBe(true);
    expect(await attemptCounts(dest.id)).toEqual([1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2]);

    // The operator destination hears about it through the same pipeline (stored, then delivered).
    for (let i = 0; i < 100 && receiver.at(ops).length === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      await h.relay.dispatcher.drain();
    }
    const [recovered] = receiver.at(ops).map((r) => JSON.parse(r.body));
    expect(recovered.data).toMatchObject({ type: 'destination.recovered', id: dest.id });
    expect(receiver.at(ops)[0]?.verifiedWith).toEqual(['current']);
  });
});
