import { RedisDedupeStore } from '@hookline/stores';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { afterAll, describe, expect, it } from 'vitest';
import { dedupeContract } from './contract/dedupe-contract.js';
import { serviceUrl, uniqueName } from './services.js';

const url = await serviceUrl('HOOKLINE_TEST_REDIS_URL', async (candidate) => {
  const probe = createClient({ url: candidate, socket: { reconnectStrategy: false, connectTimeout: 2000 } });
  probe.on('error', () => undefined);
  await probe.connect();
  await probe.quit();
});

const nodeRedis = url ? await createClient({ url }).connect() : undefined;
const ioredis = url ? new Redis(url) : undefined;
const prefixes: string[] = [];

function prefix(): string {
  const value = `${uniqueName('redis')}:`;
  prefixes.push(value);
  return value;
}

afterAll(async () => {
  // Remove this run's keys; expiring keys would go by themselves, but tidy is cheaper to debug.
  for (const value of prefixes) {
    const keys = (await nodeRedis?.keys(`${value}*`)) ?? [];
    if (keys.length > 0) await nodeRedis?.del(keys);
  }
  await nodeRedis?.quit();
  await ioredis?.quit();
});

dedupeContract(
  'redis (node-redis 5)',
  nodeRedis && ((timing) => new RedisDedupeStore(nodeRedis, { ...timing, prefix: prefix() })),
);
dedupeContract(
  'redis (ioredis 5)',
  ioredis && ((timing) => new RedisDedupeStore(ioredis, { ...timing, prefix: prefix() })),
);

describe.skipIf(!url)('RedisDedupeStore specifics', () => {
  it('keys carry their own TTL, so nothing needs pruning', async () => {
    const p = prefix();
    const store = new RedisDedupeStore(nodeRedis as NonNullable<typeof nodeRedis>, { prefix: p, ttlSeconds: 3600 });
    const claim = await store.claim('whe_ttl');
    if (claim.status === 'claimed') await store.complete('whe_ttl', claim.token);
    const ttl = await (nodeRedis as NonNullable<typeof nodeRedis>).pTTL(`${p}whe_ttl`);
    expect(ttl).toBeGreaterThan(3_500_000);
    expect(ttl).toBeLessThanOrEqual(3_600_000);
  });

  it('refuses something that is not a Redis client', () => {
    expect(() => new RedisDedupeStore({} as never)).toThrow(/node-redis|ioredis/);
  });
});
