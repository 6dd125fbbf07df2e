import type { NewReplayJob, ReplayBatchOptions, ReplayJobRow } from '../replay/replay-types.js';
import type { PruneCounts, PruneOptions, PrunePreview } from '../retention/retention-types.js';
import { BatchCommit } from './group-commit.js';
import { IngestBatcher } from './ingest-batcher.js';
import * as destinations from './sql/destinations-queries.js';
import * as idempotency from './sql/idempotency-queries.js';
import * as log from './sql/log-queries.js';
import * as metrics from './sql/metrics-queries.js';
import * as outbox from './sql/outbox-queries.js';
import * as replay from './sql/replay-queries.js';
import * as retention from './sql/retention-queries.js';
import { serverWarnings } from './sql/server-checks.js';
import * as sources from './sql/sources-queries.js';
import type { SqlDriver } from './sql-driver.js';
import type {
  AttemptRow,
  ClaimedDelivery,
  ClaimOptions,
  CompleteAttempt,
  DeliveryFilter,
  DeliveryRow,
  DestinationOutcome,
  DestinationOutcomeResult,
  DestinationQueueState,
  DestinationRow,
  EventFilter,
  EventRow,
  IdempotencyRow,
  IngestResult,
  NewEvent,
  Page,
  ServerWarning,
  SourceRow,
  Store,
} from './types.js';

/**
 * The {@link Store} for both databases, over a {@link SqlDriver}; the queries live in sql/, one
 * file per concern. Ingests are batched on both (ingest-batcher.ts), and so are attempt results.
 */
export class SqlStore implements Store {
  readonly kind: 'sqlite' | 'postgres';
  readonly #db: SqlDriver;
  readonly #onClose: (() => void) | undefined;
  readonly #ingests: IngestBatcher;
  readonly #completions: BatchCommit<CompleteAttempt, boolean>;

