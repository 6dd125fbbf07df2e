import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { RelayMetrics } from '../metrics.js';
import type { OperationalEventData } from '../operational/emit-operational-event.js';
import { OPERATIONAL_SOURCE, type OperationalEventType } from '../operational/operational-source.js';
import type { ClaimedDelivery, CompleteAttempt, Store } from '../store/types.js';

export interface FollowUpOptions {
  store: Store;
  clock: Clock;
  logger: Logger;
  metrics?: RelayMetrics | undefined;
  /** Failing without a 2xx for this long disables a destination. */
  autoDisableAfterMs: number;
  /** Stores an operational event; never rejects (errors are logged by the caller's emitter). */
  emit: (type: OperationalEventType, data: OperationalEventData) => void;
}

/**
 * What follows a recorded attempt: metrics, the auto-disable streak (`failing_since`) and the
 * operational events `destination.disabled` and `delivery.exhausted`. Kept out of the claim
 * loop so the loop reads as claim → lane → attempt.
 */
export class AttemptFollowUp {
  readonly #o: FollowUpOptions;
  /**
   * The last `failing_since` this process saw per destination. Lets a 2xx skip the database
   * write when no streak is running (the common case); a failure always writes.
   */
  readonly #failingSince = new Map<string, number | null>();
  /**
   * When this process last reported a 410 disable, per destination: the other attempts that were
   * in flight to it at the time also get 410 and must not report it again. A destination
   * re-enabled since then has a newer `updatedAt` on its next claim, and is reported again.
   */
  readonly #goneReportedAt = new Map<string, number>();

  constructor(options: FollowUpOptions) {
    this.#o = options;
  }

  async afterAttempt(item: ClaimedDelivery, result: CompleteAttempt): Promise<void> {
    const { attempt } = result;
    const destination = item.destination;
    const success = attempt.outcome === 'delivered';
    const outcome = attempt.errorClass === 'address_refused' ? 'refused' : attempt.outcome;
    this.#o.metrics?.deliveries.inc({ destination: destination.id, outcome });
    this.#o.metrics?.attemptLatency.observe({ destination: destination.id }, attempt.latencyMs / 1000);

    const reported = this.#goneReportedAt.get(destination.id);
    if (result.disableDestination && (reported === undefined || destination.updatedAt > reported)) {
      this.#goneReportedAt.set(destination.id, result.now);
      this.#o.emit('destination.disabled', {
        id: destination.id,
        url: destination.url,
        reason: result.disableDestination.reason,
      });
    }
    if (!attempt.manual && result.status === 'failed' && attempt.outcome === 'failed') {
      // Never about the relay's own events: an operator destination that is down must not
      // produce an event about each of its failed deliveries, which would fail in turn.
      if (item.event.sourceName !== OPERATIONAL_SOURCE) {
        this.#o.emit('delivery.exhausted', {
          id: attempt.deliveryId,
          destination_id: destination.id,
          event_id: item.event.eventId,
          event_type: item.event.type,
          attempts: attempt.attemptNumber,
          last_status_code: attempt.statusCode,
          last_error: attempt.errorMessage,
        });
      }
    }
    await this.#streak(item, success);
  }

  async #streak(item: ClaimedDelivery, success: boolean): Promise<void> {
    const id = item.destination.id;
    const known = this.#failingSince.has(id) ? this.#failingSince.get(id) : (item.destination.failingSince ?? null);
    if (success && known === null) return;
    try {
      const noted = await this.#o.store.noteDestinationOutcome({
        destinationId: id,
        outcome: success ? 'success' : 'failure',
        now: this.#o.clock.now(),
        disableAfterMs: this.#o.autoDisableAfterMs,
      });
      this.#failingSince.set(id, noted.failingSince);
      if (noted.disabledReason) {
        this.#o.logger.warn({ destination_id: id, reason: noted.disabledReason }, 'destination auto-disabled');
        this.#o.emit('destination.disabled', {
          id,
          url: item.destination.url,
          reason: noted.disabledReason,
          failing_since: noted.failingSince === null ? null : new Date(noted.failingSince).toISOString(),
        });
      }
    } catch (error) {
      // The streak is bookkeeping: the next attempt writes it again.
      this.#o.logger.error({ err: error, destination_id: id }, 'recording the failure streak failed');
    }
  }
}
