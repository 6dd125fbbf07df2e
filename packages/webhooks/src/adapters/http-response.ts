/** A response the shared core decided on; each adapter writes it in its framework's way. */
export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  /** JSON text, or `undefined` for an empty body. */
  body: string | undefined;
}

const JSON_TYPE = 'application/json; charset=utf-8';

const NO_HEADERS: Record<string, string> = Object.freeze({});

/** An empty response (204, 202). */
export function emptyResponse(status: number, headers: Record<string, string> = NO_HEADERS): HttpResponse {
  return { status, headers, body: undefined };
}

/** The error shape every adapter answers with: `{ "error": { "code", "message" } }`. */
export function errorResponse(
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): HttpResponse {
  return {
    status,
    headers: { 'content-type': JSON_TYPE, ...headers },
    body: JSON.stringify({ error: { code, message } }),
  };
}