  /** `onClose` runs after the database closes (it releases the SQLite data-directory lock). */
  constructor(driver: SqlDriver, onClose?: () => void) {
    this.#db = driver;
    this.kind = driver.kind;
    this.#onClose = onClose;
    // Attempt results: a few multi-row statements per batch, one batch committing at a time on
    // SQLite's single connection, two overlapping on PostgreSQL (one fills while one commits).
    this.#completions = new BatchCommit((inputs: CompleteAttempt[]) => outbox.completeBatch(driver, inputs), {
      maxConcurrent: driver.kind === 'postgres' ? 2 : 1,
      // SQLite: at most one batch per 10 ms under load, so each carries more results for its
      // fixed cost. The lane slot was freed at the answer, so this delays only the lease's release.
      minIntervalMs: driver.kind === 'sqlite' ? 10 : 0,
    });
    // Batches of concurrent ingests (ingest-batcher.ts): on SQLite one per event-loop turn,
    // committing one at a time; on PostgreSQL up to four at once.
    this.#ingests =
      driver.kind === 'sqlite'
        ? new IngestBatcher(driver, { maxInFlight: 1, gather: true, multiRow: false })
        : new IngestBatcher(driver);
  }

  migrate(): Promise<void> {
    return this.#db.migrate();
  }

  async ping(): Promise<void> {
    await this.#db.query('SELECT 1');
  }

  async close(): Promise<void> {
    await this.#db.close();
    this.#onClose?.();
  }

  releaseAllLeases(): Promise<number> {
    return outbox.releaseAllLeases(this.#db);
  }

  serverWarnings(): Promise<ServerWarning[]> {
    return serverWarnings(this.#db);
  }

  insertSource(row: SourceRow): Promise<boolean> {
    return sources.insertSource(this.#db, row);
  }

  getSource(name: string): Promise<SourceRow | null> {
    return sources.getSource(this.#db, name);
  }

  listSources(): Promise<SourceRow[]> {
    return sources.listSources(this.#db);
  }

  updateSource(
    name: string,
    patch: Partial<Pick<SourceRow, 'description' | 'sealedKeys'>>,
    now: number,
  ): Promise<SourceRow | null> {
    return sources.updateSource(this.#db, name, patch, now);
  }

  deleteSource(name: string): Promise<boolean> {
    return sources.deleteSource(this.#db, name);
  }

  insertDestination(row: DestinationRow): Promise<void> {
    return destinations.insertDestination(this.#db, row);
  }

  getDestination(id: string): Promise<DestinationRow | null> {
    return destinations.getDestination(this.#db, id);
  }

  listDestinations(options: { after?: string | undefined; limit: number }): Promise<Page<DestinationRow>> {
    return destinations.listDestinations(this.#db, options);
  }

  updateDestination(
    id: string,
    patch: Partial<Omit<DestinationRow, 'id' | 'createdAt' | 'updatedAt'>>,
    now: number,
  ): Promise<DestinationRow | null> {
    return destinations.updateDestination(this.#db, id, patch, now);
  }

  deleteDestination(id: string): Promise<boolean> {
    return destinations.deleteDestination(this.#db, id);
  }

  ingest(event: NewEvent): Promise<IngestResult> {
    return this.#ingests.submit(event);
  }

  claimDue(options: ClaimOptions): Promise<ClaimedDelivery[]> {
    return outbox.claimDue(this.#db, options);
  }

  claimOne(
    id: string,
    options: Omit<ClaimOptions, 'limit' | 'excludeDestinationIds'>,
  ): Promise<ClaimedDelivery | null> {
    return outbox.claimOne(this.#db, id, options);
  }

  completeAttempt(input: CompleteAttempt): Promise<boolean> {
    return this.#completions.submit(input);
  }

  releaseLeases(owner: string, deliveryIds: readonly string[]): Promise<void> {
    return outbox.releaseLeases(this.#db, owner, deliveryIds);
  }

  noteDestinationOutcome(input: DestinationOutcome): Promise<DestinationOutcomeResult> {
    return this.#db.transaction((tx) => destinations.noteDestinationOutcome(tx, input));
  }

  getEvent(idOrEventId: string): Promise<EventRow | null> {
    return log.getEvent(this.#db, idOrEventId);
  }

  listEvents(filter: EventFilter): Promise<Page<EventRow>> {
    return log.listEvents(this.#db, filter);
  }

  getDelivery(id: string): Promise<DeliveryRow | null> {
    return log.getDelivery(this.#db, id);
  }

  listDeliveries(filter: DeliveryFilter): Promise<Page<DeliveryRow>> {
    return log.listDeliveries(this.#db, filter);
  }

  listAttempts(deliveryId: string): Promise<AttemptRow[]> {
    return log.listAttempts(this.#db, deliveryId);
  }

  claimIdempotencyKey(
    claim: { key: string; requestHash: string; createdAt: number },
    limits: { expiredBefore: number; abandonedBefore: number },
  ): Promise<IdempotencyRow | null> {
    return idempotency.claimIdempotencyKey(this.#db, claim, limits);
  }

  completeIdempotencyKey(key: string, statusCode: number, responseBody: string): Promise<void> {
    return idempotency.completeIdempotencyKey(this.#db, key, statusCode, responseBody);
  }

  releaseIdempotencyKey(key: string): Promise<void> {
    return idempotency.releaseIdempotencyKey(this.#db, key);
  }

  countEvents(): Promise<number> {
    return log.countEvents(this.#db);
  }

  destinationQueueStates(now: number): Promise<DestinationQueueState[]> {
    return metrics.destinationQueueStates(this.#db, now);
  }

  // Replay jobs (replay-queries.ts) and retention (retention-queries.ts).

  insertReplayJob(job: NewReplayJob): Promise<ReplayJobRow> {
    return replay.insertReplayJob(this.#db, job);
  }

  getReplayJob(id: string): Promise<ReplayJobRow | null> {
    return replay.getReplayJob(this.#db, id);
  }

  listReplayJobs(options: { after?: string | undefined; limit: number }): Promise<Page<ReplayJobRow>> {
    return replay.listReplayJobs(this.#db, options);
  }

  listReportedReplayJobs(options: { finishedSince: number; limit: number }): Promise<ReplayJobRow[]> {
    return replay.listReportedReplayJobs(this.#db, options);
  }

  cancelReplayJob(id: string, now: number): Promise<ReplayJobRow | null> {
    return replay.cancelReplayJob(this.#db, id, now);
  }

  claimReplayJob(options: { owner: string; now: number; leaseMs: number }): Promise<ReplayJobRow | null> {
    return replay.claimReplayJob(this.#db, options);
  }

  runReplayBatch(options: ReplayBatchOptions): Promise<ReplayJobRow | null> {
    return replay.runReplayBatch(this.#db, options);
  }

  releaseReplayJob(id: string, owner: string): Promise<void> {
    return replay.releaseReplayJob(this.#db, id, owner);
  }

  failReplayJob(id: string, owner: string, error: string, now: number): Promise<void> {
    return replay.failReplayJob(this.#db, id, owner, error, now);
  }

  releaseAllReplayLeases(): Promise<number> {
    return replay.releaseAllReplayLeases(this.#db);
  }

  pruneBatch(options: PruneOptions & { limit: number }): Promise<PruneCounts> {
    return retention.pruneBatch(this.#db, options);
  }

  previewPrune(options: PruneOptions): Promise<PrunePreview> {
    return retention.previewPrune(this.#db, options);
  }
}
