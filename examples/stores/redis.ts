import { RedisDedupeStore } from '@hookline/stores';
import { Webhooks } from '@hookline/webhooks';
import { createClient } from 'redis';

// Every replica points at the same Redis: a delivery claims its event id there, so a duplicate
// landing on another replica is acknowledged without running the handlers again.
// disableOfflineQueue: while Redis is away a claim fails at once (500, the platform retries)
// instead of waiting, with every delivery held open, until Redis returns.
const redis = await createClient({ url: process.env.REDIS_URL, disableOfflineQueue: true }).connect();
redis.on('error', (error) => console.error('redis:', error.message));
// ioredis works the same way: new RedisDedupeStore(new Redis(url, { enableOfflineQueue: false })).
export const webhooks = new Webhooks({
  dedupe: new RedisDedupeStore(redis, { prefix: 'myapp:webhooks:', ttlSeconds: 86_400, leaseSeconds: 60 }),
});
