import type { IncomingMessage } from 'node:http';
import { ApiError } from './api-error.js';

/**
 * Reads a request body up to `limit` bytes. Over the limit it fails with 413 as soon as it
 * knows — from `Content-Length` before reading anything, or mid-stream — and stops reading,
 * so an oversized body is never buffered. A client that disconnects mid-body gets nothing stored.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > limit) {
    return Promise.reject(tooLarge(limit, Number(declared)));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (error: ApiError | null) => {
      if (done) return;
      done = true;
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('aborted', onAborted);
      req.off('error', onAborted);
      if (error) {
        req.pause();
        reject(error);
      } else resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size)); // one chunk: no copy
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) finish(tooLarge(limit));
      else chunks.push(chunk);
    };
    const onEnd = () => {
      // `complete` is false when the connection ended before Content-Length bytes arrived.
      if (!req.complete) finish(incomplete());
      else finish(null);
    };
    const onAborted = () => finish(incomplete());
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('aborted', onAborted);
    req.on('error', onAborted);
  });
}

function tooLarge(limit: number, declared?: number): ApiError {
  return new ApiError(413, 'body_too_large', `The request body exceeds the limit of ${limit} bytes.`, {
    limit_bytes: limit,
    ...(declared !== undefined ? { content_length: declared } : {}),
  });
}

function incomplete(): ApiError {
  return new ApiError(400, 'body_incomplete', 'The connection closed before the whole request body arrived.');
}
