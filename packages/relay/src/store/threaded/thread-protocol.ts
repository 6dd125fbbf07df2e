import { StoreUnavailableError } from '../sql-driver.js';
import { DataDirectoryLockedError } from '../sqlite/process-lock.js';

/** One store method call, sent to the store thread. */
export interface StoreCall {
  id: number;
  method: string;
  args: unknown[];
}

/** The settled result of one {@link StoreCall}. */
export type StoreReply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: SentError };

/** What crosses the thread boundary of an error: enough to rebuild its class and message. */
export interface SentError {
  name: string;
  message: string;
  stack?: string | undefined;
}

/** Messages from the store thread to the relay's main thread. */
export type FromStoreThread =
  | { type: 'ready'; kind: 'sqlite' | 'postgres' }
  | { type: 'failed'; error: SentError }
  | { type: 'replies'; replies: StoreReply[] };

/** Messages from the main thread to the store thread. */
export interface ToStoreThread {
  type: 'calls';
  calls: StoreCall[];
}

export function sendError(error: unknown): SentError {
  if (error instanceof Error) return { name: error.name, message: error.message, stack: error.stack };
  return { name: 'Error', message: String(error) };
}

/**
 * The errors callers tell apart with `instanceof` (the HTTP layer answers 503 for an unavailable
 * store; the relay refuses to start on a locked data directory). Others come back as `Error`
 * with their name and message.
 */
const KNOWN_ERRORS: Record<string, { prototype: Error }> = {
  StoreUnavailableError,
  DataDirectoryLockedError,
};

export function reviveError(sent: SentError): Error {
  const error = new Error(sent.message);
  const known = KNOWN_ERRORS[sent.name];
  if (known) Object.setPrototypeOf(error, known.prototype);
  Object.defineProperty(error, 'name', { value: sent.name, enumerable: false, configurable: true });
  if (sent.stack) error.stack = sent.stack;
  return error;
}

/**
 * Structured cloning turns a `Buffer` into a plain `Uint8Array`. Bodies travel both ways (an
 * ingested event, a claimed delivery, a logged event), and both the SQL drivers and the
 * dispatcher expect Buffers, so every cloned byte array is wrapped back (no copy). Rows are at
 * most a few levels deep; the bound keeps a surprise from costing much.
 */
export function reviveBuffers<T>(value: T, depth = 0): T {
  if (value === null || typeof value !== 'object' || depth > 4) return value;
  if (value instanceof Uint8Array) {
    return (Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength)) as T;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = reviveBuffers(value[i], depth + 1);
    return value;
  }
  const record = value as Record<string, unknown>;
  for (const key in record) {
    const field = record[key];
    if (field !== null && typeof field === 'object') record[key] = reviveBuffers(field, depth + 1);
  }
  return value;
}

/**
 * Structured cloning copies a typed array's whole backing ArrayBuffer, not just its view, and
 * small Buffers are views into Node's shared 8 KiB pool (a request body, a pg column): each
 * would carry 8 KiB across. Views get a tight copy before they are posted.
 */
export function tightenBuffers<T>(value: T, depth = 0): T {
  if (value === null || typeof value !== 'object' || depth > 4) return value;
  if (value instanceof Uint8Array) {
    // new Uint8Array(view) copies; Buffer#slice would return another view of the same pool.
    return (
      value.byteOffset === 0 && value.byteLength === value.buffer.byteLength ? value : new Uint8Array(value)
    ) as T;
  }
  if (Array.isArray(value)) return value.map((item) => tightenBuffers(item, depth + 1)) as T;
  const record = value as Record<string, unknown>;
  let copy: Record<string, unknown> | undefined;
  for (const key in record) {
    const field = record[key];
    if (field === null || typeof field !== 'object') continue;
    const tight = tightenBuffers(field, depth + 1);
    if (tight !== field) {
      copy ??= { ...record };
      copy[key] = tight;
    }
  }
  return (copy ?? value) as T;
}
