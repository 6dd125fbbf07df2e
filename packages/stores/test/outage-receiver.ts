// A real node:http webhook endpoint on a given dedupe store, for the tests where the store's
// database goes away mid-delivery: it records what onError saw, and posts with a deadline so a
// request the store holds forever fails the test instead of hanging it.
import { once } from 'node:events';
import { createServer } from 'node:http';
import { type DedupeStore, Webhooks } from '@hookline/webhooks';
import { createNodeMiddleware } from '@hookline/webhooks/node';
import { createTestDelivery, generateSecret } from '@hookline/webhooks/testing';

export interface OutageReceiver {
  webhooks: Webhooks;
  /** What onError was given, in order. */
  reported: Error[];
  /** A new signed `session.status_idled` delivery for this endpoint. */
  delivery(): ReturnType<typeof createTestDelivery<'session.status_idled'>>;
  /** Posts a delivery; rejects if no answer comes within 5 s. */
  post(delivery: { body: string; headers: Record<string, string> }): Promise<{ status: number; code?: string }>;
  close(): Promise<void>;
}

export async function startOutageReceiver(dedupe: DedupeStore): Promise<OutageReceiver> {
  const key = generateSecret();
  const webhooks = new Webhooks({ key, dedupe });
  const reported: Error[] = [];
  webhooks.onError((error) => {
    reported.push(error);
  });
  const server = createServer(createNodeMiddleware(webhooks, { path: '/webhooks' }));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const endpoint = `http://127.0.0.1:${(server.address() as { port: number }).port}/webhooks`;
  return {
    webhooks,
    reported,
    delivery: () => createTestDelivery({ type: 'session.status_idled', key }),
    async post({ body, headers }) {
      const response = await fetch(endpoint, { method: 'POST', body, headers, signal: AbortSignal.timeout(5000) });
      const text = await response.text();
      return { status: response.status, code: text ? JSON.parse(text).error?.code : undefined };
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
