// Next.js App Router route handler: app/api/webhooks/route.ts. Nothing from 'next' is needed:
// a route handler is a function from Request to Response, which createFetchHandler returns.
import { createFetchHandler } from '@hookline/webhooks/fetch';
import { createWebhooks } from '../../../../shared/create-webhooks.js';

// node:crypto makes verification fastest; the edge runtime works too (portable crypto).
export const runtime = 'nodejs';
// Never cache or pre-render a webhook endpoint.
export const dynamic = 'force-dynamic';

const handler = createFetchHandler(createWebhooks());

// Only POST is exported: Next.js answers other methods with 405 itself.
export { handler as POST };
