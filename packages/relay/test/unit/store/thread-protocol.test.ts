import { describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../../src/store/sql-driver.js';
import { reviveBuffers, reviveError, sendError, tightenBuffers } from '../../../src/store/threaded/thread-protocol.js';

describe('what crosses the store thread', () => {
  it('posts a pooled Buffer as a copy of its view only, leaving the caller its own', () => {
    const pooled = Buffer.from('{"id":"evt_1"}'); // small Buffers share Node's 8 KiB pool
    expect(pooled.buffer.byteLength).toBeGreaterThan(pooled.byteLength);
    const args = [{ id: 'evt_1', body: pooled }];
    const tight = tightenBuffers(args);
    const body = (tight[0] as { body: Uint8Array }).body;
    expect(body.buffer.byteLength).toBe(pooled.byteLength);
    expect(Buffer.from(body).toString()).toBe('{"id":"evt_1"}');
    expect(args[0]?.body).toBe(pooled);
    const whole = new Uint8Array(4);
    expect(tightenBuffers({ whole }).whole).toBe(whole); // already tight: no copy
    expect(structuredClone(tight)[0]).toMatchObject({ id: 'evt_1' });
  });

  it('turns cloned byte arrays back into Buffers, nested in rows and pages', () => {
    const cloned = structuredClone({ items: [{ event: { body: Buffer.from('abc') } }] });
    expect(Buffer.isBuffer(cloned.items[0]?.event.body)).toBe(false);
    const revived = reviveBuffers(cloned);
    expect(Buffer.isBuffer(revived.items[0]?.event.body)).toBe(true);
    expect(revived.items[0]?.event.body.toString()).toBe('abc');
  });

  it('rebuilds the error classes callers test with instanceof, keeping name and message', () => {
    const sent = structuredClone(sendError(new StoreUnavailableError(new Error('connection refused'))));
    const error = reviveError(sent);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect(error.name).toBe('StoreUnavailableError');
    expect(error.message).toBe('The database failed: connection refused');
    const other = reviveError(sendError(new RangeError('bad')));
    expect(other).toBeInstanceOf(Error);
    expect(other.name).toBe('RangeError');
    expect(reviveError(sendError('plain')).message).toBe('plain');
  });
});
