/** Parses `name: value` lines (a curl -D dump, a copied request) or a JSON object of headers. */
export function parseHeaderText(text: string): Record<string, string> | string {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    try {
      const parsed = JSON.parse(trimmed) as Record<string, unknown>;
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(parsed)) {
        headers[name.toLowerCase()] = Array.isArray(value) ? value.join(' ') : String(value);
      }
      return headers;
    } catch (error) {
      return `the headers file looks like JSON but does not parse: ${(error as Error).message}`;
    }
  }
  const headers: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const parsed = parseHeaderLine(line);
    if (parsed) addHeader(headers, parsed[0], parsed[1]);
  }
  return headers;
}

/** One `name: value` line, or undefined for a request/status line, a blank or a malformed line. */
export function parseHeaderLine(line: string): [string, string] | undefined {
  const colon = line.indexOf(':');
  if (colon <= 0) return undefined;
  const name = line.slice(0, colon).trim();
  if (!/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(name)) return undefined;
  return [name.toLowerCase(), line.slice(colon + 1).trim()];
}

/** Repeated signature headers are joined, as receivers do; other repeats keep the first value. */
export function addHeader(headers: Record<string, string>, name: string, value: string): void {
  const existing = headers[name];
  if (existing === undefined) headers[name] = value;
  else if (name === 'webhook-signature') headers[name] = `${existing} ${value}`;
}
