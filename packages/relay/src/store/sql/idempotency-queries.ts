// Idempotency keys for POST /v1/events: claim, complete, release.
import { toIdempotency } from '../row-mappers.js';
import type { SqlDriver, SqlExecutor, SqlRow } from '../sql-driver.js';
import type { IdempotencyRow } from '../types.js';

export function claimIdempotencyKey(
  db: SqlDriver,
  claim: { key: string; requestHash: string; createdAt: number },
  limits: { expiredBefore: number; abandonedBefore: number },
): Promise<IdempotencyRow | null> {
  return db.transaction(async (tx) => {
    const inserted = await tx.query(
      `INSERT INTO idempotency_keys (key, request_hash, status_code, response_body, created_at) VALUES (?, ?, 0, '', ?)
       ON CONFLICT (key) DO UPDATE SET request_hash = excluded.request_hash, status_code = 0, response_body = '',
         created_at = excluded.created_at
       WHERE idempotency_keys.created_at < ? OR (idempotency_keys.status_code = 0 AND idempotency_keys.created_at < ?)
       RETURNING key`,
      [claim.key, claim.requestHash, claim.createdAt, limits.expiredBefore, limits.abandonedBefore],
    );
    if (inserted.length === 1) return null;
    const [row] = await tx.query('SELECT * FROM idempotency_keys WHERE key = ?', [claim.key]);
    return toIdempotency(row as SqlRow);
  });
}

export async function completeIdempotencyKey(
  db: SqlExecutor,
  key: string,
  statusCode: number,
  responseBody: string,
): Promise<void> {
  await db.query('UPDATE idempotency_keys SET status_code = ?, response_body = ? WHERE key = ?', [
    statusCode,
    responseBody,
    key,
  ]);
}

export async function releaseIdempotencyKey(db: SqlExecutor, key: string): Promise<void> {
  await db.query('DELETE FROM idempotency_keys WHERE key = ? AND status_code = 0', [key]);
}
