import { renderMetrics } from '../../observability/render-metrics.js';
import { refreshStateGauges } from '../../observability/state-gauges.js';
import { buildOpenApi } from '../openapi.js';
import type { Route } from '../route.js';

/** Liveness, readiness and the API description; no token needed. */
export const operationRoutes: Route[] = [
  {
    method: 'GET',
    path: '/healthz',
    operationId: 'health',
    summary: 'The process is alive',
    tag: 'Operations',
    auth: 'none',
    responses: { 200: { description: 'Alive', schema: { type: 'object', properties: { status: { const: 'ok' } } } } },
    async handle() {
      return { status: 200, body: { status: 'ok' } };
    },
  },
  {
    method: 'GET',
    path: '/readyz',
    operationId: 'ready',
    summary: 'The database is reachable and the dispatcher is polling',
    tag: 'Operations',
    auth: 'none',
    responses: {
      200: {
        description: 'Ready',
        schema: { type: 'object', properties: { status: { type: 'string' }, checks: { type: 'object' } } },
      },
      503: {
        description: 'Not ready',
        schema: { type: 'object', properties: { status: { type: 'string' }, checks: { type: 'object' } } },
      },
    },
    async handle(_request, relay) {
      let database = 'ok';
      try {
        await relay.store.ping();
      } catch {
        database = 'unreachable';
      }
      // An api-role process never dispatches (workers do), so it is ready once the database answers.
      const dispatcher =
        relay.config.role === 'api' ? 'not run (role api)' : relay.dispatcher.healthy ? 'ok' : 'not polling';
      const ready = database === 'ok' && (dispatcher === 'ok' || relay.config.role === 'api');
      return {
        status: ready ? 200 : 503,
        body: { status: ready ? 'ready' : 'not ready', checks: { database, dispatcher } },
      };
    },
  },
  {
    method: 'GET',
    path: '/openapi.json',
    operationId: 'openapi',
    summary: 'This document (OpenAPI 3.1)',
    tag: 'Operations',
    auth: 'none',
    responses: { 200: { description: 'OpenAPI 3.1 document', schema: { type: 'object' } } },
    async handle() {
      return { status: 200, body: buildOpenApi() };
    },
  },
  {
    method: 'GET',
    path: '/metrics',
    operationId: 'metrics',
    summary: 'Prometheus metrics (text exposition format)',
    tag: 'Operations',
    auth: 'none',
    responses: { 200: { description: 'Metrics', schema: { type: 'string' } } },
    async handle(_request, relay) {
      // Stored state is read now, so a scrape is always current; a database that is down
      // leaves the state gauges out but never fails the scrape.
      await refreshStateGauges(relay);
      return {
        status: 200,
        body: await renderMetrics(relay.metrics.registry, relay.logger),
        headers: { 'content-type': relay.metrics.registry.contentType },
      };
    },
  },
];
