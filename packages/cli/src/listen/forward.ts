import type { IncomingHttpHeaders } from 'node:http';
import { post } from '../util/post.js';

// Hop-by-hop and length headers describe this connection, not the delivery; fetch sets its own.
const NOT_FORWARDED = new Set([
  'host',
  'connection',
  'content-length',
  'transfer-encoding',
  'keep-alive',
  'expect',
  'upgrade',
]);

/** The request's headers minus the ones that must not cross a hop. */
export function forwardableHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || NOT_FORWARDED.has(name)) continue;
    out[name] = Array.isArray(value) ? value.join(name === 'webhook-signature' ? ' ' : ', ') : value;
  }
  return out;
}

/** Passes the original bytes and headers on to the local app. */
export async function forward(url: string, body: Buffer, headers: IncomingHttpHeaders, timeoutMs: number) {
  return post(url, body, forwardableHeaders(headers), timeoutMs);
}
