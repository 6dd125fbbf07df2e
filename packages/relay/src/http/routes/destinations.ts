import { parseDestinationInput } from '../../api/destination-input.js';
import { destinationWarnings } from '../../api/destination-warnings.js';
import { presentDestination } from '../../api/present.js';
import { generateSigningSecret } from '../../crypto/destination-secret.js';
import type { SecretBox } from '../../crypto/secret-box.js';
import { newId } from '../../ids.js';
import type { DestinationRow } from '../../store/types.js';
import { invalid, notFound } from '../api-error.js';
import { listBody, optional, pageLimit } from '../query.js';
import type { Route } from '../route.js';
import { errorResponse, listOf, ref } from '../schemas.js';

// Static header values often carry the destination's credentials: encrypted at rest like secrets.
const sealHeaders = (box: SecretBox, headers: Record<string, string>) =>
  Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, box.seal(value)]));

const idParam = (params: Record<string, string>) => params.id ?? '';

export const destinationRoutes: Route[] = [
  {
    method: 'POST',
    path: '/v1/destinations',
    operationId: 'createDestination',
    summary: 'Create a destination; the response carries its signing secret (shown only here and on rotation)',
    tag: 'Destinations',
    auth: 'admin',
    requestBody: { allOf: [ref('DestinationInput')], required: ['url'] },
    responses: { 201: { description: 'Created', schema: ref('DestinationWithSecret') }, 422: errorResponse('Invalid') },
    async handle(request, relay) {
      const patch = parseDestinationInput(await request.json(), true);
      const now = relay.clock.now();
      const secret = generateSigningSecret();
      const row: DestinationRow = {
        id: newId('dst', now),
        url: patch.url as string,
        description: patch.description ?? null,
        eventTypes: patch.eventTypes ?? [],
        enabled: patch.enabled ?? true,
        disabledReason: patch.enabled === false ? (patch.disabledReason ?? null) : null,
        timeoutMs: patch.timeoutMs ?? null,
        headers: sealHeaders(relay.secretBox, patch.headers ?? {}),
        retrySchedule: patch.retrySchedule ?? null,
        maxInFlight: patch.maxInFlight ?? null,
        ratePerSecond: patch.ratePerSecond ?? null,
        ordering: patch.ordering ?? 'none',
        failingSince: null,
        sealedSecret: relay.secretBox.seal(secret),
        sealedPreviousSecret: null,
        previousSecretExpiresAt: null,
        createdAt: now,
        updatedAt: now,
      };
      await relay.store.insertDestination(row);
      const warnings = await destinationWarnings(row.url, relay.config.allowNetworks);
      return {
        status: 201,
        body: { ...presentDestination(row), secret, ...(warnings.length > 0 ? { warnings } : {}) },
      };
    },
  },
  {
    method: 'GET',
    path: '/v1/destinations',
    operationId: 'listDestinations',
    summary: 'List destinations, oldest first (cursor pagination with `after`)',
    tag: 'Destinations',
    auth: 'admin',
    query: { limit: { type: 'integer' }, after: { type: 'string' } },
    responses: { 200: { description: 'A page', schema: listOf('Destination') } },
    async handle(request, relay) {
      const result = await relay.store.listDestinations({
        after: optional(request.query, 'after'),
        limit: pageLimit(request.query),
      });
      return { status: 200, body: listBody(result.items.map(presentDestination), result.nextCursor) };
    },
  },
  {
    method: 'GET',
    path: '/v1/destinations/{id}',
    operationId: 'getDestination',
    summary: 'Get a destination',
    tag: 'Destinations',
    auth: 'admin',
    responses: { 200: { description: 'The destination', schema: ref('Destination') }, 404: errorResponse('Not found') },
    async handle(request, relay) {
      const row = await relay.store.getDestination(idParam(request.params));
      if (!row) throw notFound('destination', idParam(request.params));
      return { status: 200, body: presentDestination(row) };
    },
  },
  {
    method: 'PATCH',
    path: '/v1/destinations/{id}',
    operationId: 'updateDestination',
    summary: 'Update a destination (setting `enabled: true` clears `disabled_reason`)',
    tag: 'Destinations',
    auth: 'admin',
    requestBody: ref('DestinationInput'),
    responses: {
      200: { description: 'Updated', schema: ref('Destination') },
      404: errorResponse('Not found'),
      422: errorResponse('Invalid'),
    },
    async handle(request, relay) {
      const patch = parseDestinationInput(await request.json(), false);
      if (patch.headers) patch.headers = sealHeaders(relay.secretBox, patch.headers);
      const row = await relay.store.updateDestination(idParam(request.params), patch, relay.clock.now());
      if (!row) throw notFound('destination', idParam(request.params));
      if (row.enabled) relay.dispatcher.wake();
      const warnings = patch.url ? await destinationWarnings(row.url, relay.config.allowNetworks) : [];
      return { status: 200, body: { ...presentDestination(row), ...(warnings.length > 0 ? { warnings } : {}) } };
    },
  },
  {
    method: 'DELETE',
    path: '/v1/destinations/{id}',
    operationId: 'deleteDestination',
    summary: 'Delete a destination and its pending deliveries',
    tag: 'Destinations',
    auth: 'admin',
    responses: { 204: { description: 'Deleted' }, 404: errorResponse('Not found') },
    async handle(request, relay) {
      if (!(await relay.store.deleteDestination(idParam(request.params))))
        throw notFound('destination', idParam(request.params));
      return { status: 204 };
    },
  },
  {
    method: 'POST',
    path: '/v1/destinations/{id}/rotate-secret',
    operationId: 'rotateDestinationSecret',
    summary: 'Issue a new signing secret; the old one keeps signing (alongside) for the grace period',
    tag: 'Destinations',
    auth: 'admin',
    requestBody: { type: 'object', properties: { grace_period_ms: { type: 'integer', minimum: 0 } } },
    responses: {
      200: { description: 'The new secret', schema: ref('SecretRotation') },
      404: errorResponse('Not found'),
    },
    async handle(request, relay) {
      const id = idParam(request.params);
      const input = (await request.body()).length > 0 ? await request.json() : {};
      const grace = input.grace_period_ms ?? relay.config.secretRotationGraceMs;
      if (!Number.isInteger(grace) || (grace as number) < 0)
        throw invalid('`grace_period_ms` must be a non-negative integer.');
      const current = await relay.store.getDestination(id);
      if (!current) throw notFound('destination', id);
      const now = relay.clock.now();
      const secret = generateSigningSecret();
      const expires = (grace as number) > 0 ? now + (grace as number) : null;
      await relay.store.updateDestination(
        id,
        {
          sealedSecret: relay.secretBox.seal(secret),
          sealedPreviousSecret: expires ? current.sealedSecret : null,
          previousSecretExpiresAt: expires,
        },
        now,
      );
      return {
        status: 200,
        body: { secret, previous_secret_expires_at: expires ? new Date(expires).toISOString() : null },
      };
    },
  },
];
