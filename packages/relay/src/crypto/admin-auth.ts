import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/**
 * Checks an `Authorization: Bearer …` header against the admin token in constant time.
 * Both sides are hashed first so their lengths never differ (timingSafeEqual requires that).
 */
export function createAdminAuth(token: string): (header: string | undefined) => boolean {
  const expected = digest(token);
  return (header) => {
    if (!header) return false;
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    const given = digest(match?.[1] ?? '');
    return timingSafeEqual(given, expected) && match !== null;
  };
}
