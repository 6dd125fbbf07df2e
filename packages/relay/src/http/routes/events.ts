import { createHash } from 'node:crypto';
import { validateEvent, type WebhookEvent, WebhookPayloadError } from '@hookline/webhooks';
import { acceptEvent, acceptedBody } from '../../api/accept-event.js';
import { presentDelivery, presentEvent } from '../../api/present.js';
import { API_SOURCE } from '../../api/sources.js';
import { newEventId } from '../../ids.js';
import type { RelayContext } from '../../relay-context.js';
import { ApiError, invalid, notFound } from '../api-error.js';
import { listBody, optional, pageLimit, timeParam } from '../query.js';
import type { Route, RouteResponse } from '../route.js';
import { errorResponse, listOf, ref } from '../schemas.js';

// A claimed key whose request never finished (the process died) is free again after this.
const ABANDONED_AFTER_MS = 60_000;

/** Builds the envelope and the exact bytes to store from either accepted input shape. */
function toEnvelope(raw: Buffer, input: Record<string, unknown>, now: number): { event: WebhookEvent; body: Buffer } {
  try {
    if (input.type === 'event') return { event: validateEvent(input), body: raw };
    if (
      typeof input.type !== 'string' ||
      typeof input.data !== 'object' ||
      input.data === null ||
      Array.isArray(input.data)
    ) {
      throw invalid(
        'Send a full event envelope ({ "type": "event", "id", "created_at", "data" }) or { "type": "<data.type>", "data": { … } }.',
      );
    }
    const envelope = {
      id: newEventId(),
      created_at: new Date(now).toISOString(),
      data: { ...(input.data as Record<string, unknown>), type: input.type },
      type: 'event',
    };
    return { event: validateEvent(envelope), body: Buffer.from(JSON.stringify(envelope)) };
  } catch (error) {
    if (error instanceof WebhookPayloadError) throw invalid(error.message, { path: error.path });
    throw error;
  }
}

async function publish(raw: Buffer, input: Record<string, unknown>, relay: RelayContext): Promise<RouteResponse> {
  const { event, body } = toEnvelope(raw, input, relay.clock.now());
  const result = await acceptEvent(relay, { sourceName: API_SOURCE, event, body });
  return { status: 202, body: acceptedBody(result) };
}

export const eventRoutes: Route[] = [
  {
    method: 'POST',
    path: '/v1/events',
    operationId: 'publishEvent',
    summary: 'Publish your own event through the same pipeline (honours Idempotency-Key)',
    tag: 'Events',
    auth: 'admin',
    requestBody: {
      oneOf: [
        { type: 'object', required: ['type', 'id', 'created_at', 'data'], description: 'A full event envelope' },
        {
          type: 'object',
          required: ['type', 'data'],
          description: '{ type, data }: the relay assigns id and created_at',
        },
      ],
    },
    responses: {
      202: { description: 'Stored; deliveries are queued', schema: ref('IngestAccepted') },
      409: errorResponse('Idempotency-Key reused with a different body, or its first request still running'),
      422: errorResponse('Not a valid event'),
    },
    async handle(request, relay) {
      const raw = await request.body();
      const input = await request.json();
      const key = request.req.headers['idempotency-key'];
      if (typeof key !== 'string' || key === '') return publish(raw, input, relay);
      if (key.length > 255) throw invalid('`Idempotency-Key` must be at most 255 characters.');
      const hash = createHash('sha256').update(raw).digest('hex');
      const now = relay.clock.now();
      const previous = await relay.store.claimIdempotencyKey(
        { key, requestHash: hash, createdAt: now },
        { expiredBefore: now - relay.config.idempotencyTtlMs, abandonedBefore: now - ABANDONED_AFTER_MS },
      );
      if (previous) {
        if (previous.requestHash !== hash) {
          throw new ApiError(
            409,
            'idempotency_key_reused',
            'This Idempotency-Key was used with a different request body.',
          );
        }
        if (previous.statusCode === 0) {
          throw new ApiError(
            409,
            'idempotency_key_in_flight',
            'A request with this Idempotency-Key is still running; retry shortly.',
          );
        }
        return {
          status: previous.statusCode,
          body: JSON.parse(previous.responseBody),
          headers: { 'idempotent-replayed': 'true' },
        };
      }
      let response: RouteResponse;
      try {
        response = await publish(raw, input, relay);
      } catch (error) {
        // Nothing was published: free the key so the client's retry runs instead of waiting.
        await relay.store.releaseIdempotencyKey(key).catch(() => undefined);
        throw error;
      }
      await relay.store.completeIdempotencyKey(key, response.status, JSON.stringify(response.body));
      return response;
    },
  },
  {
    method: 'GET',
    path: '/v1/events',
    operationId: 'listEvents',
    summary: 'List stored events, newest first; filter by type, resource_id, source and received time',
    tag: 'Events',
    auth: 'admin',
    query: {
      type: { type: 'string' },
      resource_id: { type: 'string' },
      source: { type: 'string' },
      since: { type: 'string', format: 'date-time' },
      until: { type: 'string', format: 'date-time' },
      limit: { type: 'integer' },
      after: { type: 'string' },
    },
    responses: { 200: { description: 'A page', schema: listOf('Event') } },
    async handle(request, relay) {
      const q = request.query;
      const page = await relay.store.listEvents({
        type: optional(q, 'type'),
        resourceId: optional(q, 'resource_id'),
        sourceName: optional(q, 'source'),
        since: timeParam(q, 'since'),
        until: timeParam(q, 'until'),
        after: optional(q, 'after'),
        limit: pageLimit(q),
      });
      return { status: 200, body: listBody(page.items.map(presentEvent), page.nextCursor) };
    },
  },
  {
    method: 'GET',
    path: '/v1/events/{id}',
    operationId: 'getEvent',
    summary: 'Get an event (by the relay id or the event id) with its deliveries',
    tag: 'Events',
    auth: 'admin',
    responses: {
      200: { description: 'The event', schema: ref('EventWithDeliveries') },
      404: errorResponse('Not found'),
    },
    async handle(request, relay) {
      const id = request.params.id ?? '';
      const event = await relay.store.getEvent(id);
      if (!event) throw notFound('event', id);
      const deliveries = await relay.store.listDeliveries({ eventRowId: event.id, limit: 1000 });
      return { status: 200, body: { ...presentEvent(event), deliveries: deliveries.items.map(presentDelivery) } };
    },
  },
];
