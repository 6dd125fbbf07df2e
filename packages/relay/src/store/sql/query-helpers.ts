import type { Page } from '../types.js';

/** `?, ?, …` for an IN list or a VALUES row. */
export const placeholders = (count: number): string => Array.from({ length: count }, () => '?').join(', ');

/** A page from `limit + 1` rows: the extra row only says whether there is a next page. */
export function page<T extends { id: string }>(rows: T[], limit: number): Page<T> {
  const items = rows.slice(0, limit);
  return { items, nextCursor: rows.length > limit ? (items.at(-1)?.id ?? null) : null };
}
