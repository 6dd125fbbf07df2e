// @hookline/webhooks/node: the router as node:http (and Express/Connect) middleware.
import type { ServerResponse } from 'node:http';
import type { Webhooks } from '../../router/webhooks.js';
import { handleRequest } from '../handle-request.js';
import { errorResponse, type HttpResponse } from '../http-response.js';
import type { ReceiverOptions } from '../receiver-options.js';
import { type NodeRequest, readNodeBody } from './read-node-body.js';

export type { ReceiverOptions } from '../receiver-options.js';
export { DEFAULT_BODY_LIMIT } from '../receiver-options.js';
export type { NodeRequest } from './read-node-body.js';

/** A node:http request listener that also works as Express/Connect middleware. */
export type NodeMiddleware = (req: NodeRequest, res: ServerResponse, next?: (error?: unknown) => void) => Promise<void>;

function send(req: NodeRequest, res: ServerResponse, response: HttpResponse): void {
  if (!res.headersSent) {
    res.writeHead(response.status, response.headers);
    res.end(response.body);
  }
  discardRest(req);
}

/**
 * After an early answer (413, 415, 405) the rest of the upload is drained and dropped, never
 * buffered, so a keep-alive connection stays usable. Closing the socket instead can reset the
 * connection before the client has read the status.
 */
function discardRest(req: NodeRequest): void {
  if (!req.readableEnded) req.resume();
}

/**
 * Serves `webhooks` on node:http: `http.createServer(createNodeMiddleware(webhooks, { path }))`,
 * or `app.use(createNodeMiddleware(webhooks, { path }))` in Express. Requests for other paths go
 * to `next()`, or get 404 when there is no `next`.
 */
export function createNodeMiddleware(webhooks: Webhooks, options: ReceiverOptions = {}): NodeMiddleware {
  return async (req, res, next) => {
    const response = await handleRequest(
      webhooks,
      {
        method: req.method,
        // Express strips a mount path from req.url; the client's path is on originalUrl.
        url: req.originalUrl ?? req.url,
        headers: req.headers,
        getHeader: (name) => {
          const value = req.headers[name];
          return Array.isArray(value) ? value[0] : value;
        },
        readBody: (limit) => readNodeBody(req, limit),
      },
      options,
    );
    if (response) send(req, res, response);
    else if (next) next();
    else send(req, res, errorResponse(404, 'not_found', 'Not found.'));
  };
}
