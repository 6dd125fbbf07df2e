import { presentSource } from '../../api/present.js';
import { invalidateSource } from '../../api/source-cache.js';
import { API_SOURCE, ENV_SOURCE, resolveSource, validateKeys, validateSourceName } from '../../api/sources.js';
import type { RelayContext } from '../../relay-context.js';
import { ApiError, invalid, notFound } from '../api-error.js';
import type { Route } from '../route.js';
import { errorResponse, ref } from '../schemas.js';

const sourceInput = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    description: { type: ['string', 'null'] },
    keys: {
      type: 'array',
      items: { type: 'string' },
      description: 'Verification keys (whsec_…); several during a rotation.',
    },
  },
};

function description(value: unknown): string | null | undefined {
  if (value === undefined || value === null) return value;
  if (typeof value !== 'string' || value.length > 500)
    throw invalid('`description` must be a string of at most 500 characters.');
  return value;
}

function environmentManaged(relay: RelayContext, name: string): void {
  if (name === ENV_SOURCE && relay.config.anthropicSigningKey) {
    throw new ApiError(
      409,
      'managed_by_environment',
      `The "${ENV_SOURCE}" source comes from ANTHROPIC_WEBHOOK_SIGNING_KEY; change the variable instead.`,
    );
  }
}

export const sourceRoutes: Route[] = [
  {
    method: 'POST',
    path: '/v1/sources',
    operationId: 'createSource',
    summary: 'Create a source (an ingress endpoint with its verification keys)',
    tag: 'Sources',
    auth: 'admin',
    requestBody: { ...sourceInput, required: ['name', 'keys'] },
    responses: {
      201: { description: 'Created', schema: ref('Source') },
      409: errorResponse('Name taken'),
      422: errorResponse('Invalid'),
    },
    async handle(request, relay) {
      const input = await request.json();
      const name = validateSourceName(input.name);
      environmentManaged(relay, name);
      const keys = validateKeys(input.keys);
      const now = relay.clock.now();
      const row = {
        name,
        description: description(input.description) ?? null,
        sealedKeys: relay.secretBox.seal(JSON.stringify(keys)),
        createdAt: now,
        updatedAt: now,
      };
      if (!(await relay.store.insertSource(row)))
        throw new ApiError(409, 'conflict', `A source named "${name}" exists.`);
      invalidateSource(relay, name);
      return { status: 201, body: presentSource(row, keys.length) };
    },
  },
  {
    method: 'GET',
    path: '/v1/sources',
    operationId: 'listSources',
    summary: 'List sources (keys are never returned)',
    tag: 'Sources',
    auth: 'admin',
    responses: {
      200: {
        description: 'Sources',
        schema: { type: 'object', required: ['data'], properties: { data: { type: 'array', items: ref('Source') } } },
      },
    },
    async handle(_request, relay) {
      const data = [];
      const env = await resolveSource(relay, ENV_SOURCE);
      if (env?.managedBy === 'environment') data.push(presentSource(env.row, env.keys.length, 'environment'));
      for (const row of await relay.store.listSources()) {
        if (env?.managedBy === 'environment' && row.name === ENV_SOURCE) continue;
        data.push(presentSource(row, (JSON.parse(relay.secretBox.open(row.sealedKeys)) as string[]).length));
      }
      return { status: 200, body: { data } };
    },
  },
  {
    method: 'GET',
    path: '/v1/sources/{name}',
    operationId: 'getSource',
    summary: 'Get a source',
    tag: 'Sources',
    auth: 'admin',
    responses: { 200: { description: 'The source', schema: ref('Source') }, 404: errorResponse('Not found') },
    async handle(request, relay) {
      const name = request.params.name ?? '';
      const source = await resolveSource(relay, name);
      if (!source) throw notFound('source', name);
      return { status: 200, body: presentSource(source.row, source.keys.length, source.managedBy) };
    },
  },
  {
    method: 'PATCH',
    path: '/v1/sources/{name}',
    operationId: 'updateSource',
    summary: 'Update a source: its description or its keys (replace the list to rotate)',
    tag: 'Sources',
    auth: 'admin',
    requestBody: sourceInput,
    responses: {
      200: { description: 'Updated', schema: ref('Source') },
      404: errorResponse('Not found'),
      409: errorResponse('Managed by the environment'),
      422: errorResponse('Invalid'),
    },
    async handle(request, relay) {
      const name = request.params.name ?? '';
      environmentManaged(relay, name);
      const input = await request.json();
      const keys = input.keys === undefined ? undefined : validateKeys(input.keys);
      const row = await relay.store
        .updateSource(
          name,
          {
            description: description(input.description),
            ...(keys ? { sealedKeys: relay.secretBox.seal(JSON.stringify(keys)) } : {}),
          },
          relay.clock.now(),
        )
        // Even when the write failed: it may have committed, and a cache miss costs one read.
        .finally(() => invalidateSource(relay, name));
      if (!row) throw notFound('source', name);
      return {
        status: 200,
        body: presentSource(row, keys?.length ?? (JSON.parse(relay.secretBox.open(row.sealedKeys)) as string[]).length),
      };
    },
  },
  {
    method: 'DELETE',
    path: '/v1/sources/{name}',
    operationId: 'deleteSource',
    summary: 'Delete a source (its stored events stay in the log)',
    tag: 'Sources',
    auth: 'admin',
    responses: { 204: { description: 'Deleted' }, 404: errorResponse('Not found') },
    async handle(request, relay) {
      const name = request.params.name ?? '';
      environmentManaged(relay, name);
      if (name === API_SOURCE) throw notFound('source', name);
      const deleted = await relay.store.deleteSource(name).finally(() => invalidateSource(relay, name));
      if (!deleted) throw notFound('source', name);
      return { status: 204 };
    },
  },
];
