import { DEFAULTS } from '../config/defaults.js';
import { invalid } from './api-error.js';

/** `limit` from the query string, within [1, maxPageSize]. */
export function pageLimit(query: URLSearchParams): number {
  const raw = query.get('limit');
  if (raw === null) return DEFAULTS.pageSize;
  const limit = Number(raw);
  if (!Number.isInteger(limit) || limit < 1 || limit > DEFAULTS.maxPageSize) {
    throw invalid(`\`limit\` must be an integer from 1 to ${DEFAULTS.maxPageSize}.`);
  }
  return limit;
}

/** An RFC 3339 time (or epoch ms) from the query string, as epoch ms. */
export function timeParam(query: URLSearchParams, name: string): number | undefined {
  const raw = query.get(name);
  if (raw === null || raw === '') return undefined;
  const value = /^\d+$/.test(raw) ? Number(raw) : Date.parse(raw);
  if (Number.isNaN(value)) throw invalid(`\`${name}\` must be an RFC 3339 time or epoch milliseconds.`);
  return value;
}

export const optional = (query: URLSearchParams, name: string): string | undefined => query.get(name) || undefined;

/** The list envelope every list endpoint answers with. */
export const listBody = <T>(data: T[], nextCursor: string | null) => ({ data, next_cursor: nextCursor });
