// The relay's durable state. Everything the dispatcher does is driven from these rows (a
// transactional outbox), so a process can die at any moment and lose nothing. Both the SQLite
// and the PostgreSQL store implement this one interface and run the same test suite.
import type { ReplayStore } from '../replay/replay-types.js';
import type { RetentionStore } from '../retention/retention-types.js';

/** Something about the database server the operator should change, as the relay logs it at start. */
export interface ServerWarning {
  code: 'autovacuum_off' | 'table_autovacuum_off';
  message: string;
}

/** `pending` (waiting or in flight), `delivered` (a 2xx), `failed` (gave up; retryable by hand). */
export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

export interface SourceRow {
  name: string;
  description: string | null;
  /** JSON array of verification keys, sealed with the master key. */
  sealedKeys: string;
  createdAt: number;
  updatedAt: number;
}

export interface DestinationRow {
  id: string;
  url: string;
  description: string | null;
  /** Exact types and `prefix.*` wildcards; empty means every event. */
  eventTypes: string[];
  enabled: boolean;
  disabledReason: string | null;
  /** Per-attempt timeout; null uses the relay default. */
  timeoutMs: number | null;
  /** Extra static headers sent with every delivery; values sealed with the master key. */
  headers: Record<string, string>;
  /** Delays in seconds after each failed attempt; null uses the relay default. */
  retrySchedule: number[] | null;
  sealedSecret: string;
  /** The secret before the last rotation; it keeps signing until `previousSecretExpiresAt`. */
  sealedPreviousSecret: string | null;
  previousSecretExpiresAt: number | null;
  createdAt: number;
  updatedAt: number;
  /** Attempts in flight at once (its lane's cap); null/absent uses the relay default. */
  maxInFlight?: number | null;
  /** Token-bucket rate limit on attempt starts; null/absent means none. */
  ratePerSecond?: number | null;
  /** `per_resource`: deliveries sharing an ordering key go one at a time, in `created_at` order. */
  ordering?: DestinationOrdering;
  /** Start of the current unbroken failure streak (auto-disable); null after any 2xx. */
  failingSince?: number | null;
}

/** How a destination's deliveries are ordered. */
export type DestinationOrdering = 'none' | 'per_resource';

export interface EventRow {
  /** The relay's own id for the stored event (`evt_…`). */
  id: string;
  /** The envelope's `id` (`whe_…`): the `webhook-id` sent to destinations. */
  eventId: string;
  sourceName: string;
  type: string;
  /** `data.id`: the resource the event is about. */
  resourceId: string | null;
  /** The envelope's `created_at`, ms since the epoch. */
  createdAt: number;
  receivedAt: number;
  /** The exact bytes that arrived (and that every destination receives). */
  body: Buffer;
}

export interface DeliveryRow {
  id: string;
  eventRowId: string;
  destinationId: string;
  status: DeliveryStatus;
  /** Scheduled attempts made so far (manual retries are not counted). */
  attemptCount: number;
  /** When the next scheduled attempt is due; null once delivered or failed. */
  nextAttemptAt: number | null;
  lastAttemptAt: number | null;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: number;
  updatedAt: number;
  deliveredAt: number | null;
  /** Per-destination, gap-free number drawn when first claimed (the `hookline-sequence` header); null until then. */
  sequence?: number | null;
  /** Set for `per_resource` destinations: `data.id`, plus `session_thread_id` when present. */
  orderingKey?: string | null;
  /** The event's `created_at` (ms), copied for the ordering query. */
  eventCreatedAt?: number | null;
}

export interface AttemptRow {
  id: string;
  deliveryId: string;
  /** 1-based number of the scheduled attempt; a manual attempt carries the count it was made at. */
  attemptNumber: number;
  manual: boolean;
  startedAt: number;
  latencyMs: number;
  statusCode: number | null;
  /** `timeout`, `connection`, `redirect`, `http_status`, … when the attempt failed. */
  errorClass: string | null;
  errorMessage: string | null;
  /** The response body, truncated to the configured limit. */
  responseBody: string | null;
  /** What the attempt decided: `delivered`, `retry`, `failed`, `disabled`. */
  outcome: string;
}

