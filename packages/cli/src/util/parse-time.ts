/** Parses a time flag: whole Unix seconds, or an ISO 8601 date-time. Returns Unix seconds. */
export function parseTimeFlag(raw: string): number | undefined {
  if (/^\d{1,10}$/.test(raw)) return Number(raw);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(raw)) return undefined;
  const ms = Date.parse(raw);
  return Number.isFinite(ms) ? Math.floor(ms / 1000) : undefined;
}
