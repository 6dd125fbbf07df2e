// Auto-disable, once per database: a destination that fails without a single 2xx for 5 days
// (the default) is disabled with a reason; its deliveries stay pending and are not attempted;
// an operator destination hears `destination.disabled`; re-enabling resumes them. Any 2xx
// restarts the streak. The injected clock runs the days in milliseconds.
import { describe, expect, it } from 'vitest';
import { databaseVariants } from '../helpers/databases.js';
import { useDeliverySuite } from '../helpers/delivery-suite.js';
import type { TestReceiver } from '../helpers/receiver.js';
import type { Harness } from '../helpers/relay-harness.js';

const variants = await databaseVariants('auto_disable');
const DAY = 24 * 60 * 60 * 1000;
// One retry a day, more than enough of them: the streak, not the schedule, ends the story.
const DAILY = { schedule: Array.from({ length: 20 }, () => 86_400) };

describe.each(variants)('auto-disable on $name', (variant) => {
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

  const get = async (id: string) => (await h.api('GET', `/v1/destinations/${id}`)).body;
  const deliveries = async (id: string) =>
    (await h.api('GET', `/v1/deliveries?destination_id=${id}`)).body.data as {
      status: string;
      attempt_count: number;
    }[];

  it('disables after 5 days of failures, parks deliveries, tells the operator, and resumes on re-enable', async () => {
    const ops = `/ops-${variant.name}`;
    const down = `/down-${variant.name}`;
    receiver.behave(ops, { kind: 'ok' });
    receiver.behave(down, { kind: 'status', status: 500 });
    await destination(ops, { event_types: ['destination.disabled'] });
    const dest = await destination(down, { event_types: ['session.*'], retry: DAILY });
    const start = h.clock.now();

    await h.ingest('platform', key, 'session.status_idled');
    await h.relay.dispatcher.drain();
    expect((await get(dest.id)).failing_since).toBe(new Date(start).toISOString());
    for (let day = 1; day <= 4; day++) {
      h.clock.advance(DAY);
      await h.relay.dispatcher.drain();
      expect(await get(dest.id)).toMatchObject({ enabled: true, disabled_reason: null });
    }
    await h.ingest('platform', key, 'session.status_idled');
    await h.relay.dispatcher.drain();
    h.clock.advance(DAY); // day 5: the streak has lasted 5 days
    await h.relay.dispatcher.drain();

    const disabled = await get(dest.id);
    expect(disabled.enabled).toBe(false);
    expect(disabled.disabled_reason).toMatch(/^Disabled automatically: every attempt failed for 5 days/);
    expect((await deliveries(dest.id)).map((d) => d.status)).toEqual(['pending', 'pending']);

    // While disabled nothing is attempted, however long we wait.
    const sent = receiver.at(down).length;
    h.clock.advance(3 * DAY);
    await h.relay.dispatcher.drain();
    expect(receiver.at(down)).toHaveLength(sent);

    for (let i = 0; i < 100 && receiver.at(ops).length === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      await h.relay.dispatcher.drain();
    }
    expect(receiver.at(ops)).toHaveLength(1);
    const notice = JSON.parse(receiver.at(ops)[0]?.body ?? '{}');
    expect(notice.data).toMatchObject({ type: 'destination.disabled', id: dest.id, reason: disabled.disabled_reason });

    // Re-enabling clears the reason and the streak, and the parked deliveries go out.
    receiver.behave(down, { kind: 'ok' });
    const enabled = await h.api('PATCH', `/v1/destinations/${dest.id}`, { enabled: true });
    expect(enabled.body).toMatchObject({ enabled: true, disabled_reason: null, failing_since: null });
    await h.relay.dispatcher.drain();
    expect((await deliveries(dest.id)).map((d) => d.status)).toEqual(['delivered', 'delivered']);
  });

  it('any 2xx restarts the streak', async () => {
    const path = `/flaky-${variant.name}`;
    const dest = await destination(path, { retry: DAILY });
    // Only the event published on day 3 gets a 2xx; everything else fails.
    let lucky = '';
    receiver.behave(path, { kind: 'decide', decide: (r) => (JSON.parse(r.body).id === lucky ? 200 : 500) });
    const start = h.clock.now();
    await h.ingest('platform', key, 'session.status_idled');
    await h.relay.dispatcher.drain();
    for (let day = 1; day <= 3; day++) {
      h.clock.advance(DAY);
      await h.relay.dispatcher.drain();
    }
    lucky = (await h.ingest('platform', key, 'session.status_idled')).id;
    await h.relay.dispatcher.drain();
    expect((await get(dest.id)).failing_since).toBeNull();
    // Days 4 to 8: failing again, but the new streak (from day 4) is not 5 days old yet.
    for (let day = 4; day <= 8; day++) {
      h.clock.advance(DAY);
      await h.relay.dispatcher.drain();
    }
    expect(await get(dest.id)).toMatchObject({ enabled: true, failing_since: new Date(start + 4 * DAY).toISOString() });
    h.clock.advance(DAY); // day 9: 5 days since day 4
    await h.relay.dispatcher.drain();
    expect((await get(dest.id)).enabled).toBe(false);
  });
});
