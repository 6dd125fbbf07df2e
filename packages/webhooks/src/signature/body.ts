import { WebhookConfigError } from '../errors.js';

/** The raw request body, exactly as it arrived. */
export type WebhookBody = string | Uint8Array | ArrayBuffer;

const RAW_BODY_FIX = [
  'Verification needs the raw request body exactly as it arrived; a parsed and re-serialised',
  'object never matches the signature. Pass the raw body instead:',
  "  Express:  app.post('/webhooks', express.raw({ type: 'application/json' }), (req, res) => unwrap(req.body, { headers: req.headers }))",
  "  Fastify:  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (req, body, done) => done(null, body))",
  '  Next.js:  const body = await request.text(); // App Router route handler, before any request.json()',
].join('\n');

/** Checks the body's kind and returns it as a string or bytes, without copying. */
export function rawBody(body: unknown): string | Uint8Array {
  if (typeof body === 'string' || body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  if (ArrayBuffer.isView(body)) return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  if (typeof body === 'object' && body !== null) {
    throw new WebhookConfigError('payload_not_raw', `The webhook body is an already-parsed object.\n${RAW_BODY_FIX}`);
  }
  throw new WebhookConfigError(
    'invalid_body',
    `The webhook body must be a string, Uint8Array, Buffer or ArrayBuffer; got ${body === null ? 'null' : typeof body}.`,
  );
}
