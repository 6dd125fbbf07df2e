import {
  parseUnverified,
  verify,
  WebhookConfigError,
  WebhookPayloadError,
  WebhookVerificationError,
} from '@hookline/webhooks';
import { acceptEvent, acceptedBody } from '../../api/accept-event.js';
import { resolveCachedSource } from '../../api/source-cache.js';
import { SecretBoxError } from '../../crypto/secret-box.js';
import { loggableId } from '../../observability/log-fields.js';
import { ApiError } from '../api-error.js';
import type { Route } from '../route.js';
import { errorResponse, ref } from '../schemas.js';

/**
 * `POST /ingest/{source}`: the platform's endpoint. Verify the exact bytes with the source's
 * keys, validate, commit, and only then answer 200. Every failure is a 4xx/5xx with a specific
 * code — never a 3xx, which the platform punishes by disabling the endpoint.
 */
export const ingestRoute: Route = {
  method: 'POST',
  path: '/ingest/{source}',
  operationId: 'ingestEvent',
  summary: 'Receive a signed delivery from the platform (Standard Webhooks)',
  tag: 'Ingress',
  auth: 'none',
  requestBody: { type: 'object', description: 'A Claude Managed Agents webhook event, signed.' },
  responses: {
    200: { description: 'Stored (or already stored: `duplicate`)', schema: ref('IngestAccepted') },
    400: errorResponse('Verification or payload failed; nothing stored'),
    404: errorResponse('Unknown source'),
    413: errorResponse('Body over the limit'),
    503: errorResponse('The database is unavailable; nothing stored, retry'),
  },
  async handle(request, relay) {
    const name = request.params.source ?? '';
    const count = (result: string) => relay.metrics.ingress.inc({ source: name, result });
    let source: Awaited<ReturnType<typeof resolveCachedSource>>;
    try {
      source = await resolveCachedSource(relay, name);
    } catch (error) {
      if (error instanceof SecretBoxError) {
        // The master key does not match the one the keys were sealed with: an operator problem.
        count('source_misconfigured');
        relay.logger.error({ source: name }, error.message);
        throw new ApiError(
          500,
          'source_misconfigured',
          `The keys of source "${name}" cannot be decrypted; check HOOKLINE_MASTER_KEY.`,
        );
      }
      count('store_unavailable');
      relay.logger.error({ err: error, source: name }, 'looking up a source failed');
      throw new ApiError(
        503,
        'store_unavailable',
        'The source could not be looked up; nothing was accepted. Retry later.',
      );
    }
    if (!source) {
      count('unknown_source');
      throw new ApiError(404, 'unknown_source', `No source named "${name}". Create it with POST /v1/sources.`);
    }
    let body: Buffer;
    try {
      body = await request.body();
    } catch (error) {
      if (error instanceof ApiError) count(error.code);
      throw error;
    }
    try {
      verify({
        body,
        headers: request.req.headers,
        key: source.keys,
        tolerance: relay.config.toleranceSeconds,
        now: relay.clock.now(),
      });
      const event = parseUnverified(body);
      const result = await acceptEvent(relay, { sourceName: name, event, body });
      count(result.duplicate ? 'duplicate' : 'accepted');
      relay.logger.debug(
        {
          source: name,
          event_id: result.event.eventId,
          event_row_id: result.event.id,
          duplicate: result.duplicate,
          deliveries: result.deliveries,
        },
        'event accepted',
      );
      return { status: 200, body: acceptedBody(result) };
    } catch (error) {
      if (error instanceof WebhookVerificationError || error instanceof WebhookPayloadError) {
        count(error.code);
        // The claimed webhook-id is unverified, but it is what the sender will look for.
        relay.logger.warn(
          { source: name, event_id: loggableId(request.req.headers['webhook-id']), code: error.code },
          'ingress refused a delivery',
        );
        throw new ApiError(400, error.code, error.message);
      }
      if (error instanceof WebhookConfigError) {
        // A stored key that no longer parses is the operator's problem, not the sender's.
        count('source_misconfigured');
        throw new ApiError(500, 'source_misconfigured', `The source "${name}" has an unusable key; update its keys.`);
      }
      if (error instanceof ApiError) count(error.code);
      throw error;
    }
  },
};
