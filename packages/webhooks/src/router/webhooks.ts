import { type DedupeStore, isSyncDedupeStore, type SyncDedupeStore } from '../dedupe/dedupe-store.js';
import { MemoryDedupeStore } from '../dedupe/memory-dedupe-store.js';
import { runOnce } from '../dedupe/run-once.js';
import { WebhookPayloadError, WebhookVerificationError } from '../errors.js';
import type { EventType, WebhookEvent } from '../events/types.js';
import { type UnknownEventsPolicy, validateEvent } from '../events/validate.js';
import type { WebhookBody } from '../signature/body.js';
import type { HeadersInput } from '../signature/headers.js';
import { type KeyInput, resolveKeys } from '../signature/keys.js';
import { unwrap } from '../unwrap.js';
import { dispatch, dispatchNow } from './dispatch.js';
import { type EventPattern, expandPatterns } from './event-pattern.js';
import type { AnyEventHandler, ErrorContext, ErrorHandler, Handler, Logger, ReceiveResult } from './handler-types.js';
import { createLogger } from './logger.js';
import { receiveNow } from './receive-now.js';

/** Options of {@link Webhooks}. */
export interface WebhooksOptions {
  /** One key or several (rotation); default `ANTHROPIC_WEBHOOK_SIGNING_KEY`, read when a delivery arrives. */
  key?: KeyInput;
  /** Idempotency by event id: a store, or `false` to run handlers for every delivery. Default: in-memory. */
  dedupe?: DedupeStore | false;
  /** Accepted clock skew in seconds, both directions (default 300); `false` turns the check off. */
  tolerance?: number | false;
  /** `'accept'` (default) routes unknown types to `onUnhandled`/`onAny`; `'reject'` fails them with 400. */
  unknownEvents?: UnknownEventsPolicy;
  /** Where failures nobody handles are written (default: `console.warn`/`console.error`). */
  log?: Partial<Logger>;
}

/** A delivery as it arrived: the raw body and the request headers. */
export interface Delivery {
  body: WebhookBody;
  headers: HeadersInput;
}

/**
 * The typed router: verifies deliveries, deduplicates them by event id and runs the handlers
 * registered for their type. Framework adapters (`@hookline/webhooks/node`, `/fetch`, `/fastify`)
 * turn it into an HTTP endpoint.
 */
export class Webhooks {
  /** The idempotency store in use, or `undefined` when deduplication is off. */
  readonly dedupe: DedupeStore | undefined;
  /** The logger in use. */
  readonly log: Logger;
  readonly #key: KeyInput | undefined;
  readonly #tolerance: number | false | undefined;
  readonly #unknownEvents: UnknownEventsPolicy;
  readonly #handlers = new Map<EventType, AnyEventHandler[]>();
  readonly #any: AnyEventHandler[] = [];
  readonly #unhandled: AnyEventHandler[] = [];
  readonly #errorHandlers: ErrorHandler[] = [];
  /** The dedupe store when it can answer synchronously (the in-memory default). */
  readonly #syncDedupe: SyncDedupeStore | undefined;

  constructor(options: WebhooksOptions = {}) {
    // A malformed key fails at start-up rather than on the first delivery.
    if (options.key !== undefined) resolveKeys(options.key, false);
    this.#key = options.key;
    this.#tolerance = options.tolerance;
    this.#unknownEvents = options.unknownEvents ?? 'accept';
    this.dedupe = options.dedupe === false ? undefined : (options.dedupe ?? new MemoryDedupeStore());
    this.log = createLogger(options.log);
    this.#syncDedupe = this.dedupe && isSyncDedupeStore(this.dedupe) ? this.dedupe : undefined;
  }

  /** Runs `handler` for events of a type, several types, or a resource's known types (`'session.*'`). */
  on<P extends EventPattern>(patterns: P | readonly P[], handler: Handler<P>): void {
    for (const type of expandPatterns(patterns)) {
      const list = this.#handlers.get(type) ?? [];
      list.push(handler as AnyEventHandler);
      this.#handlers.set(type, list);
    }
  }

