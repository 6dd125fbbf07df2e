import type { IncomingMessage } from 'node:http';
import { WebhookConfigError } from '../../errors.js';
import { rawBody, type WebhookBody } from '../../signature/body.js';
import { PayloadTooLargeError } from '../payload-too-large.js';

/** A Node request as frameworks leave it: some keep the raw body on `rawBody` or `body`. */
export type NodeRequest = IncomingMessage & { rawBody?: unknown; body?: unknown; originalUrl?: string };

function isPlainObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !ArrayBuffer.isView(value) && !(value instanceof ArrayBuffer);
}

function byteLength(body: string | Uint8Array): number {
  return typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
}

/**
 * The raw body: `req.rawBody` or a `Buffer`/string `req.body` when a framework already read it,
 * the stream otherwise. A parsed `req.body` rejects with `payload_not_raw` and the fix.
 */
export function readNodeBody(req: NodeRequest, limit: number): Promise<WebhookBody> {
  // Not `async`: returning readStream's promise from an async function would wrap it in another
  // one and cost extra microtask turns on every delivery.
  try {
    const kept = keptBody(req, limit);
    return kept === undefined ? readStream(req, limit) : Promise.resolve(kept);
  } catch (error) {
    return Promise.reject(error);
  }
}

/** The body a framework already read, `undefined` when the stream is still to be read. */
function keptBody(req: NodeRequest, limit: number): WebhookBody | undefined {
  let kept = req.rawBody ?? req.body;
  // Express 4's body parsers set req.body = {} even when they skip a request; if the stream was
  // not read, the raw bytes are still there.
  if (req.rawBody === undefined && isPlainObject(kept) && !req.readableEnded) kept = undefined;
  if (kept !== undefined) {
    const body = rawBody(kept);
    if (byteLength(body) > limit) throw new PayloadTooLargeError(limit);
    return body;
  }
  if (req.readableEnded) {
    throw new WebhookConfigError(
      'payload_not_raw',
      'The request body was already read by another middleware and not kept. Mount the webhook ' +
        'middleware before body parsers, or keep the raw bytes (express.raw({ type: "application/json" })).',
    );
  }
  return undefined;
}

function readStream(req: IncomingMessage, limit: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        // Stop here: the response says 413 and closes the connection; nothing more is kept.
        cleanup();
        req.pause();
        reject(new PayloadTooLargeError(limit));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const onClose = () => {
      cleanup();
      reject(new Error('The client closed the connection before the body was complete.'));
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}
