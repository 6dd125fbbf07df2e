// @hookline/webhooks/fetch: the router as a fetch handler (Request → Response) for Hono,
// Next.js route handlers, Bun.serve, Deno.serve and Cloudflare Workers. No node: imports.
import type { Webhooks } from '../../router/webhooks.js';
import { handleRequest } from '../handle-request.js';
import { errorResponse, type HttpResponse } from '../http-response.js';
import type { ReceiverOptions } from '../receiver-options.js';
import { readFetchBody } from './read-fetch-body.js';

export type { ReceiverOptions } from '../receiver-options.js';
export { DEFAULT_BODY_LIMIT } from '../receiver-options.js';

/** A fetch-style handler. */
export type FetchHandler = (request: Request) => Promise<Response>;

function toResponse(response: HttpResponse): Response {
  return new Response(response.body ?? null, { status: response.status, headers: response.headers });
}

function pathAndQuery(url: string): string {
  // Request.url is absolute; path matching wants the path. Hono and Next pass absolute URLs too.
  const start = url.indexOf('/', url.indexOf('//') + 2);
  return start < 0 ? '/' : url.slice(start);
}

/**
 * Serves `webhooks` as `(request: Request) => Promise<Response>`. With `path`, other paths get 404;
 * without it every request is treated as a delivery (the framework has routed it already).
 */
export function createFetchHandler(webhooks: Webhooks, options: ReceiverOptions = {}): FetchHandler {
  return async (request) => {
    const response = await handleRequest(
      webhooks,
      {
        method: request.method,
        url: pathAndQuery(request.url),
        headers: request.headers,
        getHeader: (name) => request.headers.get(name) ?? undefined,
        readBody: (limit) => readFetchBody(request, limit),
      },
      options,
    );
    return toResponse(response ?? errorResponse(404, 'not_found', 'Not found.'));
  };
}
