import type { Route } from '../route.js';
import { deliveryRoutes } from './deliveries.js';
import { destinationRoutes } from './destinations.js';
import { eventRoutes } from './events.js';
import { ingestRoute } from './ingest.js';
import { operationRoutes } from './operations.js';
import { sourceRoutes } from './sources.js';

/** Every route the relay serves; the router and /openapi.json are both built from this list. */
export function allRoutes(): Route[] {
  return [ingestRoute, ...sourceRoutes, ...destinationRoutes, ...eventRoutes, ...deliveryRoutes, ...operationRoutes];
}
