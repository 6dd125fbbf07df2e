import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { systemClock } from '../clock.js';
import type { RelayConfig } from '../config/relay-config.js';
import { RetentionPruner } from '../retention/retention-pruner.js';
import type { PruneCounts } from '../retention/retention-types.js';
import { openStore } from '../store/open-store.js';

/** Pulls `--dry-run` out of `hookline relay prune …` (the shared option parser does not know it). */
export function takeDryRun(argv: readonly string[]): { argv: string[]; dryRun: boolean } {
  const rest = argv.filter((arg) => arg !== '--dry-run');
  return { argv: rest, dryRun: rest.length !== argv.length };
}

const days = (ms: number) => `${Math.round((ms / 86_400_000) * 100) / 100} days`;

/**
 * `hookline relay prune [--dry-run]`: prunes once what the background pruner would, then exits;
 * with `--dry-run` it only counts. Safe next to a running relay: it takes no leases, so it opens
 * SQLite without the data-directory lock (WAL lets both write, one transaction at a time).
 */
export async function runPruneCommand(
  config: RelayConfig,
  options: { dryRun: boolean; out: (line: string) => void },
): Promise<number> {
  const { out } = options;
  if (config.retentionMs <= 0) {
    out('Retention is off (retentionMs = 0): nothing is ever pruned.');
    return 0;
  }
  if (!config.databaseUrl && !existsSync(join(config.dataDir, 'relay.db'))) {
    // Opening would create an empty database: more likely a wrong --data-dir than nothing to do.
    throw new Error(`There is no relay database in ${config.dataDir} (relay.db); check --data-dir.`);
  }
  const store = await openStore({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    postgresSchema: config.postgresSchema,
    sqliteSynchronous: config.sqliteSynchronous,
    lockSqlite: false,
  });
  try {
    const pruner = new RetentionPruner({
      store,
      clock: systemClock,
      logger: pino({ level: 'silent' }),
      retentionMs: config.retentionMs,
      idempotencyTtlMs: config.idempotencyTtlMs,
      intervalMs: config.retentionIntervalMs,
      batchSize: config.retentionBatchSize,
    });
    const cutoffs = pruner.cutoffs();
    const scope = `older than ${days(config.retentionMs)} (before ${new Date(cutoffs.before).toISOString()})`;
    const lines = (counts: PruneCounts) => [
      `  events (with their payloads): ${counts.events}`,
      `  deliveries:                   ${counts.deliveries}`,
      `  attempts:                     ${counts.attempts}`,
      `  finished replay jobs:         ${counts.replayJobs}`,
      `  expired idempotency keys:     ${counts.idempotencyKeys}`,
    ];
    if (options.dryRun) {
      const preview = await store.previewPrune(cutoffs);
      out(`Dry run: would delete, ${scope}:`);
      for (const line of lines(preview)) out(line);
      out(`  kept because a delivery is still pending: ${preview.keptPending} events`);
      return 0;
    }
    const pruned = await pruner.pruneOnce();
    out(`Deleted, ${scope}:`);
    for (const line of lines(pruned)) out(line);
    return 0;
  } finally {
    await store.close();
  }
}
