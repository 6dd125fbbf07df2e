import { RedisDedupeStore } from '@hookline/stores';
import { Webhooks } from '@hookline/webhooks';
import { createClient } from 'redis';

// Every replica points at the same Redis: a delivery claims its event id there, so a duplicate
// landing on another replica is acknowledged without running the handlers again.
const redis = await createClient({ url: process.env.REDIS_URL }).connect();
// ioredis works the same way: new RedisDedupeStore(new Redis(process.env.REDIS_URL)).
export const webhooks = new Webhooks({
  dedupe: new RedisDedupeStore(redis, { prefix: 'myapp:webhooks:', ttlSeconds: 86_400, leaseSeconds: 60 }),
});
