/**
 * The store thread's entry point: opens the store named by `workerData` and runs the calls the
 * main thread sends, replying in batches (see threaded-store.ts for why the store runs here).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { type OpenStoreOptions, openStore } from '../open-store.js';
import type { Store } from '../types.js';
import {
  type FromStoreThread,
  reviveBuffers,
  type StoreReply,
  sendError,
  type ToStoreThread,
  tightenBuffers,
} from './thread-protocol.js';

const port = parentPort;
if (!port) throw new Error('store-thread.js runs only as a worker thread.');

function post(message: FromStoreThread): void {
  port?.postMessage(message);
}

let store: Store;
try {
  store = await openStore(workerData as OpenStoreOptions);
  post({ type: 'ready', kind: store.kind });
} catch (error) {
  post({ type: 'failed', error: sendError(error) });
  process.exit(1);
}

// Replies settled in the same turn leave in one message: under load a batch commit settles
// dozens of calls at once, and each message costs the main thread a task.
let pending: StoreReply[] = [];
let flushScheduled = false;
function reply(message: StoreReply): void {
  pending.push(message);
  if (flushScheduled) return;
  flushScheduled = true;
  setImmediate(() => {
    flushScheduled = false;
    const replies = pending;
    pending = [];
    post({ type: 'replies', replies });
  });
}

const methods = store as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
port.on('message', (message: ToStoreThread) => {
  for (const call of message.calls) {
    const method = methods[call.method];
    let result: Promise<unknown>;
    try {
      // Called in arrival order and synchronously, as on the main thread, so the store's batchers
      // gather the same calls together that they would there.
      if (typeof method !== 'function') throw new Error(`The store has no method ${call.method}.`);
      result = method.apply(store, reviveBuffers(call.args));
    } catch (error) {
      result = Promise.reject(error);
    }
    result.then(
      (value) => reply({ id: call.id, ok: true, value: tightenBuffers(value) }),
      (error: unknown) => reply({ id: call.id, ok: false, error: sendError(error) }),
    );
  }
});
