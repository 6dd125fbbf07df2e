import { WebhookConfigError } from '../../errors.js';
import { PayloadTooLargeError } from '../payload-too-large.js';

/** Reads a fetch `Request` body as bytes, cancelling the stream as soon as it passes `limit`. */
export async function readFetchBody(request: Request, limit: number): Promise<Uint8Array> {
  if (request.bodyUsed) {
    throw new WebhookConfigError(
      'payload_not_raw',
      'The Request body was already read (e.g. `await request.json()` or Hono `c.req.json()`) before ' +
        'the webhook handler. Pass the untouched Request: verification needs the raw bytes.',
    );
  }
  if (request.body === null) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      throw new PayloadTooLargeError(limit);
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0] as Uint8Array;
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}
