/** One `--set path=value` assignment. */
export interface Assignment {
  path: string[];
  value: unknown;
}

// Values that read as JSON (numbers, booleans, null, objects, quoted strings) become JSON;
// anything else stays a string, so `--set data.id=sesn_…` needs no quoting.
function parseValue(raw: string): unknown {
  if (/^(?:-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)$/.test(raw) || /^[[{"]/.test(raw)) {
    try {
      return JSON.parse(raw);
    } catch {
      return raw;
    }
  }
  return raw;
}

/** Parses `data.field=value` (or `id=…`, `created_at=…`); returns an error message when malformed. */
export function parseAssignment(raw: string): Assignment | string {
  const equals = raw.indexOf('=');
  if (equals <= 0) return `--set expects path=value, e.g. data.id=sesn_011C…; got "${raw}"`;
  const path = raw.slice(0, equals).split('.');
  if (path.some((part) => part === '')) return `--set path "${raw.slice(0, equals)}" has an empty segment`;
  const top = path[0]!;
  if (!['data', 'id', 'created_at', 'type'].includes(top) || (top !== 'data' && path.length > 1)) {
    return `--set can change data.<field>, id, created_at or type; got "${raw.slice(0, equals)}"`;
  }
  if (top === 'data' && path.length === 1) return '--set data=… would replace all of data; set data.<field> instead';
  return { path, value: parseValue(raw.slice(equals + 1)) };
}

/** Applies an assignment to an object, creating nested objects on the way. */
export function applyAssignment(target: Record<string, unknown>, { path, value }: Assignment): void {
  let node = target;
  for (const part of path.slice(0, -1)) {
    const next = node[part];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) node[part] = {};
    node = node[part] as Record<string, unknown>;
  }
  node[path[path.length - 1]!] = value;
}
