import { randomBytes } from 'node:crypto';
import { openStore, type Relay, type RelayOptions, type Store, startRelay } from '@hookline/relay';
import { createTestDelivery } from '@hookline/webhooks/testing';
import { pino } from 'pino';
import type { DatabaseVariant } from './databases.js';
import { TestClock } from './test-clock.js';

export const ADMIN_TOKEN = `hla_test_${randomBytes(8).toString('hex')}`;
// One master key per test run, so a restarted relay can read what the previous one sealed.
const MASTER_KEY = randomBytes(32);

// biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON responses
type Json = any;

export interface Harness {
  relay: Relay;
  clock: TestClock;
  /** Admin API call with the token; returns status and parsed JSON. */
  api(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: Json }>;
  /** Creates a source with a fresh key and returns the key. */
  source(name: string): Promise<string>;
  /** Posts a signed event of `type` to a source, signed at the test clock's time. */
  ingest(
    source: string,
    key: string,
    type: string,
    data?: Record<string, unknown>,
  ): Promise<{ status: number; body: Json; id: string; raw: string }>;
  stop(): Promise<void>;
}

/** A relay on loopback with an injected clock, on a fresh database of the given variant. */
export async function startHarness(
  variant: DatabaseVariant,
  options: {
    startDispatcher?: boolean;
    config?: Record<string, unknown>;
    random?: () => number;
    /** Reuse a database (from `variant.fresh()`) instead of a fresh one: restarts. */
    database?: ReturnType<DatabaseVariant['fresh']>;
    /** Start the clock here (a restarted relay continues the previous one's time). */
    clockStart?: number;
    /** The SSRF guard's stub resolver and recording connect hook. */
    ssrf?: RelayOptions['ssrf'];
    breaker?: RelayOptions['breaker'];
    /** Wraps the store the relay gets (tests that slow a call down to widen a race). */
    wrapStore?: (store: Store) => Store;
  } = {},
): Promise<Harness> {
  const clock = new TestClock(options.clockStart);
  const database = options.database ?? variant.fresh();
  const store = options.wrapStore ? options.wrapStore(await openStore(database)) : undefined;
  const relay = await startRelay({
    ...(store ? { store } : {}),
    config: {
      ...database,
      port: 0,
      host: '127.0.0.1',
      logLevel: 'silent',
      // Test destinations listen on loopback, which the SSRF guard refuses unless allowed.
      allowNetworks: '127.0.0.0/8',
      ...options.config,
    },
    ...(options.ssrf ? { ssrf: options.ssrf } : {}),
    ...(options.breaker ? { breaker: options.breaker } : {}),
    clock,
    logger: pino({ level: 'silent' }),
    credentials: { adminToken: ADMIN_TOKEN, masterKey: MASTER_KEY, adminTokenSource: 'test' },
    startDispatcher: options.startDispatcher ?? false,
    random: options.random ?? (() => 0.5),
  });
  const api: Harness['api'] = async (method, path, body, headers = {}) => {
    const response = await fetch(`${relay.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      redirect: 'manual',
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };
  return {
    relay,
    clock,
    api,
    async source(name) {
      const key = `whsec_${randomBytes(32).toString('base64')}`;
      const created = await api('POST', '/v1/sources', { name, keys: [key] });
      if (created.status !== 201) throw new Error(`creating source failed: ${JSON.stringify(created.body)}`);
      return key;
    },
    async ingest(source, key, type, data) {
      const delivery = createTestDelivery({ type, key, timestamp: clock.date(), ...(data ? { data } : {}) });
      const response = await fetch(`${relay.url}/ingest/${source}`, {
        method: 'POST',
        headers: delivery.headers,
        body: delivery.body,
        redirect: 'manual',
      });
      return { status: response.status, body: await response.json(), id: delivery.id, raw: delivery.body };
    },
    stop: () => relay.stop(),
  };
}
