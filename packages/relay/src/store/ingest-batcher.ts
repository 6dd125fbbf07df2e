import { ingestBatchIn, ingestIn } from './sql/ingest-queries.js';
import type { SqlDriver } from './sql-driver.js';
import type { IngestResult, NewEvent } from './types.js';

interface Pending {
  event: NewEvent;
  resolve: (value: IngestResult) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit for ingests. Events that arrive while earlier batches are in flight share one
 * transaction (ingestBatchIn): on PostgreSQL three statements per batch instead of four round
 * trips and a WAL flush per event, with at most `maxInFlight` batches on the pool at once so the
 * dispatcher keeps connections; on SQLite one statement per event instead of four and one fsync
 * per batch. Nobody hears back before their batch's COMMIT, so "answered = committed" holds.
 *
 * No savepoint per event: a batch runs optimistically, and only if the database refuses a row
 * is it rolled back and each of its events retried in a transaction of its own, so the one that
 * fails fails alone and the rest still commit. Refusals are rare (an outage fails the whole
 * batch at once: nothing committed, everyone retries), so the common path pays nothing for the
 * isolation.
 */
export class IngestBatcher {
  readonly #db: SqlDriver;
  readonly #maxInFlight: number;
  readonly #maxBatch: number;
  readonly #gather: boolean;
  readonly #multiRow: boolean;
  #pending: Pending[] = [];
  #inFlight = 0;
  #scheduled = false;

  /**
   * `gather`: start a batch only after this turn of the event loop, so every request read in it
   * joins (SQLite, one serialised connection where every transaction has a fixed cost and
   * waits for a WAL flush: one event alone would cost as much). Without it a batch starts at once when there is room (PostgreSQL, where the commit
   * waits off the thread). `multiRow`: multi-row INSERTs (PostgreSQL); SQLite runs one cached
   * single-row statement per row instead, cheaper than compiling a new text per batch size.
   */
  constructor(
    db: SqlDriver,
    options: { maxInFlight?: number; maxBatch?: number; gather?: boolean; multiRow?: boolean } = {},
  ) {
    this.#db = db;
    this.#maxInFlight = options.maxInFlight ?? 4;
    this.#maxBatch = options.maxBatch ?? 256;
    this.#gather = options.gather ?? false;
    this.#multiRow = options.multiRow ?? true;
  }

  submit(event: NewEvent): Promise<IngestResult> {
    return new Promise<IngestResult>((resolve, reject) => {
      this.#pending.push({ event, resolve, reject });
      this.#schedule();
    });
  }

  #schedule(): void {
    if (!this.#gather) this.#start();
    else if (!this.#scheduled && this.#inFlight < this.#maxInFlight && this.#pending.length > 0) {
      this.#scheduled = true;
      setImmediate(() => {
        this.#scheduled = false;
        this.#start();
      });
    }
  }

  /** Starts batches while there is work and room; what arrives meanwhile waits for the next. */
  #start(): void {
    while (this.#inFlight < this.#maxInFlight && this.#pending.length > 0) {
      const batch = this.#pending.splice(0, this.#maxBatch);
      this.#inFlight++;
      void this.#run(batch).finally(() => {
        this.#inFlight--;
        this.#schedule();
      });
    }
  }

  async #run(batch: Pending[]): Promise<void> {
    let results: IngestResult[];
    try {
      results = await this.#db.transaction((tx) =>
        ingestBatchIn(
          tx,
          batch.map((item) => item.event),
          { multiRow: this.#multiRow },
        ),
      );
    } catch (error) {
      if (batch.length === 1 || !refusedByDatabase(error)) {
        // An outage fails every event alike: nothing committed, all hear 503 and retry.
        for (const item of batch) item.reject(error);
        return;
      }
      // The database refused some row and rolled the batch back: commit each event on its own,
      // so only the culprit fails.
      for (const item of batch) {
        await this.#db.transaction((tx) => ingestIn(tx, item.event)).then(item.resolve, item.reject);
      }
      return;
    }
    batch.forEach((item, index) => {
      const result = results[index];
      if (result) item.resolve(result);
      else item.reject(new Error('The batch returned no result for an event.'));
    });
  }
}

/**
 * True when the database refused a row, which retrying the events one by one isolates: on
 * PostgreSQL an SQLSTATE outside the connection, resource, operator and system classes; on
 * SQLite a constraint, type or size error. Anything else (unreachable, closed, disk full, I/O)
 * would fail every retry too.
 */
function refusedByDatabase(error: unknown): boolean {
  const cause = error instanceof Error && error.cause !== undefined ? error.cause : error;
  const code = (cause as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return false;
  if (code.startsWith('SQLITE_')) return /^SQLITE_(CONSTRAINT|MISMATCH|TOOBIG)/.test(code);
  return /^[0-9A-Z]{5}$/.test(code) && !/^(08|53|57|58|XX)/.test(code);
}
