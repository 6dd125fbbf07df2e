import { sign } from '@hookline/webhooks';
import type { Clock } from '../clock.js';
import type { SecretBox } from '../crypto/secret-box.js';
import { newId } from '../ids.js';
import type { AttemptRow, ClaimedDelivery, CompleteAttempt, DeliveryStatus, DestinationRow } from '../store/types.js';
import { type AttemptResult, classifyAttempt } from './classify-outcome.js';
import type { Sender } from './http-sender.js';
import { nextRetryDelayMs, parseRetryAfter } from './retry-schedule.js';

export interface AttemptContext {
  clock: Clock;
  secretBox: SecretBox;
  send: Sender;
  defaultTimeoutMs: number;
  userAgent: string;
  random?: () => number;
}

/** The header that carries a delivery's per-destination sequence number. */
export const SEQUENCE_HEADER = 'hookline-sequence';

export const GONE_REASON = 'auto-disabled: destination answered 410 Gone';

/** Opened secrets per box, by sealed text; bounded, since rotations and header edits add entries. */
const openedSecrets = new WeakMap<SecretBox, Map<string, string>>();
const OPENED_SECRETS_LIMIT = 1_000;

/**
 * `secretBox.open`, remembered: an AES-GCM open per attempt was about 5 % of the relay's CPU under
 * load. The sealed text has a random IV, so a rotated secret or edited header is a new key, and
 * a wrong master key (another box) never sees this box's entries.
 */
function openSealed(secretBox: SecretBox, sealed: string): string {
  let opened = openedSecrets.get(secretBox);
  if (!opened) {
    opened = new Map();
    openedSecrets.set(secretBox, opened);
  }
  let plain = opened.get(sealed);
  if (plain === undefined) {
    plain = secretBox.open(sealed);
    if (opened.size >= OPENED_SECRETS_LIMIT) opened.clear();
    opened.set(sealed, plain);
  }
  return plain;
}

/** The keys a delivery is signed with: the current secret, plus the previous one during its grace period. */
export function signingKeys(destination: DestinationRow, secretBox: SecretBox, now: number): string[] {
  const keys = [openSealed(secretBox, destination.sealedSecret)];
  if (
    destination.sealedPreviousSecret &&
    destination.previousSecretExpiresAt !== null &&
    now < destination.previousSecretExpiresAt
  ) {
    keys.push(openSealed(secretBox, destination.sealedPreviousSecret));
  }
  return keys;
}

async function perform(claimed: ClaimedDelivery, context: AttemptContext, now: number): Promise<AttemptResult> {
  const { destination, event } = claimed;
  let keys: string[];
  let headers: Record<string, string>;
  try {
    keys = signingKeys(destination, context.secretBox, now);
    headers = Object.fromEntries(
      Object.entries(destination.headers).map(([n, v]) => [n, openSealed(context.secretBox, v)]),
    );
  } catch (error) {
    // A master key mismatch is an operator problem; record it rather than crash the loop.
    const message = error instanceof Error ? error.message : 'secret unavailable';
    return {
      statusCode: null,
      errorClass: 'secret',
      errorMessage: message,
      responseBody: null,
      retryAfter: undefined,
      latencyMs: 0,
    };
  }
  // Signed over the exact stored bytes; webhook-timestamp is this attempt's time (as the platform does).
  const signature = sign({ id: event.eventId, timestamp: new Date(now), body: event.body, key: keys });
  return context.send({
    url: destination.url,
    headers: {
      ...headers,
      'content-type': 'application/json',
      'user-agent': context.userAgent,
      // Per destination, gap-free and increasing in creation order: receivers can spot a loss
      // (or reordering) without trusting the relay's ordering. Rows older than it carry none.
      ...(claimed.delivery.sequence != null ? { [SEQUENCE_HEADER]: String(claimed.delivery.sequence) } : {}),
      ...signature,
    },
    body: event.body,
    timeoutMs: destination.timeoutMs ?? context.defaultTimeoutMs,
  });
}

/**
 * Makes one attempt and decides the delivery's next state. A scheduled attempt advances the
 * schedule; a manual one (`POST /v1/deliveries/:id/retry`) only records itself and, on a 2xx,
 * marks the delivery delivered — it never restarts or shortens the schedule.
 */
export async function attemptDelivery(
  claimed: ClaimedDelivery,
  context: AttemptContext,
  options: { owner: string; manual: boolean },
): Promise<CompleteAttempt> {
  const { delivery } = claimed;
  const startedAt = context.clock.now();
  const result = await perform(claimed, context, startedAt);
  const finishedAt = context.clock.now();
  const decision = classifyAttempt(result);
  const attemptsMade = delivery.attemptCount + (options.manual ? 0 : 1);

  let status: DeliveryStatus;
  let nextAttemptAt: number | null;
  let outcome: string;
  let disable: { reason: string } | undefined;
  if (decision.kind === 'delivered') {
    status = 'delivered';
    nextAttemptAt = null;
    outcome = 'delivered';
  } else if (options.manual) {
    status = delivery.status;
    nextAttemptAt = delivery.nextAttemptAt;
    outcome = decision.kind === 'gone' ? 'disabled' : 'failed';
    if (decision.kind === 'gone') disable = { reason: GONE_REASON };
  } else if (decision.kind === 'gone') {
    status = 'failed';
    nextAttemptAt = null;
    outcome = 'disabled';
    disable = { reason: GONE_REASON };
  } else {
    const delay = nextRetryDelayMs({
      attemptsMade,
      schedule: claimed.destination.retrySchedule,
      throttled: decision.throttled,
      retryAfterMs: parseRetryAfter(result.retryAfter, finishedAt),
      ...(context.random ? { random: context.random } : {}),
    });
    status = delay === null ? 'failed' : 'pending';
    nextAttemptAt = delay === null ? null : finishedAt + delay;
    outcome = delay === null ? 'failed' : 'retry';
  }

  const attempt: AttemptRow = {
    id: newId('att', startedAt),
    deliveryId: delivery.id,
    attemptNumber: options.manual ? delivery.attemptCount : attemptsMade,
    manual: options.manual,
    startedAt,
    latencyMs: result.latencyMs,
    statusCode: result.statusCode,
    errorClass: decision.kind === 'delivered' ? null : decision.errorClass,
    errorMessage: decision.kind === 'delivered' ? null : decision.message,
    responseBody: result.responseBody,
    outcome,
  };
  return {
    owner: options.owner,
    attempt,
    status,
    nextAttemptAt,
    countsTowardSchedule: !options.manual,
    disableDestination: disable,
    now: finishedAt,
  };
}
