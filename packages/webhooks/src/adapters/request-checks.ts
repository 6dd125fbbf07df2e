/** Whether a request URL (path and query) is for `path`; a trailing slash matches too. */
export function matchesPath(url: string | undefined, path: string | undefined): boolean {
  if (path === undefined || url === path) return true;
  const query = url?.indexOf('?') ?? -1;
  const pathname = url === undefined ? '/' : query >= 0 ? url.slice(0, query) : url;
  const wanted = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
  // The platform disables an endpoint on any 3xx, so a trailing slash is accepted, never redirected.
  return pathname === wanted || pathname === `${wanted}/`;
}

/** Whether a `content-type` is JSON: `application/json` or `application/*+json`, any parameters. */
export function isJsonContentType(contentType: string | undefined): boolean {
  if (contentType === 'application/json') return true;
  if (!contentType) return false;
  const semicolon = contentType.indexOf(';');
  const type = (semicolon >= 0 ? contentType.slice(0, semicolon) : contentType).trim().toLowerCase();
  return type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'));
}

/** The declared `content-length`, or `undefined` when absent or malformed (the reader still counts). */
export function declaredLength(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d+$/.test(value)) return undefined;
  return Number(value);
}
