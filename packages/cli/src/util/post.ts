/** What one HTTP attempt produced. */
export interface PostResult {
  /** The HTTP status, or undefined when no response arrived. */
  status: number | undefined;
  /** Milliseconds from sending to the full response (or the failure). */
  ms: number;
  /** The start of the response body (capped), for display. */
  body: string;
  /** Why no response arrived: a connection error or the timeout. */
  error?: string;
}

const BODY_CAP = 4096;

/**
 * POSTs exactly these bytes. Redirects are never followed (the platform doesn't, and a 3xx is
 * what disables an endpoint), and the response body is read only up to a cap.
 */
export async function post(
  url: string,
  body: string | Uint8Array,
  headers: Record<string, string>,
  timeoutMs: number,
  cancel?: AbortSignal,
): Promise<PostResult> {
  const started = performance.now();
  try {
    const response = await fetch(url, {
      method: 'POST',
      // Bytes go out exactly as given; the cast only bridges TypeScript's ArrayBufferLike variance.
      body: body as string | Uint8Array<ArrayBuffer>,
      headers,
      redirect: 'manual',
      signal: cancel ? AbortSignal.any([AbortSignal.timeout(timeoutMs), cancel]) : AbortSignal.timeout(timeoutMs),
    });
    const text = await readCapped(response);
    return { status: response.status, ms: performance.now() - started, body: text };
  } catch (error) {
    return { status: undefined, ms: performance.now() - started, body: '', error: describeFailure(error, timeoutMs) };
  }
}

async function readCapped(response: Response): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (size < BODY_CAP) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
  }
  await reader.cancel().catch(() => undefined);
  return Buffer.concat(chunks).subarray(0, BODY_CAP).toString('utf8');
}

function describeFailure(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && error.name === 'TimeoutError') return `no response within ${timeoutMs} ms`;
  if (error instanceof Error && error.name === 'AbortError') return 'cancelled';
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code) return `${cause.code}${cause.message ? `: ${cause.message}` : ''}`;
  return error instanceof Error ? error.message : String(error);
}

/** Checks a --to / --forward-to URL early, so a typo is a usage error and not a network error. */
export function parseHttpUrl(raw: string): URL | undefined {
  try {
    const url = new URL(raw);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}
