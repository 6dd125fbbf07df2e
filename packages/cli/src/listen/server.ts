import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { forward } from './forward.js';
import { inspectDelivery } from './inspect.js';
import type { DeliveryRecord } from './record.js';

/** Options of {@link createListener}. */
export interface ListenerOptions {
  keys: string[];
  /** Only this path receives deliveries; undefined accepts any path. */
  path: string | undefined;
  forwardTo: string | undefined;
  forwardTimeoutMs: number;
  onDelivery(record: DeliveryRecord): void;
}

const MAX_BODY = 1024 * 1024;

function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY) chunks.push(chunk);
    });
    request.on('end', () => resolve(size > MAX_BODY ? undefined : Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function answer(response: ServerResponse, status: number, body?: unknown): void {
  if (body === undefined) {
    response.writeHead(status).end();
    return;
  }
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

/** The local receiver: verifies each delivery with the core, records it, optionally forwards it. */
export function createListener(options: ListenerOptions): Server {
  const seen = new Set<string>();
  return createServer(async (request, response) => {
    const path = (request.url ?? '/').split('?')[0]!;
    // Never redirect (not even a trailing slash): the platform disables an endpoint on any 3xx.
    if (options.path !== undefined && path !== options.path) {
      answer(response, 404, { error: `hookline listen receives on ${options.path}, not ${path}` });
      return;
    }
    if (request.method !== 'POST') {
      answer(response, 405, { error: 'webhook deliveries are POST requests' });
      return;
    }
    const body = await readBody(request).catch(() => undefined);
    if (body === undefined) {
      answer(response, 413, { error: `body larger than ${MAX_BODY} bytes` });
      return;
    }
    const inspected = inspectDelivery(body, request.headers, options.keys);
    const duplicate = inspected.verified && inspected.id !== null && seen.has(inspected.id);
    if (inspected.verified && inspected.id !== null) seen.add(inspected.id);
    let status = inspected.verified ? 204 : 400;
    let forwarded: DeliveryRecord['forward'] = null;
    // Every delivery is forwarded, rejected ones too: the app's own verification is what is being tested.
    if (options.forwardTo) {
      const result = await forward(options.forwardTo, body, request.headers, options.forwardTimeoutMs);
      forwarded = { status: result.status ?? null, ms: result.ms, ...(result.error ? { error: result.error } : {}) };
      status = result.status ?? 502;
    }
    const record: DeliveryRecord = {
      time: new Date().toISOString(),
      method: request.method,
      path,
      duplicate,
      status,
      forward: forwarded,
      ...inspected,
    };
    options.onDelivery(record);
    if (forwarded) answer(response, status);
    else if (inspected.verified) answer(response, 204);
    else answer(response, 400, { error: inspected.error });
  });
}
