import {
  type ClaimResult,
  claimToken,
  type DedupeStore,
  type DedupeTimingOptions,
  dedupeTiming,
} from '@hookline/webhooks';
import { type RedisClientLike, redisCommand } from './redis-command.js';

/** Options of {@link RedisDedupeStore}. */
export interface RedisDedupeStoreOptions extends DedupeTimingOptions {
  /** Prefix of every key (default `hookline:dedupe:`). */
  prefix?: string;
}

// One atomic round trip: claim a new or expired id, or say who holds it and for how long.
// Expiry is Redis's own key TTL, so no cleanup job is needed.
const CLAIM = `local v = redis.call('GET', KEYS[1])
if not v then redis.call('SET', KEYS[1], 'processing:' .. ARGV[1], 'PX', ARGV[2]) return {'claimed'} end
if v == 'completed' then return {'completed'} end
return {'in_progress', redis.call('PTTL', KEYS[1])}`;

// Only the holder of the claim may give it back.
const RELEASE = `if redis.call('GET', KEYS[1]) == 'processing:' .. ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

/**
 * A dedupe store in Redis, on a client you already have: node-redis (v4/v5) or ioredis (v5).
 * Every replica pointing at the same Redis shares the claims.
 */
export class RedisDedupeStore implements DedupeStore {
  readonly #send: (args: string[]) => Promise<unknown>;
  readonly #prefix: string;
  readonly #ttlMs: number;
  readonly #leaseMs: number;

  constructor(client: RedisClientLike, options: RedisDedupeStoreOptions = {}) {
    this.#send = redisCommand(client);
    this.#prefix = options.prefix ?? 'hookline:dedupe:';
    ({ ttlMs: this.#ttlMs, leaseMs: this.#leaseMs } = dedupeTiming(options));
  }

  async claim(id: string): Promise<ClaimResult> {
    const token = claimToken();
    const reply = (await this.#send(['EVAL', CLAIM, '1', this.#prefix + id, token, String(this.#leaseMs)])) as [
      string,
      number?,
    ];
    if (reply[0] === 'claimed') return { status: 'claimed', token };
    if (reply[0] === 'completed') return { status: 'completed' };
    const left = Number(reply[1]);
    return { status: 'in_progress', retryAfterMs: left > 0 ? left : undefined };
  }

  async complete(id: string, _token: string): Promise<void> {
    await this.#send(['SET', this.#prefix + id, 'completed', 'PX', String(this.#ttlMs)]);
  }

  async release(id: string, token: string): Promise<void> {
    await this.#send(['EVAL', RELEASE, '1', this.#prefix + id, token]);
  }
}
