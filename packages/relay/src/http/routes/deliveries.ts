import { presentAttempt, presentDelivery } from '../../api/present.js';
import type { DeliveryStatus } from '../../store/types.js';
import { ApiError, invalid, notFound } from '../api-error.js';
import { listBody, optional, pageLimit } from '../query.js';
import type { Route } from '../route.js';
import { errorResponse, listOf, ref } from '../schemas.js';

const STATUSES: readonly DeliveryStatus[] = ['pending', 'delivered', 'failed'];

export const deliveryRoutes: Route[] = [
  {
    method: 'GET',
    path: '/v1/deliveries',
    operationId: 'listDeliveries',
    summary: 'List deliveries, newest first; filter by destination, status and event',
    tag: 'Deliveries',
    auth: 'admin',
    query: {
      destination_id: { type: 'string' },
      status: { enum: STATUSES },
      event_id: { type: 'string' },
      limit: { type: 'integer' },
      after: { type: 'string' },
    },
    responses: { 200: { description: 'A page', schema: listOf('Delivery') } },
    async handle(request, relay) {
      const q = request.query;
      const status = optional(q, 'status');
      if (status !== undefined && !STATUSES.includes(status as DeliveryStatus)) {
        throw invalid(`\`status\` must be one of ${STATUSES.join(', ')}.`);
      }
      let eventRowId = optional(q, 'event_id');
      if (eventRowId) eventRowId = (await relay.store.getEvent(eventRowId))?.id ?? eventRowId;
      const page = await relay.store.listDeliveries({
        destinationId: optional(q, 'destination_id'),
        status: status as DeliveryStatus | undefined,
        eventRowId,
        after: optional(q, 'after'),
        limit: pageLimit(q),
      });
      return { status: 200, body: listBody(page.items.map(presentDelivery), page.nextCursor) };
    },
  },
  {
    method: 'GET',
    path: '/v1/deliveries/{id}',
    operationId: 'getDelivery',
    summary: 'Get a delivery',
    tag: 'Deliveries',
    auth: 'admin',
    responses: { 200: { description: 'The delivery', schema: ref('Delivery') }, 404: errorResponse('Not found') },
    async handle(request, relay) {
      const id = request.params.id ?? '';
      const row = await relay.store.getDelivery(id);
      if (!row) throw notFound('delivery', id);
      return { status: 200, body: presentDelivery(row) };
    },
  },
  {
    method: 'GET',
    path: '/v1/deliveries/{id}/attempts',
    operationId: 'listAttempts',
    summary: "List a delivery's attempts, oldest first",
    tag: 'Deliveries',
    auth: 'admin',
    responses: {
      200: {
        description: 'Attempts',
        schema: { type: 'object', required: ['data'], properties: { data: { type: 'array', items: ref('Attempt') } } },
      },
      404: errorResponse('Not found'),
    },
    async handle(request, relay) {
      const id = request.params.id ?? '';
      if (!(await relay.store.getDelivery(id))) throw notFound('delivery', id);
      return { status: 200, body: { data: (await relay.store.listAttempts(id)).map(presentAttempt) } };
    },
  },
  {
    method: 'POST',
    path: '/v1/deliveries/{id}/retry',
    operationId: 'retryDelivery',
    summary: 'Make one manual attempt now; it does not restart or shorten the retry schedule',
    tag: 'Deliveries',
    auth: 'admin',
    responses: {
      200: {
        description: 'The attempt and the delivery after it',
        schema: {
          type: 'object',
          required: ['delivery', 'attempt'],
          properties: { delivery: ref('Delivery'), attempt: ref('Attempt') },
        },
      },
      404: errorResponse('Not found'),
      409: errorResponse('An attempt is in flight'),
      503: errorResponse('The result could not be stored'),
    },
    async handle(request, relay) {
      const id = request.params.id ?? '';
      const result = await relay.dispatcher.retryNow(id);
      if (result === 'not_found') throw notFound('delivery', id);
      if (result === 'unrecorded') {
        throw new ApiError(503, 'store_unavailable', 'The attempt was made but its result could not be stored.');
      }
      if (result === 'busy')
        throw new ApiError(
          409,
          'attempt_in_flight',
          'An attempt for this delivery is in flight; try again when it ends.',
        );
      const delivery = await relay.store.getDelivery(id);
      return {
        status: 200,
        body: { delivery: delivery && presentDelivery(delivery), attempt: presentAttempt(result.attempt) },
      };
    },
  },
];
