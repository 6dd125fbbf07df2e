import type { IncomingMessage } from 'node:http';
import type { RelayContext } from '../relay-context.js';

/** A JSON Schema fragment, as used in the OpenAPI document. */
export type JsonSchema = Record<string, unknown>;

export interface RouteRequest {
  req: IncomingMessage;
  params: Record<string, string>;
  query: URLSearchParams;
  /** Reads the body under the route's limit (413 beyond it). */
  body(): Promise<Buffer>;
  /** Reads and parses a JSON object body (400 when it is not one). */
  json(): Promise<Record<string, unknown>>;
}

export interface RouteResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/**
 * One HTTP route and its documentation. The router and /openapi.json are both built from the
 * list of these, so the document cannot drift from what is served.
 */
export interface Route {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** OpenAPI-style path, e.g. `/v1/destinations/{id}`. */
  path: string;
  operationId: string;
  summary: string;
  tag: string;
  /** `admin` requires the bearer token; `none` is public (ingress verifies signatures itself). */
  auth: 'admin' | 'none';
  query?: Record<string, JsonSchema>;
  requestBody?: JsonSchema;
  responses: Record<number, { description: string; schema?: JsonSchema }>;
  handle(request: RouteRequest, relay: RelayContext): Promise<RouteResponse>;
}
