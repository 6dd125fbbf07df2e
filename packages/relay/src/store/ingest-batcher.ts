import { ingestBatchIn, ingestIn } from './sql/ingest-queries.js';
import type { SqlDriver } from './sql-driver.js';
import type { IngestResult, NewEvent } from './types.js';

interface Pending {
  event: NewEvent;
  resolve: (value: IngestResult) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit for PostgreSQL ingests. Each event as its own transaction costs four round trips
 * and a WAL flush; here events that arrive while earlier batches are in flight share one
 * transaction of three statements (ingestBatchIn), with at most `maxInFlight` batches on the
 * pool at once, so the dispatcher keeps connections. Nobody hears back before their batch's
 * COMMIT, so "answered = committed" holds.
 *
 * No savepoint per event: a batch runs optimistically, and only if it fails is it rolled back
 * and each of its events retried in a transaction of its own, so the one that fails fails alone
 * and the rest still commit. Failures are rare (a database outage fails the retries too), so the
 * common path pays nothing for the isolation.
 */
export class IngestBatcher {
  readonly #db: SqlDriver;
  readonly #maxInFlight: number;
  readonly #maxBatch: number;
  #pending: Pending[] = [];
  #inFlight = 0;

  constructor(db: SqlDriver, options: { maxInFlight?: number; maxBatch?: number } = {}) {
    this.#db = db;
    this.#maxInFlight = options.maxInFlight ?? 4;
    this.#maxBatch = options.maxBatch ?? 256;
  }

  submit(event: NewEvent): Promise<IngestResult> {
    return new Promise<IngestResult>((resolve, reject) => {
      this.#pending.push({ event, resolve, reject });
      this.#start();
    });
  }

  /** Starts batches while there is work and room; what arrives meanwhile waits for the next. */
  #start(): void {
    while (this.#inFlight < this.#maxInFlight && this.#pending.length > 0) {
      const batch = this.#pending.splice(0, this.#maxBatch);
      this.#inFlight++;
      void this.#run(batch).finally(() => {
        this.#inFlight--;
        this.#start();
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
 * True when PostgreSQL refused a statement (an SQLSTATE outside the connection, resource,
 * operator and system classes): something about the rows, which retrying them one by one isolates.
 */
function refusedByDatabase(error: unknown): boolean {
  const cause = error instanceof Error && error.cause !== undefined ? error.cause : error;
  const code = (cause as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && !/^(08|53|57|58|XX)/.test(code);
}
