// Sources: named ingress endpoints and their sealed verification keys.
import { toSource } from '../row-mappers.js';
import type { SqlExecutor } from '../sql-driver.js';
import type { SourceRow } from '../types.js';

export async function insertSource(db: SqlExecutor, row: SourceRow): Promise<boolean> {
  const rows = await db.query(
    'INSERT INTO sources (name, description, sealed_keys, created_at, updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING RETURNING name',
    [row.name, row.description, row.sealedKeys, row.createdAt, row.updatedAt],
  );
  return rows.length === 1;
}

export async function getSource(db: SqlExecutor, name: string): Promise<SourceRow | null> {
  const [row] = await db.query('SELECT * FROM sources WHERE name = ?', [name]);
  return row ? toSource(row) : null;
}

export async function listSources(db: SqlExecutor): Promise<SourceRow[]> {
  return (await db.query('SELECT * FROM sources ORDER BY name')).map(toSource);
}

export async function updateSource(
  db: SqlExecutor,
  name: string,
  patch: Partial<Pick<SourceRow, 'description' | 'sealedKeys'>>,
  now: number,
): Promise<SourceRow | null> {
  const [row] = await db.query(
    `UPDATE sources SET description = CASE WHEN CAST(? AS INTEGER) = 1 THEN ? ELSE description END,
       sealed_keys = COALESCE(?, sealed_keys), updated_at = ? WHERE name = ? RETURNING *`,
    [patch.description !== undefined ? 1 : 0, patch.description ?? null, patch.sealedKeys ?? null, now, name],
  );
  return row ? toSource(row) : null;
}

export async function deleteSource(db: SqlExecutor, name: string): Promise<boolean> {
  return (await db.query('DELETE FROM sources WHERE name = ? RETURNING name', [name])).length === 1;
}