  /** Runs `handler` for every event, known or not, alongside the type's handlers. */
  onAny(handler: AnyEventHandler): void {
    this.#any.push(handler);
  }

  /**
   * Runs `handler` for events no `on()` handler took: types without a handler and types the
   * catalogue does not know yet (check with `isKnownEvent`). `onAny` handlers don't count.
   */
  onUnhandled(handler: AnyEventHandler): void {
    this.#unhandled.push(handler);
  }

  /** Sees every failure: verification, payload, configuration, handler (`WebhookHandlerError`) and store errors. */
  onError(handler: ErrorHandler): void {
    this.#errorHandlers.push(handler);
  }

  /** Removes a handler from the given types, or from everywhere it was registered when no types are given. */
  removeListener(handler: AnyEventHandler | ErrorHandler | Handler<EventType>): void;
  removeListener<P extends EventPattern>(patterns: P | readonly P[], handler: Handler<P>): void;
  removeListener(first: unknown, second?: unknown): void {
    const handler = (second ?? first) as AnyEventHandler;
    const types = second === undefined ? [...this.#handlers.keys()] : expandPatterns(first as EventPattern);
    for (const type of types) remove(this.#handlers.get(type), handler);
    if (second === undefined) {
      remove(this.#any, handler);
      remove(this.#unhandled, handler);
      remove(this.#errorHandlers, handler as unknown as ErrorHandler);
    }
  }

  /** Verifies and parses a delivery without dispatching it (e.g. before handing it to a queue). */
  async verify(delivery: Delivery): Promise<WebhookEvent> {
    try {
      return this.#unwrap(delivery);
    } catch (error) {
      return this.#fail(error, undefined);
    }
  }

  /** Verifies, parses, deduplicates and dispatches a delivery. Throws what `onError` sees. */
  async verifyAndReceive(delivery: Delivery): Promise<ReceiveResult> {
    return this[receiveNow](delivery);
  }

  /**
   * {@link verifyAndReceive} for the adapters: the same steps and results, but with a store that
   * answers synchronously and synchronous handlers it returns without a promise hop.
   */
  [receiveNow](delivery: Delivery): ReceiveResult | Promise<ReceiveResult> {
    let event: WebhookEvent;
    try {
      event = this.#unwrap(delivery);
    } catch (error) {
      return this.#fail(error, undefined);
    }
    return this.#receiveNow(event);
  }

  /** Deduplicates and dispatches, without a promise when nothing has to wait. */
  #receiveNow(event: WebhookEvent): ReceiveResult | Promise<ReceiveResult> {
    const store = this.#syncDedupe;
    if (!store) return this.#receive(event);
    const handlers = this.#handlersFor(event);
    let claim: ReturnType<SyncDedupeStore['claimSync']>;
    try {
      claim = store.claimSync(event.id);
    } catch (error) {
      return this.#fail(error, event);
    }
    if (claim.status !== 'claimed') return this.#skipped(claim, event);
    const { token } = claim;
    let running: Promise<void> | undefined;
    try {
      running = dispatchNow(event, handlers);
    } catch (error) {
      store.releaseSync(event.id, token);
      return this.#fail(error, event);
    }
    if (running === undefined) return this.#completeNow(store, event, token);
    return running.then(
      () => this.#completeNow(store, event, token),
      (error: unknown) => {
        store.releaseSync(event.id, token);
        return this.#fail(error, event);
      },
    );
  }

  /**
   * Records a processed event. If the store fails here the event still counts as processed (the
   * handlers ran; see runOnce), and onError is told.
   */
  #completeNow(store: SyncDedupeStore, event: WebhookEvent, token: string): ReceiveResult | Promise<ReceiveResult> {
    try {
      store.completeSync(event.id, token);
    } catch (error) {
      return this.#report(unrecordedError(event, error), { event }).then(() => ({ status: 'processed', event }));
    }
    return { status: 'processed', event };
  }

  /** The result for a delivery whose claim found the event completed or in progress. */
  #skipped(
    claim: { status: 'completed' } | { status: 'in_progress'; retryAfterMs: number | undefined },
    event: WebhookEvent,
  ): ReceiveResult {
    const result: ReceiveResult =
      claim.status === 'completed'
        ? { status: 'duplicate', event }
        : { status: 'in_progress', event, retryAfterMs: claim.retryAfterMs };
    this.log.debug(`webhook ${event.id}: ${result.status}, handlers skipped`);
    return result;
  }

  /** Reports a failure to `onError` (or the log), then rejects with it. */
  async #fail(error: unknown, event: WebhookEvent | undefined): Promise<never> {
    await this.#report(error, { event });
    throw error;
  }

  #unwrap(delivery: Delivery): WebhookEvent {
    return unwrap(delivery.body, {
      headers: delivery.headers,
      key: this.#key,
      tolerance: this.#tolerance,
      unknownEvents: this.#unknownEvents,
    });
  }

