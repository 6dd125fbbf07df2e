import { createFetchHandler, type FetchHandler } from '@hookline/webhooks/fetch';
import { createWebhooks } from '../shared/create-webhooks.js';

/** Bindings: `wrangler secret put ANTHROPIC_WEBHOOK_SIGNING_KEY`. */
export interface Env {
  ANTHROPIC_WEBHOOK_SIGNING_KEY: string;
}

// Built on the first request, when the secret binding is known, then reused by the isolate.
// The in-memory dedupe store is per isolate; for dedupe across isolates use an external
// Redis/PostgreSQL store (KV is eventually consistent, so it cannot claim an id atomically).
let handler: FetchHandler | undefined;

// Typed with the standard Request/Response (the DOM lib) so it compiles with the other examples;
// in a Worker project add `satisfies ExportedHandler<Env>` from @cloudflare/workers-types.
export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    handler ??= createFetchHandler(createWebhooks({ key: env.ANTHROPIC_WEBHOOK_SIGNING_KEY }), { path: '/webhooks' });
    return handler(request);
  },
};
