// /metrics over real HTTP, once per database: the state gauges (queue depth, oldest due
// delivery, disabled destinations) are read from the store at scrape time, follow the injected
// clock, and a database that is down leaves them out without failing the scrape.
import { describe, expect, it } from 'vitest';
import { databaseVariants } from '../helpers/databases.js';
import { useDeliverySuite } from '../helpers/delivery-suite.js';
import { sample, scrapeMetrics } from '../helpers/metrics-text.js';
import type { TestReceiver } from '../helpers/receiver.js';
import type { Harness } from '../helpers/relay-harness.js';

const variants = await databaseVariants('metrics');

const of = (id: string) => `{destination="${id}"}`;

describe.each(variants)('/metrics on $name', (variant) => {
  let h: Harness;
  let receiver: TestReceiver;
  let key: string;

  useDeliverySuite(variant, (suite) => {
    ({ h, receiver, key } = suite);
  });

  const scrape = () => scrapeMetrics(h.relay.url);

  async function destination(body: Record<string, unknown>): Promise<string> {
    const created = await h.api('POST', '/v1/destinations', body);
    expect(created.status).toBe(201);
    return created.body.id as string;
  }

  it('shows queue depth and the age of the oldest due delivery of a destination that is down', async () => {
    const downPath = `/down-${variant.name}`;
    receiver.behave(downPath, { kind: 'status', status: 503 });
    const down = await destination({ url: receiver.url(downPath) });
    const quiet = await destination({ url: receiver.url('/quiet'), event_types: ['vault.*'] });
    const parked = await destination({ url: receiver.url('/parked') });
    const start = h.clock.now();
    for (let i = 0; i < 3; i++) expect((await h.ingest('platform', key, 'session.status_idled')).status).toBe(200);
    // Disabled after the events arrived: its three deliveries stay pending, parked.
    expect((await h.api('PATCH', `/v1/destinations/${parked}`, { enabled: false })).status).toBe(200);
    await h.relay.dispatcher.drain();
    // Each of down's deliveries failed once and is due again 5 s later (jitter fixed at 0).
    expect(receiver.at(downPath)).toHaveLength(3);

    h.clock.advance(2_000);
    expect((await h.ingest('platform', key, 'session.status_idled')).status).toBe(200); // due at once
    let text = await scrape();
    expect(sample(text, 'hookline_state_scrape_up')).toBe(1);
    expect(sample(text, 'hookline_queue_depth', of(down))).toBe(4);
    expect(sample(text, 'hookline_oldest_due_delivery_age_seconds', of(down))).toBe(0);
    expect(sample(text, 'hookline_queue_depth', of(parked))).toBe(3);
    expect(sample(text, 'hookline_oldest_due_delivery_age_seconds', of(parked))).toBe(2);
    expect(sample(text, 'hookline_queue_depth', of(quiet))).toBe(0);
    expect(sample(text, 'hookline_oldest_due_delivery_age_seconds', of(quiet))).toBe(0);
    expect(sample(text, 'hookline_destination_disabled', of(down))).toBe(0);
    expect(sample(text, 'hookline_destination_disabled', of(parked))).toBe(1);

    h.clock.advance(63_000);
    text = await scrape();
    expect(h.clock.now() - start).toBe(65_000);
    // The newest event (due at +2 s) is now the oldest due one, ahead of the retries due at +5 s.
    expect(sample(text, 'hookline_oldest_due_delivery_age_seconds', of(down))).toBe(63);
    expect(sample(text, 'hookline_oldest_due_delivery_age_seconds', of(parked))).toBe(65);
    expect(sample(text, 'hookline_queue_depth', of(down))).toBe(4);

    // A deleted destination leaves the gauges instead of keeping its last value.
    expect((await h.api('DELETE', `/v1/destinations/${quiet}`)).status).toBe(204);
    text = await scrape();
    expect(sample(text, 'hookline_queue_depth', of(quiet))).toBeUndefined();
    expect(sample(text, 'hookline_queue_depth', of(down))).toBe(4);
  });

  it('still answers with the counters when the database is down, and says the state is missing', async () => {
    await destination({ url: receiver.url('/any') });
    expect((await h.ingest('platform', key, 'session.status_idled')).status).toBe(200);
    expect(sample(await scrape(), 'hookline_state_scrape_up')).toBe(1);
    await h.relay.store.close();
    const text = await scrape();
    expect(sample(text, 'hookline_state_scrape_up')).toBe(0);
    expect(text).not.toMatch(/^hookline_queue_depth\{/m);
    expect(sample(text, 'hookline_ingress_requests_total', '{source="platform",result="accepted"}')).toBe(1);
    // The rest of the relay answers too: readiness reports the database instead of crashing.
    expect((await fetch(`${h.relay.url}/readyz`)).status).toBe(503);
  });
});