  /** Deduplicates and dispatches an event verified elsewhere (e.g. pulled from your queue). */
  async receive(event: WebhookEvent): Promise<ReceiveResult> {
    try {
      validateEvent(event, { unknownEvents: this.#unknownEvents });
    } catch (error) {
      return this.#fail(error, undefined);
    }
    return this.#receiveNow(event);
  }

  /** The path for a store that must be awaited (or no store at all). */
  async #receive(event: WebhookEvent): Promise<ReceiveResult> {
    const handlers = this.#handlersFor(event);
    try {
      if (!this.dedupe) {
        await dispatch(event, handlers);
        return { status: 'processed', event };
      }
      const outcome = await runOnce(this.dedupe, event.id, () => dispatch(event, handlers));
      if (outcome.status !== 'processed') {
        this.log.debug(`webhook ${event.id}: ${outcome.status}, handlers skipped`);
        return { ...outcome, event };
      }
      if (outcome.unrecorded !== undefined) await this.#report(unrecordedError(event, outcome.unrecorded), { event });
      return { status: 'processed', event };
    } catch (error) {
      return this.#fail(error, event);
    }
  }

  #handlersFor(event: WebhookEvent): AnyEventHandler[] {
    const typed = this.#handlers.get(event.data.type as EventType);
    const chosen = typed && typed.length > 0 ? typed : this.#unhandled;
    return this.#any.length === 0 ? chosen : [...chosen, ...this.#any];
  }

  async #report(error: unknown, context: ErrorContext): Promise<void> {
    if (this.#errorHandlers.length === 0) {
      // Bad deliveries are routine on a public endpoint; a failing handler or config is a bug.
      const routine = error instanceof WebhookVerificationError || error instanceof WebhookPayloadError;
      if (routine) this.log.warn(`webhook delivery failed: ${describe(error)}`);
      else this.log.error(`webhook delivery failed: ${describe(error)}`);
      return;
    }
    const normalized = error instanceof Error ? error : new Error(String(error));
    const results = await Promise.allSettled(this.#errorHandlers.map(async (handler) => handler(normalized, context)));
    for (const result of results) {
      if (result.status === 'rejected') this.log.error(`webhooks onError handler threw: ${describe(result.reason)}`);
    }
  }
}

/** What `onError` sees when the handlers succeeded but the store could not record it. */
function unrecordedError(event: WebhookEvent, cause: unknown): Error {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new Error(
    `webhook ${event.id}: the handlers ran, but the dedupe store could not record the event as processed ` +
      `(${reason}). The delivery was acknowledged; its claim stays until the lease expires, and a redelivery ` +
      'after that would run the handlers again.',
    { cause },
  );
}

function remove<T>(list: T[] | undefined, item: T): void {
  if (!list) return;
  const index = list.indexOf(item);
  if (index >= 0) list.splice(index, 1);
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? `${error.name} [${code}]: ${error.message}` : `${error.name}: ${error.message}`;
}
