// Redis goes away under a RedisDedupeStore. Both clients queue commands while disconnected by
// default, which would hold every delivery until Redis returns; with the offline queue off
// (docs/receiving.md recommends it) a claim fails at once, the endpoint answers 500 so the sender
// retries, no handler runs, and the retry is processed once Redis is back. The client reaches
// the real Redis through a TCP proxy the test cuts.
import { RedisDedupeStore } from '@hookline/stores';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { afterEach, describe, expect, it } from 'vitest';
import { proxyTo, type TcpProxy } from '../../../test/tcp-proxy.js';
import { startOutageReceiver } from './outage-receiver.js';
import { serviceUrl, uniqueName } from './services.js';

const url = await serviceUrl('HOOKLINE_TEST_REDIS_URL', async (candidate) => {
  const probe = createClient({ url: candidate, socket: { reconnectStrategy: false, connectTimeout: 2000 } });
  probe.on('error', () => undefined);
  await probe.connect();
  await probe.quit();
});

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function proxyToRedis(): Promise<TcpProxy> {
  const { proxy } = await proxyTo(url as string, 6379);
  cleanups.push(() => proxy.close());
  return proxy;
}

const clients = {
  'node-redis 5, disableOfflineQueue': async (proxy: TcpProxy) => {
    const client = createClient({ url: `redis://127.0.0.1:${proxy.port}`, disableOfflineQueue: true });
    client.on('error', () => undefined); // reconnection attempts report here while Redis is away
    await client.connect();
    return { client, close: () => client.destroy() };
  },
  'ioredis 5, enableOfflineQueue: false': async (proxy: TcpProxy) => {
    const client = new Redis({ host: '127.0.0.1', port: proxy.port, enableOfflineQueue: false });
    client.on('error', () => undefined);
    await new Promise((resolve) => client.once('ready', resolve));
    return { client, close: () => client.disconnect() };
  },
};

describe.skipIf(!url).each(Object.entries(clients))('RedisDedupeStore on %s when Redis goes away', (_name, connect) => {
  it('answers 500 at once without running a handler, and processes the retry once Redis is back', async () => {
    const proxy = await proxyToRedis();
    const { client, close } = await connect(proxy);
    const receiver = await startOutageReceiver(new RedisDedupeStore(client, { prefix: `${uniqueName('outage')}:` }));
    cleanups.push(async () => {
      await receiver.close();
      close();
    });
    const runs: string[] = [];
    receiver.webhooks.on('session.status_idled', (event) => {
      runs.push(event.id);
    });
    const d = receiver.delivery();

    await proxy.cut();
    expect(await receiver.post(d)).toEqual({ status: 500, code: 'internal_error' });
    expect(runs).toEqual([]);
    expect(receiver.reported).toHaveLength(1);

    await proxy.restore();
    await expect.poll(async () => (await receiver.post(d)).status, { timeout: 5000 }).toBe(204);
    expect(runs).toEqual([d.event.id]);
  });
});
