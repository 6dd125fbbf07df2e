import { type Dispatcher, errors, request } from 'undici';
import { DestinationAddressRefusedError } from '../ssrf/address-refused-error.js';
import type { AllowList } from '../ssrf/allow-networks.js';
import { createGuardedAgent } from '../ssrf/guarded-agent.js';
import type { Connector } from '../ssrf/guarded-connector.js';
import type { Resolver } from '../ssrf/resolver.js';
import type { AttemptResult } from './classify-outcome.js';

export interface SendRequest {
  url: string;
  headers: Record<string, string>;
  body: Buffer;
  timeoutMs: number;
}

export interface HttpSenderOptions {
  connectTimeoutMs: number;
  responseBodyLimitBytes: number;
  /**
   * Connections per origin (default unlimited). The dispatcher already bounds what is open: each
   * destination's `max_in_flight` and the global `maxInFlight`. A cap here would be shared by
   * every destination on one host, so one hanging path could queue the others' requests.
   */
  connectionsPerOrigin?: number;
  /** Networks and host names exempt from the SSRF guard (`HOOKLINE_ALLOW_NETWORKS`); default none. */
  allow?: AllowList;
  /** Resolver of the SSRF guard (tests pass a stub); default `dns.lookup`. */
  resolve?: Resolver;
  /** Opens checked connections (tests pass one that records); default undici's connector. */
  connect?: Connector;
  /**
   * The undici dispatcher to send through instead of the SSRF-guarded agent (which checks
   * every DNS answer and connects to the checked address).
   */
  agent?: Dispatcher;
}

/** Sends one attempt; never throws (failures come back as an {@link AttemptResult}). */
export type Sender = (req: SendRequest) => Promise<AttemptResult>;

function errorClassOf(error: unknown): { errorClass: string; message: string } {
  // undici passes a connector's error through unchanged; the code survives even across realms.
  if (
    error instanceof DestinationAddressRefusedError ||
    (error as { code?: unknown } | null)?.code === 'HOOKLINE_ADDRESS_REFUSED'
  ) {
    return { errorClass: 'address_refused', message: (error as Error).message };
  }
  if (
    error instanceof errors.HeadersTimeoutError ||
    error instanceof errors.BodyTimeoutError ||
    error instanceof errors.ConnectTimeoutError ||
    (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError'))
  ) {
    return { errorClass: 'timeout', message: 'timed out waiting for the destination' };
  }
  if (error instanceof errors.InvalidArgumentError) return { errorClass: 'invalid_request', message: error.message };
  const code = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message : String(error);
  return { errorClass: 'connection', message: code ? `${code}: ${message}` : message };
}

/**
 * An undici sender: keep-alive pools per origin, connect/headers/body timeouts plus an overall
 * deadline, redirects never followed, and the response body read into a capped buffer (a
 * destination that streams gigabytes costs the relay at most the cap).
 */
export function createHttpSender(options: HttpSenderOptions): { send: Sender; close: () => Promise<void> } {
  const agent =
    options.agent ??
    createGuardedAgent({
      connectTimeout: options.connectTimeoutMs,
      ...(options.connectionsPerOrigin === undefined ? {} : { connections: options.connectionsPerOrigin }),
      keepAliveTimeout: 10_000,
      ...(options.allow ? { allow: options.allow } : {}),
      ...(options.resolve ? { resolve: options.resolve } : {}),
      ...(options.connect ? { connect: options.connect } : {}),
    });
  const limit = options.responseBodyLimitBytes;

  const send: Sender = async (req) => {
    const started = performance.now();
    const signal = AbortSignal.timeout(req.timeoutMs);
    try {
      const response = await request(req.url, {
        method: 'POST',
        headers: req.headers,
        body: req.body,
        dispatcher: agent,
        signal,
        headersTimeout: req.timeoutMs,
        bodyTimeout: req.timeoutMs,
      });
      const chunks: Buffer[] = [];
      let size = 0;
      try {
        for await (const chunk of response.body) {
          const buffer = chunk as Buffer;
          if (size + buffer.length >= limit) {
            chunks.push(buffer.subarray(0, limit - size));
            size = limit;
            break; // leaving the loop destroys the stream: the rest is never read
          }
          chunks.push(buffer);
          size += buffer.length;
        }
      } catch {
        // The status already decided the outcome; a body cut short is only less log detail.
      }
      const retryAfter = response.headers['retry-after'];
      return {
        statusCode: response.statusCode,
        errorClass: null,
        errorMessage: null,
        responseBody: Buffer.concat(chunks).toString('utf8'),
        retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter,
        latencyMs: Math.round(performance.now() - started),
      };
    } catch (error) {
      const { errorClass, message } = errorClassOf(signal.aborted ? signal.reason : error);
      return {
        statusCode: null,
        errorClass,
        errorMessage: message,
        responseBody: null,
        retryAfter: undefined,
        latencyMs: Math.round(performance.now() - started),
      };
    }
  };

  // destroy, not close: close would wait for a hanging destination; by then its lease is released.
  return { send, close: () => agent.destroy() };
}
