import { setTimeout as sleep } from 'node:timers/promises';
import { type DedupeStore, type DedupeTimingOptions, type WebhookEvent, Webhooks } from '@hookline/webhooks';
import { createTestDelivery, generateSecret } from '@hookline/webhooks/testing';
import { describe, expect, it } from 'vitest';

/** Makes a fresh store (its own table or key prefix) with the given timings. */
export type StoreFactory = (timing: DedupeTimingOptions) => DedupeStore | Promise<DedupeStore>;

const key = generateSecret();
const quiet = { warn: () => undefined, error: () => undefined };

function event(id?: string): WebhookEvent {
  return createTestDelivery({ type: 'session.status_idled', key, ...(id ? { id } : {}) }).event as WebhookEvent;
}

function gate() {
  let open: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, opened };
}

/** The behaviour every DedupeStore must have; run against each implementation. */
export function dedupeContract(name: string, makeStore: StoreFactory | undefined): void {
  describe.skipIf(makeStore === undefined)(`DedupeStore contract: ${name}`, () => {
    const make = makeStore as StoreFactory;

    it('claims a new id once; a second claim sees it in progress with the lease left; then completed', async () => {
      const store = await make({ leaseSeconds: 30 });
      const { id } = event();
      const first = await store.claim(id);
      expect(first.status).toBe('claimed');
      const second = await store.claim(id);
      expect(second.status).toBe('in_progress');
      if (second.status === 'in_progress') {
        expect(second.retryAfterMs).toBeGreaterThan(0);
        expect(second.retryAfterMs).toBeLessThanOrEqual(30_000);
      }
      if (first.status === 'claimed') await store.complete(id, first.token);
      expect(await store.claim(id)).toEqual({ status: 'completed' });
      expect((await store.claim(event().id)).status).toBe('claimed');
    });

    it('release gives the id back, but only to the holder of the claim', async () => {
      const store = await make({ leaseSeconds: 30 });
      const { id } = event();
      const first = await store.claim(id);
      if (first.status !== 'claimed') throw new Error('expected a claim');
      await store.release(id, 'not-the-token');
      expect((await store.claim(id)).status).toBe('in_progress');
      await store.release(id, first.token);
      expect((await store.claim(id)).status).toBe('claimed');
    });

    it('50 concurrent deliveries of one id run the handler exactly once', async () => {
      const webhooks = new Webhooks({ key, log: quiet, dedupe: await make({ leaseSeconds: 30 }) });
      const { open, opened } = gate();
      let runs = 0;
      webhooks.on('session.status_idled', async () => {
        runs++;
        await opened;
      });
      const e = event();
      const finished: string[] = [];
      const deliveries = Array.from({ length: 50 }, () =>
        webhooks.receive(e).then((result) => {
          finished.push(result.status);
          return result.status;
        }),
      );
      // 49 deliveries return while the one that claimed the id is still blocked in its handler.
      for (let waited = 0; finished.length < 49 && waited < 10_000; waited += 10) await sleep(10);
      expect(finished).toEqual(Array.from({ length: 49 }, () => 'in_progress'));
      expect(runs).toBe(1);
      open();
      const statuses = await Promise.all(deliveries);
      expect(statuses.filter((s) => s === 'processed')).toHaveLength(1);
      expect(statuses.filter((s) => s === 'in_progress')).toHaveLength(49);
      expect(runs).toBe(1);
      expect((await webhooks.receive(e)).status).toBe('duplicate');
      expect(runs).toBe(1);
    });

    it('a handler failure releases the claim: the next delivery runs the handler', async () => {
      const webhooks = new Webhooks({ key, log: quiet, dedupe: await make({ leaseSeconds: 30 }) });
      let runs = 0;
      webhooks.on('session.status_idled', () => {
        runs++;
        if (runs === 1) throw new Error('transient');
      });
      const e = event();
      await expect(webhooks.receive(e)).rejects.toThrow('transient');
      expect((await webhooks.receive(e)).status).toBe('processed');
      expect((await webhooks.receive(e)).status).toBe('duplicate');
      expect(runs).toBe(2);
    });

    it('a crash between claim and completion is recovered once the lease expires', async () => {
      const store = await make({ leaseSeconds: 0.4 });
      const { id } = event();
      // The "crashed" delivery claims and never completes or releases.
      expect((await store.claim(id)).status).toBe('claimed');
      await sleep(700);
      const webhooks = new Webhooks({ key, log: quiet, dedupe: store });
      let runs = 0;
      webhooks.on('session.status_idled', () => {
        runs++;
      });
      expect((await webhooks.receive(event(id))).status).toBe('processed');
      expect(runs).toBe(1);
    });

    it('completed ids are forgotten after the TTL', async () => {
      const store = await make({ ttlSeconds: 0.4, leaseSeconds: 30 });
      const { id } = event();
      const claim = await store.claim(id);
      if (claim.status === 'claimed') await store.complete(id, claim.token);
      expect((await store.claim(id)).status).toBe('completed');
      await sleep(700);
      expect((await store.claim(id)).status).toBe('claimed');
    });
  });
}
