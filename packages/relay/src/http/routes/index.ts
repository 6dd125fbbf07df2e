import type { Route } from '../route.js';
import { deliveryRoutes } from './deliveries.js';
import { destinationRoutes } from './destinations.js';
import { eventRoutes } from './events.js';
import { ingestRoute } from './ingest.js';
import { operationRoutes } from './operations.js';
import { replayRoutes } from './replays.js';
import { sourceRoutes } from './sources.js';

/** Every route the relay serves; the router and /openapi.json are both built from this list. */
export function allRoutes(): Route[] {
  return [
    ingestRoute,
    ...sourceRoutes,
    ...destinationRoutes,
    ...eventRoutes,
    ...deliveryRoutes,
    ...replayRoutes,
    ...operationRoutes,
  ];
}

// A worker serves no API: probes and Prometheus only, so it can sit outside any load balancer.
const WORKER_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

/** The routes a process of this role serves (`--role`): a worker keeps only health and metrics. */
export function routesForRole(role: 'api' | 'worker' | 'both'): Route[] {
  return role === 'worker' ? allRoutes().filter((route) => WORKER_PATHS.has(route.path)) : allRoutes();
}
