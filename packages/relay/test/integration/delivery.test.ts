// Delivery end to end on real loopback destinations, once per database: signing, the
// status-code rules, the retry schedule (driven by an injected clock), manual retry, filters
// and secret rotation. Every delivery is verified with the npm `standardwebhooks` library.
import { describe, expect, it } from 'vitest';
import { databaseVariants } from '../helpers/databases.js';
import { useDeliverySuite } from '../helpers/delivery-suite.js';
import type { TestReceiver } from '../helpers/receiver.js';
import { type Harness, startHarness } from '../helpers/relay-harness.js';

const variants = await databaseVariants('delivery');

describe.each(variants)('delivery on $name', (variant) => {
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
    return created.body as { id: string; secret: string };
  }

  async function onlyDelivery(destinationId: string) {
    const list = await h.api('GET', `/v1/deliveries?destination_id=${destinationId}`);
    expect(list.body.data).toHaveLength(1);
    return list.body.data[0];
  }

  it('delivers the exact bytes, signed for the destination, with webhook-id = event id', async () => {
    const path = `/ok-${variant.name}`;
    receiver.behave(path, { kind: 'ok' });
    const dest = await destination(path, { headers: { 'X-Api-Key': 'downstream-secret' } });
    const sent = await h.ingest('platform', key, 'session.status_idled');
    expect(sent.status).toBe(200);
    await h.relay.dispatcher.drain();

    const got = receiver.at(path);
    expect(got).toHaveLength(1);
    expect(got[0]?.body).toBe(sent.raw);
    expect(got[0]?.headers['webhook-id']).toBe(sent.id);
    expect(got[0]?.headers['webhook-timestamp']).toBe(String(Math.floor(h.clock.now() / 1000)));
    expect(got[0]?.verifiedWith).toEqual(['current']);
    expect(got[0]?.headers['x-api-key']).toBe('downstream-secret');
    expect(got[0]?.headers['content-type']).toBe('application/json');

    const delivery = await onlyDelivery(dest.id);
    expect(delivery).toMatchObject({ status: 'delivered', attempt_count: 1, last_status_code: 200 });
    const attempts = await h.api('GET', `/v1/deliveries/${delivery.id}/attempts`);
    expect(attempts.body.data).toEqual([
      expect.objectContaining({
        attempt_number: 1,
        status_code: 200,
        outcome: 'delivered',
        response_body: 'ok',
        manual: false,
      }),
    ]);
    const event = await h.api('GET', `/v1/events/${sent.id}`);
    expect(event.body).toMatchObject({ event_id: sent.id, type: 'session.status_idled', source: 'platform' });
    expect(event.body.deliveries).toHaveLength(1);
  });

  it('retries on the schedule: fails twice, then succeeds', async () => {
    const path = `/flaky-${variant.name}`;
    receiver.behave(path, { kind: 'fail', times: 2, status: 503 });
    const dest = await destination(path);
    await h.ingest('platform', key, 'session.status_run_started');
    await h.relay.dispatcher.drain();

    let delivery = await onlyDelivery(dest.id);
    expect(delivery).toMatchObject({ status: 'pending', attempt_count: 1, last_status_code: 503 });
    // random() = 0.5 means no jitter: exactly 5 s after the first attempt.
    expect(Date.parse(delivery.next_attempt_at) - Date.parse(delivery.last_attempt_at)).toBe(5_000);

    h.clock.advance(4_000);
    await h.relay.dispatcher.drain();
    expect(receiver.at(path)).toHaveLength(1); // not due yet

    h.clock.advance(1_000);
    await h.relay.dispatcher.drain();
    delivery = await onlyDelivery(dest.id);
    expect(delivery).toMatchObject({ status: 'pending', attempt_count: 2 });
    expect(Date.parse(delivery.next_attempt_at) - Date.parse(delivery.last_attempt_at)).toBe(300_000);

    h.clock.advance(300_000);
    await h.relay.dispatcher.drain();
    delivery = await onlyDelivery(dest.id);
    expect(delivery).toMatchObject({ status: 'delivered', attempt_count: 3, last_status_code: 200 });
    expect(receiver.at(path).every((r) => r.verifiedWith.includes('current'))).toBe(true);
    const attempts = await h.api('GET', `/v1/deliveries/${delivery.id}/attempts`);
    expect(attempts.body.data.map((a: { outcome: string }) => a.outcome)).toEqual(['retry', 'retry', 'delivered']);
  });

  it('honours Retry-After on a 429, clamped to [scheduled, 2 × scheduled] with the 60 s floor', async () => {
    const path = `/throttled-${variant.name}`;
    receiver.behave(path, { kind: 'status', status: 429, headers: { 'retry-after': '3600' } });
    const dest = await destination(path);
    await h.ingest('platform', key, 'session.status_idled');
    await h.relay.dispatcher.drain();
    const delivery = await onlyDelivery(dest.id);
    // scheduled 5 s → at least 60 s after a 429 → Retry-After 3600 s clamped to 2 × 60 s.
    expect(Date.parse(delivery.next_attempt_at) - Date.parse(delivery.last_attempt_at)).toBe(120_000);
    const [attempt] = (await h.api('GET', `/v1/deliveries/${delivery.id}/attempts`)).body.data;
    expect(attempt).toMatchObject({ status_code: 429, error_class: 'rate_limited', outcome: 'retry' });
  });

  it('times out a hanging destination and waits at least 60 s', async () => {
    const path = `/hang-${variant.name}`;
    receiver.behave(path, { kind: 'hang' });
    const dest = await destination(path, { timeout_ms: 200 });
    await h.ingest('platform', key, 'session.status_idled');
    await h.relay.dispatcher.drain();
    const delivery = await onlyDelivery(dest.id);
    expect(delivery.status).toBe('pending');
    expect(Date.parse(delivery.next_attempt_at) - Date.parse(delivery.last_attempt_at)).toBe(60_000);
    const [attempt] = (await h.api('GET', `/v1/deliveries/${delivery.id}/attempts`)).body.data;
    expect(attempt).toMatchObject({ status_code: null, error_class: 'timeout', outcome: 'retry' });
  });

  it("caps a destination's attempts in flight (its lane) and hands the overflow back", async () => {
    await h.stop();
    h = await startHarness(variant, { config: { maxInFlightPerDestination: 2 } });
    receiver.clock = h.clock;
    key = await h.source('platform');
    const path = `/lane-${variant.name}`;
    receiver.behave(path, { kind: 'hang' });
    const dest = await destination(path, { timeout_ms: 200 });
    for (let i = 0; i < 5; i++) await h.ingest('platform', key, 'session.status_idled');
    await h.relay.dispatcher.drain();
    expect(receiver.at(path)).toHaveLength(5);
    expect(receiver.maxOpen.get(path)).toBe(2);
    const deliveries = (await h.api('GET', `/v1/deliveries?destination_id=${dest.id}`)).body.data;
    expect(deliveries.map((d: { attempt_count: number }) => d.attempt_count)).toEqual([1, 1, 1, 1, 1]);
  });

  it('never follows a redirect and counts it as a failure', async () => {
    const path = `/redirect-${variant.name}`;
    const target = `/redirect-target-${variant.name}`;
    receiver.behave(path, { kind: 'redirect', location: receiver.url(target) });
    const dest = await destination(path);
    await h.ingest('platform', key, 'session.status_idled');
    await h.relay.dispatcher.drain();
    expect(receiver.at(target)).toHaveLength(0);
    const delivery = await onlyDelivery(dest.id);
    expect(delivery).toMatchObject({ status: 'pending', last_status_code: 302 });
    const [attempt] = (await h.api('GET', `/v1/deliveries/${delivery.id}/attempts`)).body.data;
    expect(attempt.error_class).toBe('redirect');
  });

  it('disables a destination that answers 410 and creates no new deliveries for it', async () => {
    const path = `/gone-${variant.name}`;
    receiver.behave(path, { kind: 'status', status: 410 });
    const dest = await destination(path);
    await h.ingest('platform', key, 'session.status_idled');
    await h.relay.dispatcher.drain();
    const got = await h.api('GET', `/v1/destinations/${dest.id}`);
    expect(got.body).toMatchObject({ enabled: false, disabled_reason: expect.stringContaining('410') });
    expect((await onlyDelivery(dest.id)).status).toBe('failed');

    await h.ingest('platform', key, 'session.status_idled');
    await h.relay.dispatcher.drain();
    expect(receiver.at(path)).toHaveLength(1);
    expect((await h.api('GET', `/v1/deliveries?destination_id=${dest.id}`)).body.data).toHaveLength(1);
  });

  it('marks a delivery failed after the last attempt, keeps it, and a manual retry delivers it', async () => {
    const path = `/down-${variant.name}`;
    receiver.behave(path, { kind: 'status', status: 500 });
    const dest = await destination(path, { retry: { schedule: [1, 2] } });
    await h.ingest('platform', key, 'vault.created');
    for (let i = 0; i < 3; i++) {
      await h.relay.dispatcher.drain();
      h.clock.advance(10_000);
    }
    let delivery = await onlyDelivery(dest.id);
    expect(delivery).toMatchObject({ status: 'failed', attempt_count: 3, next_attempt_at: null });
    const failed = await h.api('GET', `/v1/deliveries?status=failed&destination_id=${dest.id}`);
    expect(failed.body.data).toHaveLength(1);

    receiver.behave(path, { kind: 'ok' });
    const retried = await h.api('POST', `/v1/deliveries/${delivery.id}/retry`);
    expect(retried.status).toBe(200);
    expect(retried.body.attempt).toMatchObject({ manual: true, status_code: 200, outcome: 'delivered' });
    delivery = await onlyDelivery(dest.id);
    expect(delivery).toMatchObject({ status: 'delivered', attempt_count: 3 });
  });

  it('a manual retry of a pending delivery does not restart the schedule', async () => {
    const path = `/still-down-${variant.name}`;
    receiver.behave(path, { kind: 'status', status: 500 });
    const dest = await destination(path);
    await h.ingest('platform', key, 'vault.created');
    await h.relay.dispatcher.drain();
    const before = await onlyDelivery(dest.id);
    const retried = await h.api('POST', `/v1/deliveries/${before.id}/retry`);
    expect(retried.body.attempt).toMatchObject({ manual: true, status_code: 500, outcome: 'failed' });
    const after = await onlyDelivery(dest.id);
    expect(after).toMatchObject({ status: 'pending', attempt_count: 1, next_attempt_at: before.next_attempt_at });
    expect((await h.api('POST', '/v1/deliveries/dlv_missing/retry')).status).toBe(404);
  });

  it('fans out only to destinations whose filter matches', async () => {
    const sessions = `/sessions-${variant.name}`;
    const vaults = `/vaults-${variant.name}`;
    const all = `/all-${variant.name}`;
    for (const p of [sessions, vaults, all]) receiver.behave(p, { kind: 'ok' });
    await destination(sessions, { event_types: ['session.*'] });
    await destination(vaults, { event_types: ['vault.created', 'vault_credential.*'] });
    await destination(all);
    const disabled = await destination(`/disabled-${variant.name}`, { enabled: false });
    await h.ingest('platform', key, 'session.thread_created');
    await h.ingest('platform', key, 'vault.created');
    await h.ingest('platform', key, 'vault_credential.refresh_failed');
    await h.ingest('platform', key, 'agent.created');
    await h.relay.dispatcher.drain();
    const types = (p: string) => receiver.at(p).map((r) => JSON.parse(r.body).data.type);
    expect(types(sessions)).toEqual(['session.thread_created']);
    expect(types(vaults).sort()).toEqual(['vault.created', 'vault_credential.refresh_failed']);
    expect(types(all)).toHaveLength(4);
    expect((await h.api('GET', `/v1/deliveries?destination_id=${disabled.id}`)).body.data).toHaveLength(0);
  });

  it('after a rotation signs with the new and the old secret until the grace period ends', async () => {
    const path = `/rotate-${variant.name}`;
    receiver.behave(path, { kind: 'ok' });
    const dest = await destination(path);
    receiver.trust(path, 'old', dest.secret);
    const rotated = await h.api('POST', `/v1/destinations/${dest.id}/rotate-secret`, {});
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(dest.secret);
    receiver.trust(path, 'current', rotated.body.secret);

    await h.ingest('platform', key, 'session.status_idled');
    await h.relay.dispatcher.drain();
    expect(receiver.at(path).at(-1)?.verifiedWith.sort()).toEqual(['current', 'old']);

    h.clock.advance(24 * 3600 * 1000 + 1);
    await h.ingest('platform', key, 'session.status_idled');
    await h.relay.dispatcher.drain();
    expect(receiver.at(path).at(-1)?.verifiedWith).toEqual(['current']);
  });

  it('stores response bodies truncated to 4 KiB', async () => {
    const path = `/verbose-${variant.name}`;
    receiver.behave(path, { kind: 'ok', body: 'x'.repeat(100_000) });
    const dest = await destination(path);
    await h.ingest('platform', key, 'session.status_idled');
    await h.relay.dispatcher.drain();
    const delivery = await onlyDelivery(dest.id);
    const [attempt] = (await h.api('GET', `/v1/deliveries/${delivery.id}/attempts`)).body.data;
    expect(attempt.response_body).toHaveLength(4096);
  });

  it('records a connection error and retries', async () => {
    const dest = await h.api('POST', '/v1/destinations', { url: 'http://127.0.0.1:9/closed' });
    await h.ingest('platform', key, 'session.status_idled');
    await h.relay.dispatcher.drain();
    const delivery = await onlyDelivery(dest.body.id);
    expect(delivery.status).toBe('pending');
    const [attempt] = (await h.api('GET', `/v1/deliveries/${delivery.id}/attempts`)).body.data;
    expect(attempt).toMatchObject({ error_class: 'connection', status_code: null });
  });
});
