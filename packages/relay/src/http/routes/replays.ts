import { presentReplay } from '../../replay/present-replay.js';
import { parseReplayInput } from '../../replay/replay-input.js';
import { ApiError, invalid, notFound } from '../api-error.js';
import { listBody, optional, pageLimit } from '../query.js';
import type { Route } from '../route.js';
import { errorResponse, listOf, ref } from '../schemas.js';

/** Replay jobs: durable, resumable re-delivery of a time range (docs/relay.md#replay). */
export const replayRoutes: Route[] = [
  {
    method: 'POST',
    path: '/v1/replays',
    operationId: 'createReplay',
    summary: 'Start a replay job: re-deliver failed deliveries, all events, or the events a destination missed',
    tag: 'Replays',
    auth: 'admin',
    requestBody: ref('ReplayInput'),
    responses: {
      202: { description: 'The job, queued; a worker runs it', schema: ref('Replay') },
      422: errorResponse('Invalid request'),
    },
    async handle(request, relay) {
      const job = parseReplayInput(await request.json(), relay.clock.now(), relay.config.retentionMs);
      if (job.destinationId && !(await relay.store.getDestination(job.destinationId))) {
        throw invalid(`No destination with id "${job.destinationId}".`);
      }
      const row = await relay.store.insertReplayJob(job);
      relay.replays?.wake();
      return { status: 202, body: presentReplay(row) };
    },
  },
  {
    method: 'GET',
    path: '/v1/replays',
    operationId: 'listReplays',
    summary: 'List replay jobs, newest first',
    tag: 'Replays',
    auth: 'admin',
    query: { limit: { type: 'integer' }, after: { type: 'string' } },
    responses: { 200: { description: 'A page', schema: listOf('Replay') } },
    async handle(request, relay) {
      const page = await relay.store.listReplayJobs({
        after: optional(request.query, 'after'),
        limit: pageLimit(request.query),
      });
      return { status: 200, body: listBody(page.items.map(presentReplay), page.nextCursor) };
    },
  },
  {
    method: 'GET',
    path: '/v1/replays/{id}',
    operationId: 'getReplay',
    summary: 'Get a replay job and its progress',
    tag: 'Replays',
    auth: 'admin',
    responses: { 200: { description: 'The job', schema: ref('Replay') }, 404: errorResponse('Not found') },
    async handle(request, relay) {
      const id = request.params.id ?? '';
      const job = await relay.store.getReplayJob(id);
      if (!job) throw notFound('replay', id);
      return { status: 200, body: presentReplay(job) };
    },
  },
  {
    method: 'POST',
    path: '/v1/replays/{id}/cancel',
    operationId: 'cancelReplay',
    summary: 'Cancel a queued or running replay job (what it enqueued so far stays enqueued)',
    tag: 'Replays',
    auth: 'admin',
    responses: {
      200: { description: 'The cancelled job', schema: ref('Replay') },
      404: errorResponse('Not found'),
      409: errorResponse('The job already finished'),
    },
    async handle(request, relay) {
      const id = request.params.id ?? '';
      const job = await relay.store.cancelReplayJob(id, relay.clock.now());
      if (!job) throw notFound('replay', id);
      if (job.status !== 'cancelled') {
        throw new ApiError(409, 'replay_finished', `The replay already ended with status "${job.status}".`);
      }
      return { status: 200, body: presentReplay(job) };
    },
  },
];