/** A delivery claimed under a lease, with everything needed to attempt it. */
export interface ClaimedDelivery {
  delivery: DeliveryRow;
  event: EventRow;
  destination: DestinationRow;
}

export interface NewEvent {
  id: string;
  eventId: string;
  sourceName: string;
  type: string;
  resourceId: string | null;
  /** `data.session_thread_id` when present: part of a per-resource ordering key. */
  threadId?: string | null;
  createdAt: number;
  receivedAt: number;
  body: Buffer;
}

export interface IngestResult {
  event: EventRow;
  /** True when this source had already sent this event id: nothing new was written. */
  duplicate: boolean;
  /** Deliveries created (0 for a duplicate). */
  deliveries: number;
}

export interface ClaimOptions {
  now: number;
  limit: number;
  /** Identifies the claiming process; only it may complete the delivery while the lease lasts. */
  owner: string;
  /** Added to each destination's timeout to form the lease. */
  leaseMarginMs: number;
  defaultTimeoutMs: number;
  /** Destinations whose lane is full; their deliveries stay for a later claim. */
  excludeDestinationIds?: readonly string[];
  /** Per-destination limits; without them only `limit` bounds the claim. */
  lanes?: ClaimLanes | undefined;
}

/**
 * What each destination's lane admits now, so a claim never takes a delivery the dispatcher
 * would have to hand back: at most `max_in_flight` (or `defaultMaxInFlight`) minus `inFlight`,
 * and at most `caps` (tokens left in a rate limit, a half-open breaker's single probe).
 */
export interface ClaimLanes {
  defaultMaxInFlight: number;
  /** Attempts this process has in flight, per destination (absent: none). */
  inFlight: ReadonlyMap<string, number>;
  /** Further caps per destination (absent: none). */
  caps?: ReadonlyMap<string, number> | undefined;
  /**
   * Claim up to `depth` × `max_in_flight` minus `inFlight` (default 1): with 2 the dispatcher
   * holds the next deliveries ready, so a freed slot starts one without waiting for a claim.
   */
  depth?: number | undefined;
}

export interface CompleteAttempt {
  owner: string;
  attempt: AttemptRow;
  /** The delivery's state after this attempt. */
  status: DeliveryStatus;
  nextAttemptAt: number | null;
  /** Scheduled attempts count towards the schedule; manual ones do not. */
  countsTowardSchedule: boolean;
  /** Set when the destination answered 410 Gone. */
  disableDestination?: { reason: string } | undefined;
  now: number;
}

export interface DestinationOutcome {
  destinationId: string;
  outcome: 'success' | 'failure';
  now: number;
  disableAfterMs: number;
}

export interface DestinationOutcomeResult {
  /** `failing_since` after this outcome. */
  failingSince: number | null;
  /** Set when this call disabled the destination. */
  disabledReason?: string;
}

export interface Page<T> {
  items: T[];
  /** Pass as `after` to get the next page; null on the last page. */
  nextCursor: string | null;
}

export interface EventFilter {
  type?: string | undefined;
  resourceId?: string | undefined;
  sourceName?: string | undefined;
  /** Received at or after (ms). */
  since?: number | undefined;
  /** Received before (ms). */
  until?: number | undefined;
  after?: string | undefined;
  limit: number;
}

export interface DeliveryFilter {
  destinationId?: string | undefined;
  status?: DeliveryStatus | undefined;
  eventRowId?: string | undefined;
  after?: string | undefined;
  limit: number;
}

export interface IdempotencyRow {
  key: string;
  requestHash: string;
  /** 0 while the request that claimed the key is still running. */
  statusCode: number;
  responseBody: string;
  createdAt: number;
}

/** One destination's queue, as the metrics gauges show it (read at scrape time). */
export interface DestinationQueueState {
  destinationId: string;
  enabled: boolean;
  /** Pending deliveries: waiting, parked or in flight. */
  pending: number;
  /** `next_attempt_at` of the oldest pending delivery that is due at `now`; null when none is. */
  oldestDueAt: number | null;
}

