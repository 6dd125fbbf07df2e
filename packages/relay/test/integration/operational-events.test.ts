// Operational events, once per database: the relay publishes its own events (source
// `hookline`) through the same outbox, to destinations that subscribe to them by name; a
// catch-all destination never receives them, and an exhausted delivery of an operational event
// produces no further event. The dispatcher also records the delivery metrics.
import { describe, expect, it } from 'vitest';
import { databaseVariants } from '../helpers/databases.js';
import { useDeliverySuite } from '../helpers/delivery-suite.js';
import type { TestReceiver } from '../helpers/receiver.js';
import type { Harness } from '../helpers/relay-harness.js';

const variants = await databaseVariants('operational_events');

describe.each(variants)('operational events on $name', (variant) => {
  let h: Harness;
  let receiver: TestReceiver;
  let key: string;

  useDeliverySuite(variant, (suite) => {
    ({ h, receiver, key } = suite);
  });

  async function destination(path: string, extra: Record<string, unknown> = {}) {
    const created = await h.api('POST', '/v1/destinations', { url: receiver.url(path), ...extra });
    expect(created.status).toBe(201);
    receiver.trust(path, 'current', created.body.secret);
    return created.body as { id: string };
  }

  /** Drains until `done` holds; operational events are stored just after the attempt that caused them. */
  async function drainUntil(done: () => boolean) {
    for (let i = 0; i < 100 && !done(); i++) {
      await h.relay.dispatcher.drain();
      if (!done()) await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  it('tells an operator destination about exhausted deliveries and disabled destinations', async () => {
    const ops = `/ops-${variant.name}`;
    const everything = `/everything-${variant.name}`;
    const down = `/down-${variant.name}`;
    const gone = `/gone-${variant.name}`;
    receiver.behave(ops, { kind: 'ok' });
    receiver.behave(everything, { kind: 'ok' });
    receiver.behave(down, { kind: 'status', status: 500 });
    receiver.behave(gone, { kind: 'status', status: 410 });
    await destination(ops, { event_types: ['destination.*', 'delivery.exhausted'] });
    await destination(everything);
    const failing = await destination(down, { event_types: ['session.*'], retry: { schedule: [1] } });
    const leaving = await destination(gone, { event_types: ['vault.*'] });

    const sent = await h.ingest('platform', key, 'session.status_idled');
    // Three deliveries in flight to the destination that answers 410: it is disabled once.
    for (let i = 0; i < 3; i++) await h.ingest('platform', key, 'vault.created');
    await h.relay.dispatcher.drain();
    h.clock.advance(2_000);
    await drainUntil(() => receiver.at(ops).length >= 2);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await h.relay.dispatcher.drain();
    expect(receiver.at(ops)).toHaveLength(2);

    const notices = receiver.at(ops).map((r) => JSON.parse(r.body));
    const byType = Object.fromEntries(notices.map((n) => [n.data.type, n]));
    expect(Object.keys(byType).sort()).toEqual(['delivery.exhausted', 'destination.disabled']);
    const [exhaustedDelivery] = (await h.api('GET', `/v1/deliveries?destination_id=${failing.id}`)).body.data;
    expect(byType['delivery.exhausted']).toMatchObject({
      type: 'event',
      data: {
        id: exhaustedDelivery.id,
        destination_id: failing.id,
        event_id: sent.id,
        event_type: 'session.status_idled',
        attempts: 2,
        last_status_code: 500,
      },
    });
    expect(byType['destination.disabled'].data).toMatchObject({
      id: leaving.id,
      reason: expect.stringContaining('410'),
    });
    expect(receiver.at(ops).every((r) => r.verifiedWith.includes('current'))).toBe(true);

    // They are events like any other: in the log under the `hookline` source…
    const logged = (await h.api('GET', '/v1/events?type=delivery.exhausted')).body.data;
    expect(logged).toEqual([expect.objectContaining({ source: 'hookline', resource_id: exhaustedDelivery.id })]);
    // …but a catch-all destination gets only the platform's events, never the relay's own.
    const types = receiver.at(everything).map((r) => JSON.parse(r.body).data.type);
    expect(types.sort()).toEqual(['session.status_idled', 'vault.created', 'vault.created', 'vault.created']);

    // No source may pose as the relay.
    const taken = await h.api('POST', '/v1/sources', { name: 'hookline', keys: [key] });
    expect(taken.status).toBe(422);
  });

  it('an operator destination that is down produces no events about its own deliveries', async () => {
    const ops = `/ops-down-${variant.name}`;
    const gone = `/gone2-${variant.name}`;
    receiver.behave(ops, { kind: 'status', status: 500 });
    receiver.behave(gone, { kind: 'status', status: 410 });
    const operator = await destination(ops, { event_types: ['destination.*', 'delivery.*'], retry: { schedule: [1] } });
    await destination(gone, { event_types: ['vault.*'] });
    await h.ingest('platform', key, 'vault.created');
    await drainUntil(() => receiver.at(ops).length >= 1);
    h.clock.advance(2_000);
    await drainUntil(() => receiver.at(ops).length >= 2);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await h.relay.dispatcher.drain();
    const deliveries = (await h.api('GET', `/v1/deliveries?destination_id=${operator.id}`)).body.data;
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0].status).toBe('failed');
    expect((await h.api('GET', '/v1/events?type=delivery.exhausted')).body.data).toHaveLength(0);
  });

  it('records attempts by destination and outcome, and their latency', async () => {
    const ok = `/metered-${variant.name}`;
    const bad = `/metered-bad-${variant.name}`;
    receiver.behave(ok, { kind: 'ok' });
    receiver.behave(bad, { kind: 'status', status: 503 });
    const good = await destination(ok);
    const failing = await destination(bad);
    await h.ingest('platform', key, 'session.status_idled');
    await h.ingest('platform', key, 'session.status_idled');
    await h.relay.dispatcher.drain();
    const text = await (await fetch(`${h.relay.url}/metrics`)).text();
    expect(text).toContain(`hookline_delivery_attempts_total{destination="${good.id}",outcome="delivered"} 2`);
    expect(text).toContain(`hookline_delivery_attempts_total{destination="${failing.id}",outcome="retry"} 2`);
    expect(text).toContain(`hookline_attempt_duration_seconds_count{destination="${good.id}"} 2`);
    expect(text).toContain(`hookline_breaker_state{destination="${failing.id}"} 0`);
  });
});
