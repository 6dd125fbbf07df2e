import { createRequire } from 'node:module';
import Anthropic from '@anthropic-ai/sdk';

// The official SDK verifies with its `standardwebhooks` dependency; loading that copy through
// the SDK's own resolution signs a request exactly the way the SDK's ecosystem does.
const requireFromSdk = createRequire(createRequire(import.meta.url).resolve('@anthropic-ai/sdk'));
const { Webhook } = requireFromSdk('standardwebhooks') as typeof import('standardwebhooks');

/** Headers for `body`, signed by the SDK's standardwebhooks with `key`. */
export function signWithSdk(key: string, id: string, body: string): Record<string, string> {
  const now = new Date();
  return {
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
    'webhook-signature': new Webhook(key).sign(id, now, body),
  };
}

/** What the official SDK's `client.beta.webhooks.unwrap` returns for a delivery. */
export function unwrapWithSdk(key: string, body: string, headers: Record<string, string>): unknown {
  return new Anthropic({ apiKey: 'unused-in-tests' }).beta.webhooks.unwrap(body, { headers, key });
}
