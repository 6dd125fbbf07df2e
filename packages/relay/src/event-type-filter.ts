/**
 * True when a destination subscribed to `patterns` wants an event of `type`. Patterns are exact
 * types or `prefix.*` wildcards (`session.*` matches `session.status_idled` and
 * `session.thread_created`, not `session_thread.x`); an empty list means every event.
 */
export function matchesEventType(patterns: readonly string[], type: string): boolean {
  if (patterns.length === 0) return true;
  for (const pattern of patterns) {
    if (pattern === '*' || pattern === type) return true;
    if (pattern.endsWith('.*') && type.startsWith(pattern.slice(0, -1))) return true;
  }
  return false;
}

/** Why a pattern is not acceptable, or undefined when it is. */
export function invalidPatternReason(pattern: string): string | undefined {
  if (pattern === '*') return undefined;
  if (!/^[a-z0-9_]+(\.[a-z0-9_]+)*(\.\*)?$/.test(pattern)) {
    return `"${pattern}" is not an event type or a "prefix.*" wildcard (lower-case, dot-separated)`;
  }
  return undefined;
}
