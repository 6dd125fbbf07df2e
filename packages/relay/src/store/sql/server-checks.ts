// Settings of the database server that do not stop the relay but hurt it in service, checked at
// start so the operator hears of them from the relay's log rather than from a slow queue weeks
// later. Every delivery is written several times (insert, claim, result), so a PostgreSQL server
// that never vacuums fills `deliveries` with dead row versions that every claim's index scan
// then walks through (the bench once counted 60,000 of them 20 s into a run).
import type { SqlDriver } from '../sql-driver.js';
import type { ServerWarning } from '../types.js';

// The tables rewritten for every delivery; the others change rarely.
const BUSY_TABLES = ['deliveries', 'attempts', 'events'];

const FALSE_VALUES = new Set(['false', 'off', 'no', '0', 'f', 'n']);

/** What an operator should change on the server; always none on SQLite (nothing to tune). */
export async function serverWarnings(db: SqlDriver): Promise<ServerWarning[]> {
  if (db.kind !== 'postgres') return [];
  const warnings: ServerWarning[] = [];
  const [setting] = await db.query("SELECT current_setting('autovacuum') AS autovacuum");
  if (FALSE_VALUES.has(String(setting?.autovacuum).toLowerCase())) {
    warnings.push({
      code: 'autovacuum_off',
      message:
        'autovacuum is off on this PostgreSQL server: the relay rewrites every delivery several times, so its tables ' +
        'fill with dead rows and claims slow down. Turn it on (autovacuum = on in postgresql.conf) or run VACUUM ANALYZE on the ' +
        "relay's schema every few minutes.",
    });
  }
  // search_path is the relay's schema, so to_regclass finds its own tables (NULL before migration).
  const tables = await db.query(
    `SELECT c.relname AS name, c.reloptions AS options FROM pg_class c
      WHERE c.oid IN (${BUSY_TABLES.map((name) => `to_regclass('${name}')`).join(', ')})`,
  );
  const off = tables
    .filter((row) =>
      ((row.options as string[] | null) ?? []).some((option) => {
        const [key, value] = option.split('=');
        return key === 'autovacuum_enabled' && FALSE_VALUES.has(String(value).toLowerCase());
      }),
    )
    .map((row) => String(row.name))
    .sort();
  if (off.length > 0) {
    warnings.push({
      code: 'table_autovacuum_off',
      message:
        `autovacuum is disabled for ${off.join(', ')} (ALTER TABLE … SET (autovacuum_enabled = false)): these tables are ` +
        `rewritten for every delivery and will fill with dead rows. Undo it with ALTER TABLE <table> RESET (autovacuum_enabled).`,
    });
  }
  return warnings;
}
