import { isIP } from 'node:net';
import { buildConnector } from 'undici';
import { type CheckDestinationOptions, checkDestination } from './check-destination.js';

/** An undici connector: `(options, callback)`, called once per new connection. */
export type Connector = buildConnector.connector;
/** What undici passes a connector: `hostname` is the host to reach, `servername` the TLS name. */
export type ConnectorOptions = buildConnector.Options;

/** Options of {@link createGuardedConnector}. */
export interface GuardedConnectorOptions extends CheckDestinationOptions {
  /**
   * Opens the socket once the address is checked; it receives that address as `hostname` and
   * the original host as `servername`. Default: undici's own connector. Tests pass one that
   * records the call instead of connecting.
   */
  connect?: Connector;
  /** TCP + TLS connect timeout (ms) of the default connector, and the default `resolveTimeoutMs`. Default: undici's (10 s). */
  connectTimeout?: number;
}

/**
 * Wraps a connector with the SSRF guard: each new connection resolves the host once, drops the
 * answers that are refused and not allowlisted (refusing the host when none is left), and
 * connects to the very address that was checked, so a DNS answer that changes between check
 * and connect (rebinding) cannot pass.
 * The URL's host still sets TLS SNI and certificate verification (`servername`) and the `Host`
 * header (undici writes that from the origin, not from the socket).
 */
export function createGuardedConnector(options: GuardedConnectorOptions = {}): Connector {
  const connect =
    options.connect ?? buildConnector(options.connectTimeout === undefined ? {} : { timeout: options.connectTimeout });

  // A lookup that hangs should fail as fast as a host that does not answer.
  const resolveTimeoutMs = options.resolveTimeoutMs ?? options.connectTimeout;
  const checkOptions = resolveTimeoutMs === undefined ? options : { ...options, resolveTimeoutMs };

  return (target, callback) => {
    const servername = target.servername || (isIP(target.hostname) === 0 ? target.hostname : undefined);
    checkDestination(target.hostname, checkOptions).then(
      (addresses) => {
        // Connection errors move on to the next checked address (an unreachable IPv6 answer
        // should not sink a host that also has IPv4); the last error is the one reported.
        const attempt = (index: number) => {
          const address = addresses[index]!;
          connect({ ...target, hostname: address, ...(servername ? { servername } : {}) }, (error, socket) => {
            if (error && index + 1 < addresses.length) attempt(index + 1);
            else if (error) callback(error, null);
            else callback(null, socket!);
          });
        };
        attempt(0);
      },
      (error: Error) => callback(error, null),
    );
  };
}
