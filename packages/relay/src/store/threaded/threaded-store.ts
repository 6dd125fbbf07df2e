import { Worker } from 'node:worker_threads';
import type { OpenStoreOptions } from '../open-store.js';
import { StoreUnavailableError } from '../sql-driver.js';
import { SqlStore } from '../sql-store.js';
import type { Store } from '../types.js';
import {
  type FromStoreThread,
  reviveBuffers,
  reviveError,
  type StoreCall,
  type ToStoreThread,
  tightenBuffers,
} from './thread-protocol.js';

/**
 * Under vitest this module runs from `src/*.ts`, but a worker must be JavaScript: it is then
 * loaded from the build (`npm test` builds first). Installed, both live in `dist/`.
 */
function workerUrl(): URL {
  const here = import.meta.url;
  if (here.endsWith('.ts'))
    return new URL(here.replace('/src/', '/dist/').replace(/threaded-store\.ts$/, 'store-thread.js'));
  return new URL('./store-thread.js', here);
}

/** Every method of the store, read off the one implementation so none can be forgotten. */
const STORE_METHODS = Object.getOwnPropertyNames(SqlStore.prototype).filter(
  (name) => name !== 'constructor' && name !== 'close',
);

/**
 * Opens the store in a worker thread and returns a {@link Store} that forwards every call to it.
 *
 * The relay is one Node.js thread that also verifies ingress and sends deliveries. Run there,
 * the database work (SQL, SQLite's fsync at each durable COMMIT, which blocks the thread, and
 * the `pg` driver's protocol work) takes a third of that thread under load and stalls every
 * other request while it runs. In its own thread it runs on the machine's other core instead.
 * Calls made in the same event-loop turn travel in one message, and so do their replies.
 */
export async function openThreadedStore(options: OpenStoreOptions): Promise<Store> {
  const worker = new Worker(workerUrl(), { workerData: options });
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  let nextId = 1;
  let outbox: StoreCall[] = [];
  let flushScheduled = false;
  let stopped: Error | undefined;
  let closing = false;

  const failAll = (error: Error): void => {
    stopped ??= error;
    for (const call of pending.values()) call.reject(stopped);
    pending.clear();
  };

  const kind = await new Promise<'sqlite' | 'postgres'>((resolve, reject) => {
    const onMessage = (message: FromStoreThread): void => {
      if (message.type === 'ready') settle(() => resolve(message.kind));
      if (message.type === 'failed') settle(() => reject(reviveError(message.error)));
    };
    const onError = (error: Error): void => settle(() => reject(error));
    const onExit = (code: number): void =>
      settle(() => reject(new Error(`The store thread exited (code ${code}) while opening the store.`)));
    // Only these listeners go: Worker keeps internal ones of its own (removeAllListeners would
    // stop its message port).
    const settle = (fn: () => void): void => {
      worker.off('message', onMessage).off('error', onError).off('exit', onExit);
      fn();
    };
    worker.on('message', onMessage).on('error', onError).on('exit', onExit);
  });

  worker.on('message', (message: FromStoreThread) => {
    if (message.type !== 'replies') return;
    for (const reply of message.replies) {
      const call = pending.get(reply.id);
      if (!call) continue;
      pending.delete(reply.id);
      if (reply.ok) call.resolve(reviveBuffers(reply.value));
      else call.reject(reviveError(reply.error));
    }
  });
  // A store thread that dies takes the database with it: every call from then on fails the way
  // an unreachable database does (503 at ingress, retried later by the dispatcher).
  worker.on('error', (error) =>
    failAll(new StoreUnavailableError(new Error(`the store thread failed: ${error.message}`))),
  );
  worker.on('exit', (code) => {
    if (!closing) failAll(new StoreUnavailableError(new Error(`the store thread exited (code ${code})`)));
  });

  const flush = (): void => {
    flushScheduled = false;
    const calls = outbox;
    outbox = [];
    worker.postMessage({ type: 'calls', calls } satisfies ToStoreThread);
  };
  const call = (method: string, args: unknown[]): Promise<unknown> => {
    if (stopped) return Promise.reject(stopped);
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      outbox.push({ id, method, args: tightenBuffers(args) });
      if (flushScheduled) return;
      flushScheduled = true;
      // setImmediate, not a microtask: calls made by other I/O callbacks of this loop turn join.
      setImmediate(flush);
    });
  };

  const store: Record<string, unknown> = { kind };
  for (const method of STORE_METHODS) store[method] = (...args: unknown[]) => call(method, args);
  let closed: Promise<void> | undefined;
  store.close = (): Promise<void> =>
    (closed ??= (async () => {
      try {
        await call('close', []);
      } finally {
        closing = true;
        await worker.terminate();
        failAll(new StoreUnavailableError(new Error('the store is closed')));
      }
    })());
  return store as unknown as Store;
}
