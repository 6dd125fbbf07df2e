// @hookline/webhooks/fastify: the router as a Fastify plugin with its own raw-body parser.
import type { Webhooks } from '../../router/webhooks.js';
import { handleRequest } from '../handle-request.js';
import { readNodeBody } from '../node/read-node-body.js';
import type { ReceiverOptions } from '../receiver-options.js';
import type { FastifyInstanceLike, FastifyReplyLike, FastifyRequestLike } from './fastify-like.js';

export type { ReceiverOptions } from '../receiver-options.js';
export { DEFAULT_BODY_LIMIT } from '../receiver-options.js';
export type { FastifyInstanceLike, FastifyReplyLike, FastifyRequestLike } from './fastify-like.js';

/** Options of {@link createFastifyPlugin}: the route's path is required. */
export interface FastifyWebhooksOptions extends Omit<ReceiverOptions, 'path'> {
  /** The route, e.g. `'/webhooks'` (under the register prefix, if any); a trailing slash also matches. */
  path: string;
}

// Every method, so a GET gets our 405 rather than Fastify's 404 (HEAD comes with GET).
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

/**
 * A Fastify plugin serving `webhooks`: `app.register(createFastifyPlugin(webhooks, { path }))`.
 * Its content-type parser keeps the raw stream for the webhook route only: Fastify
 * encapsulates plugins, so the app's JSON parsing elsewhere is untouched.
 */
export function createFastifyPlugin(
  webhooks: Webhooks,
  options: FastifyWebhooksOptions,
): (instance: FastifyInstanceLike) => Promise<void> {
  const { path, ...receiverOptions } = options;
  return async (instance) => {
    instance.removeAllContentTypeParsers();
    // Hand the untouched stream on; the shared core reads it with the body limit and answers 415.
    instance.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
    const handler = async (request: FastifyRequestLike, reply: FastifyReplyLike) => {
      const response = await handleRequest(
        webhooks,
        {
          method: request.method,
          url: request.url,
          headers: request.headers,
          getHeader: (name) => {
            const value = request.headers[name];
            return Array.isArray(value) ? value[0] : value;
          },
          readBody: (limit) => readNodeBody(request.raw, limit),
        },
        // Fastify routed the request already (with any register prefix): no path check here.
        receiverOptions,
      );
      // handleRequest only returns undefined for a path mismatch, which cannot happen without a path.
      if (!response) return reply.code(404).send();
      reply.code(response.status).headers(response.headers);
      // Drain (never buffer) what is left of an upload answered early, as the node adapter does.
      if (!request.raw.readableEnded) request.raw.resume();
      return reply.send(response.body);
    };
    instance.route({ method: METHODS, url: path, handler });
    const slashed = path.endsWith('/') ? path.slice(0, -1) : `${path}/`;
    // With ignoreTrailingSlash the instance already matches both; registering twice would throw.
    if (slashed !== '' && !instance.hasRoute({ method: 'POST', url: slashed })) {
      instance.route({ method: METHODS, url: slashed, handler });
    }
  };
}
