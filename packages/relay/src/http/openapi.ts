import type { JsonSchema } from './route.js';
import { allRoutes } from './routes/index.js';
import { SCHEMAS } from './schemas.js';

const VERSION = '0.1.0';

/** The OpenAPI 3.1 document, generated from the route table (so it lists exactly what is served). */
export function buildOpenApi(): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of allRoutes()) {
    const parameters: JsonSchema[] = [];
    for (const match of route.path.matchAll(/\{(\w+)\}/g)) {
      parameters.push({ name: match[1], in: 'path', required: true, schema: { type: 'string' } });
    }
    for (const [name, schema] of Object.entries(route.query ?? {})) {
      parameters.push({ name, in: 'query', required: false, schema });
    }
    const responses: Record<string, unknown> = {};
    for (const [status, response] of Object.entries(route.responses)) {
      const contentType = route.path === '/metrics' ? 'text/plain' : 'application/json';
      responses[status] = {
        description: response.description,
        ...(response.schema ? { content: { [contentType]: { schema: response.schema } } } : {}),
      };
    }
    if (route.auth === 'admin')
      responses['401'] = {
        description: 'Missing or wrong admin token',
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
      };
    paths[route.path] ??= {};
    (paths[route.path] as Record<string, unknown>)[route.method.toLowerCase()] = {
      operationId: route.operationId,
      summary: route.summary,
      tags: [route.tag],
      ...(route.auth === 'admin' ? { security: [{ adminToken: [] }] } : { security: [] }),
      ...(parameters.length ? { parameters } : {}),
      ...(route.requestBody
        ? { requestBody: { required: true, content: { 'application/json': { schema: route.requestBody } } } }
        : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Hookline relay',
      version: VERSION,
      description: 'Durable ingress, fan-out and delivery log for Claude Managed Agents webhooks. See docs/relay.md.',
    },
    paths,
    components: {
      schemas: SCHEMAS,
      securitySchemes: {
        adminToken: {
          type: 'http',
          scheme: 'bearer',
          description: 'HOOKLINE_ADMIN_TOKEN, or the generated admin-token file in the data directory',
        },
      },
    },
  };
}
