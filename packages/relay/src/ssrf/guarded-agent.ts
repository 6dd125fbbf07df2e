import { Agent } from 'undici';
import { createGuardedConnector, type GuardedConnectorOptions } from './guarded-connector.js';

/** Options of {@link createGuardedAgent}: the guard's, plus the pool options the dispatcher sets. */
export interface GuardedAgentOptions extends GuardedConnectorOptions {
  /** Connections per origin (keep-alive pools them). */
  connections?: number;
  /** Idle keep-alive time of a pooled connection (ms). */
  keepAliveTimeout?: number;
  /** Time to wait for response headers (ms). */
  headersTimeout?: number;
  /** Time allowed between body chunks (ms). */
  bodyTimeout?: number;
}

/**
 * An undici `Agent` whose every new connection goes through the SSRF guard (see
 * {@link createGuardedConnector}). Refusals reject the request with
 * `DestinationAddressRefusedError`. Redirects are not followed (undici 7's default), which
 * matters here: a redirect would be a second destination nobody checked.
 */
export function createGuardedAgent(options: GuardedAgentOptions = {}): Agent {
  const { connections, keepAliveTimeout, headersTimeout, bodyTimeout } = options;
  return new Agent({
    ...(connections === undefined ? {} : { connections }),
    ...(keepAliveTimeout === undefined ? {} : { keepAliveTimeout }),
    ...(headersTimeout === undefined ? {} : { headersTimeout }),
    ...(bodyTimeout === undefined ? {} : { bodyTimeout }),
    connect: createGuardedConnector(options),
  });
}
