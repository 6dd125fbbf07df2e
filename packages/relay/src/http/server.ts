import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createAdminAuth } from '../crypto/admin-auth.js';
import { routeLogFields } from '../observability/log-fields.js';
import type { RelayContext } from '../relay-context.js';
import { StoreUnavailableError } from '../store/sql-driver.js';
import { ApiError } from './api-error.js';
import { readBody } from './read-body.js';
import type { RouteRequest, RouteResponse } from './route.js';
import { createRouter } from './router.js';
import { routesForRole } from './routes/index.js';

function send(req: IncomingMessage, res: ServerResponse, response: RouteResponse): void {
  if (res.headersSent || res.destroyed) return;
  const headers: Record<string, string> = { 'cache-control': 'no-store', ...response.headers };
  // A body we did not read is not read afterwards either: close instead of draining it.
  if (!req.complete) headers.connection = 'close';
  if (response.body === undefined) {
    res.writeHead(response.status, headers).end();
    return;
  }
  const text = typeof response.body === 'string' ? response.body : JSON.stringify(response.body);
  headers['content-type'] ??= 'application/json';
  res.writeHead(response.status, headers).end(text);
}

function errorResponse(error: ApiError): RouteResponse {
  return { status: error.status, body: { error: { code: error.code, message: error.message, ...error.details } } };
}

interface Matched {
  path?: string;
  params?: Record<string, string>;
}

/** The relay's HTTP server: ingress, the admin API and operations endpoints on one listener. */
export function createRelayServer(relay: RelayContext, adminToken: string): Server {
  const route = createRouter(routesForRole(relay.config.role));
  const isAdmin = createAdminAuth(adminToken);

  // `matched` receives the route and its parameters, so a failure's log line carries the ids they
  // name (worked out only then: most requests never log).
  const handle = async (req: IncomingMessage, res: ServerResponse, matched: Matched): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://relay.invalid');
    let match: ReturnType<typeof route>;
    try {
      match = route(req.method ?? 'GET', url.pathname);
    } catch {
      throw new ApiError(400, 'invalid_path', 'The request path is not valid percent-encoding.');
    }
    if (!match) throw new ApiError(404, 'no_route', `No route for ${req.method} ${url.pathname}.`);
    if ('params' in match) {
      matched.path = match.route.path;
      matched.params = match.params;
    }
    if ('allowed' in match) {
      throw new ApiError(
        405,
        'method_not_allowed',
        `${req.method} is not allowed here; use ${match.allowed.join(', ')}.`,
      );
    }
    if (match.route.auth === 'admin' && !isAdmin(req.headers.authorization)) {
      throw new ApiError(
        401,
        'unauthorized',
        'Missing or wrong admin token: send `Authorization: Bearer <HOOKLINE_ADMIN_TOKEN>`.',
      );
    }
    const limit = match.route.path.startsWith('/ingest/') ? relay.config.maxBodyBytes : relay.config.maxAdminBodyBytes;
    let body: Promise<Buffer> | undefined;
    const request: RouteRequest = {
      req,
      params: match.params,
      query: url.searchParams,
      body: () => {
        body ??= readBody(req, limit);
        return body;
      },
      json: async () => {
        const raw = await request.body();
        let value: unknown;
        try {
          value = JSON.parse(raw.toString('utf8'));
        } catch {
          throw new ApiError(400, 'invalid_json', 'The request body is not valid JSON.');
        }
        if (typeof value !== 'object' || value === null || Array.isArray(value)) {
          throw new ApiError(400, 'invalid_json', 'The request body must be a JSON object.');
        }
        return value as Record<string, unknown>;
      },
    };
    send(req, res, await match.route.handle(request, relay));
  };

  return createServer({ requestTimeout: 60_000, keepAliveTimeout: relay.config.keepAliveTimeoutMs }, (req, res) => {
    const matched: Matched = {};
    handle(req, res, matched).catch((error: unknown) => {
      const log = matched.path && matched.params ? routeLogFields(matched.path, matched.params) : {};
      if (error instanceof ApiError) {
        send(req, res, errorResponse(error));
        return;
      }
      if (error instanceof StoreUnavailableError) {
        relay.logger.error(
          { ...log, err: error, method: req.method, path: req.url?.split('?')[0] },
          'database unavailable',
        );
        send(
          req,
          res,
          errorResponse(
            new ApiError(503, 'store_unavailable', 'The database is unavailable; nothing was changed. Retry later.'),
          ),
        );
        return;
      }
      relay.logger.error({ ...log, err: error, method: req.method, path: req.url?.split('?')[0] }, 'request failed');
      send(req, res, errorResponse(new ApiError(500, 'internal_error', 'The relay failed to handle this request.')));
    });
  });
}
