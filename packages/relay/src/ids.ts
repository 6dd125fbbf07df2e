import { randomBytes, randomFillSync } from 'node:crypto';

let lastMs = 0;
let counter = 0;

// Random bytes drawn 4 KiB at a time: one randomBytes call per id cost more than the rest of
// newId together (ingress makes one per event and one per delivery). Every byte is used once.
const POOL_SIZE = 4096;
const pool = Buffer.alloc(POOL_SIZE);
let poolOffset = POOL_SIZE;

function randomHex(bytes: number): string {
  if (poolOffset + bytes > POOL_SIZE) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  poolOffset += bytes;
  return pool.toString('hex', poolOffset - bytes, poolOffset);
}

/**
 * A prefixed id that sorts by creation time (ms, then a per-process counter, then randomness),
 * so ids double as stable pagination cursors, and several processes never collide.
 */
export function newId(prefix: string, now: number = Date.now()): string {
  if (now === lastMs) counter++;
  else {
    lastMs = now;
    counter = 0;
  }
  const time = Math.max(0, Math.floor(now)).toString(16).padStart(12, '0');
  const seq = (counter & 0xffff).toString(16).padStart(4, '0');
  return `${prefix}_${time}${seq}${randomHex(6)}`;
}

/** An event id in the platform's format (`whe_` + 32 hex), for events the relay creates. */
export function newEventId(): string {
  return `whe_${randomBytes(16).toString('hex')}`;
}
