// PostgreSQL goes away under a running relay process and comes back: a restart, a failover, a
// network drop. The relay reaches the real server through a TCP proxy the test cuts, so it sees
// reset connections and refused reconnects. While the database is away ingress must refuse
// (503, nothing accepted it cannot keep) rather than hang, the process must stay up, and once
// the database is back it must accept and deliver again without a restart.
import { randomBytes } from 'node:crypto';
import { createTestDelivery } from '@hookline/webhooks/testing';
import { afterAll, expect, it } from 'vitest';
import { proxyTo } from '../../../../test/tcp-proxy.js';
import { databaseVariants, describeOnPostgres } from '../helpers/databases.js';
import { startRelayProcess } from '../helpers/multi-process.js';
import { TestReceiver } from '../helpers/receiver.js';

const variants = await databaseVariants('postgres_outage');

describeOnPostgres('A relay process when PostgreSQL goes away and comes back ($name)', variants, (variant) => {
  afterAll(() => variant.cleanup());

  it('refuses ingress while the database is away, stays up, and accepts and delivers again once it is back', async () => {
    const database = variant.fresh();
    const { proxy, url: viaProxy } = await proxyTo(database.databaseUrl as string, 5432);

    const receiver = await new TestReceiver({ now: () => Date.now() }).start();
    const received = () => receiver.received.map((delivery) => JSON.parse(delivery.body).id as string);

    const key = `whsec_${randomBytes(32).toString('base64')}`;
    const token = `hla_${randomBytes(16).toString('hex')}`;
    const relay = await startRelayProcess({
      ANTHROPIC_WEBHOOK_SIGNING_KEY: key,
      HOOKLINE_ADMIN_TOKEN: token,
      HOOKLINE_MASTER_KEY: randomBytes(32).toString('hex'),
      HOOKLINE_DATA_DIR: database.dataDir,
      HOOKLINE_DATABASE_URL: viaProxy,
      HOOKLINE_POSTGRES_SCHEMA: database.postgresSchema,
      HOOKLINE_ALLOW_NETWORKS: '127.0.0.0/8',
      HOOKLINE_LOG_LEVEL: 'error',
    });
    const ingest = (delivery: { body: string; headers: Record<string, string> }) =>
      fetch(`${relay.url}/ingest/anthropic`, {
        method: 'POST',
        body: delivery.body,
        headers: delivery.headers,
        signal: AbortSignal.timeout(10_000),
      }).then((response) => response.status);
    try {
      const created = await fetch(`${relay.url}/v1/destinations`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ url: receiver.url('/hook') }),
      });
      expect(created.status).toBe(201);
      const before = createTestDelivery({ type: 'session.status_idled', key });
      expect(await ingest(before)).toBe(200);
      await expect.poll(() => received().includes(before.id), { timeout: 10_000 }).toBe(true);

      await proxy.cut();
      const during = createTestDelivery({ type: 'session.status_idled', key });
      // A reset instead of 503 means the process died: its stderr says why.
      const refused = await ingest(during).catch((error) => `${error.cause ?? error}; relay stderr: ${relay.stderr()}`);
      expect(refused).toBe(503);
      await expect.poll(async () => (await fetch(`${relay.url}/readyz`)).status, { timeout: 10_000 }).toBe(503);
      // Long enough for the dispatcher and the pool to fail a few times on their own.
      await new Promise((resolve) => setTimeout(resolve, 2000));
      expect(relay.child.exitCode).toBeNull();

      await proxy.restore();
      // The platform retries the refused delivery; once the database is back it is accepted.
      await expect.poll(() => ingest(during), { timeout: 15_000, interval: 500 }).toBe(200);
      const after = createTestDelivery({ type: 'session.status_idled', key });
      expect(await ingest(after)).toBe(200);
      await expect
        .poll(() => [during.id, after.id].every((id) => received().includes(id)), { timeout: 15_000 })
        .toBe(true);
      expect((await fetch(`${relay.url}/readyz`)).status).toBe(200);
    } finally {
      await relay.kill('SIGTERM');
      await receiver.stop();
      await proxy.close();
    }
  }, 60_000);
});