/** Durable state of the relay. Implementations: SQLite (embedded) and PostgreSQL (shared). */
export interface Store extends ReplayStore, RetentionStore {
  readonly kind: 'sqlite' | 'postgres';
  /** Creates or upgrades the schema; safe to call from several processes at once. */
  migrate(): Promise<void>;
  /** Throws when the database cannot be reached. */
  ping(): Promise<void>;
  close(): Promise<void>;
  /** Frees every lease; only for a store that one process owns (embedded SQLite) at start-up. */
  releaseAllLeases(): Promise<number>;
  /** Server settings that will hurt the relay in service (PostgreSQL's autovacuum off); logged at start. */
  serverWarnings(): Promise<ServerWarning[]>;

  insertSource(row: SourceRow): Promise<boolean>;
  getSource(name: string): Promise<SourceRow | null>;
  listSources(): Promise<SourceRow[]>;
  updateSource(
    name: string,
    patch: Partial<Pick<SourceRow, 'description' | 'sealedKeys'>>,
    now: number,
  ): Promise<SourceRow | null>;
  deleteSource(name: string): Promise<boolean>;

  insertDestination(row: DestinationRow): Promise<void>;
  getDestination(id: string): Promise<DestinationRow | null>;
  listDestinations(options: { after?: string | undefined; limit: number }): Promise<Page<DestinationRow>>;
  updateDestination(
    id: string,
    patch: Partial<Omit<DestinationRow, 'id' | 'createdAt' | 'updatedAt'>>,
    now: number,
  ): Promise<DestinationRow | null>;
  deleteDestination(id: string): Promise<boolean>;

  /** Stores the event and one delivery per matching enabled destination, in one transaction. */
  ingest(event: NewEvent): Promise<IngestResult>;

  /** Leases due deliveries of enabled destinations, oldest due first. */
  claimDue(options: ClaimOptions): Promise<ClaimedDelivery[]>;
  /** Leases one delivery for a manual retry, whatever its status; null if missing or leased by another worker. */
  claimOne(
    id: string,
    options: Omit<ClaimOptions, 'limit' | 'excludeDestinationIds' | 'lanes'>,
  ): Promise<ClaimedDelivery | null>;
  /** Records an attempt and the delivery's new state; false if the lease was lost (nothing written). */
  completeAttempt(input: CompleteAttempt): Promise<boolean>;
  /** Frees leases held by `owner` (shutdown), leaving the deliveries due as they were. */
  releaseLeases(owner: string, deliveryIds: readonly string[]): Promise<void>;
  /**
   * Records a destination's attempt outcome for auto-disable: a success clears `failing_since`,
   * a failure starts it if unset; when the streak has lasted `disableAfterMs`, disables the
   * destination. Returns what changed (`disabledReason` only for the call that disabled it).
   */
  noteDestinationOutcome(input: DestinationOutcome): Promise<DestinationOutcomeResult>;

  getEvent(idOrEventId: string): Promise<EventRow | null>;
  listEvents(filter: EventFilter): Promise<Page<EventRow>>;
  getDelivery(id: string): Promise<DeliveryRow | null>;
  listDeliveries(filter: DeliveryFilter): Promise<Page<DeliveryRow>>;
  listAttempts(deliveryId: string): Promise<AttemptRow[]>;

  /**
   * Claims an idempotency key for a request (a placeholder with status 0) and returns null, or
   * returns the live row another request holds. A row created before `expiredBefore`, or a
   * placeholder older than `abandonedBefore` (its request died), is taken over.
   */
  claimIdempotencyKey(
    claim: { key: string; requestHash: string; createdAt: number },
    limits: { expiredBefore: number; abandonedBefore: number },
  ): Promise<IdempotencyRow | null>;
  /** Stores the response of the request that claimed the key. */
  completeIdempotencyKey(key: string, statusCode: number, responseBody: string): Promise<void>;
  /** Drops a claim whose request failed, so a retry can run. */
  releaseIdempotencyKey(key: string): Promise<void>;

  /** Counts (for tests, readiness and part 2's metrics). */
  countEvents(): Promise<number>;
  /** Every destination with its pending count and oldest due delivery at `now` (for /metrics). */
  destinationQueueStates(now: number): Promise<DestinationQueueState[]>;
}
