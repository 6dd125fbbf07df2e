import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Logger, pino } from 'pino';
import { type Clock, systemClock } from './clock.js';
import { RelayConfigError } from './config/load-config.js';
import { defaultConfig, type RelayConfig, usesStoreThread } from './config/relay-config.js';
import { type Credentials, checkSigningKey, resolveCredentials } from './credentials.js';
import { SecretBox } from './crypto/secret-box.js';
import { Dispatcher, type DispatcherOptions } from './dispatcher/dispatcher.js';
import { createHttpSender, type Sender } from './dispatcher/http-sender.js';
import { createRelayServer } from './http/server.js';
import { createMetrics } from './metrics.js';
import type { RelayContext } from './relay-context.js';
import { ReplayRunner } from './replay/replay-runner.js';
import { RetentionPruner } from './retention/retention-pruner.js';
import { AllowNetworksError, parseAllowNetworks } from './ssrf/allow-networks.js';
import type { Connector } from './ssrf/guarded-connector.js';
import type { Resolver } from './ssrf/resolver.js';
import { openStore } from './store/open-store.js';
import type { Store } from './store/types.js';

const USER_AGENT = 'Hookline-Relay/0.1 (+https://github.com/hookline)';

/** Options of {@link createRelay}; everything but `config` is for embedding and tests. */
export interface RelayOptions {
  config?: Partial<RelayConfig>;
  /** Injectable time: drives retry schedules, signatures' timestamps and the ingress tolerance. */
  clock?: Clock;
  logger?: Logger;
  /** An already open store (tests); otherwise opened from the config. */
  store?: Store;
  /** Replaces the undici sender (tests of the dispatcher without sockets). */
  send?: Sender;
  /** Jitter source in [0, 1). */
  random?: () => number;
  /**
   * Start the background work of the role (default true): the dispatcher loop, replay jobs and
   * retention. Tests drive them with `dispatcher.drain()`, `replays.drain()`, `retention.pruneOnce()`.
   */
  startDispatcher?: boolean;
  /** Credentials to use instead of resolving them from the config (tests). */
  credentials?: Credentials;
  /** The SSRF guard's resolver and connect hook (tests answer DNS and record connections with them). */
  ssrf?: { resolve?: Resolver; connect?: Connector };
  /** Circuit breaker tuning for every destination (defaults in lanes/defaults.ts). */
  breaker?: DispatcherOptions['breaker'];
}

/** A running relay. */
export interface Relay {
  readonly context: RelayContext;
  readonly dispatcher: Dispatcher;
  /** Runs replay jobs (started in the worker and both roles). */
  readonly replays: ReplayRunner;
  /** Prunes expired rows in the background (worker and both roles). */
  readonly retention: RetentionPruner;
  readonly store: Store;
  readonly server: Server;
  readonly credentials: Credentials;
  /** `http://host:port` once listening. */
  readonly url: string;
  /** Graceful stop: close the listener, finish or release in-flight attempts, close the database. */
  stop(): Promise<void>;
}

/** Opens the store, starts the dispatcher and listens. */
export async function startRelay(options: RelayOptions = {}): Promise<Relay> {
  const config: RelayConfig = { ...defaultConfig(), ...options.config };
  const logger = options.logger ?? pino({ level: config.logLevel, base: { service: 'hookline-relay' } });
  checkSigningKey(config);
  let allow: ReturnType<typeof parseAllowNetworks>;
  try {
    allow = parseAllowNetworks(config.allowNetworks);
  } catch (error) {
    // The message names the bad entry; a typo must stop the start, not silently allow nothing.
    if (error instanceof AllowNetworksError) throw new RelayConfigError(error.message);
    throw error;
  }
  if (config.role !== 'both' && !config.databaseUrl) {
    // One process owns a SQLite data directory, so an api-only process would never deliver.
    throw new RelayConfigError(
      `--role ${config.role} needs PostgreSQL (--database-url): with SQLite one process does everything.`,
    );
  }
  const credentials = options.credentials ?? resolveCredentials(config);
  const clock = options.clock ?? systemClock;
  const store =
    options.store ??
    (await openStore({
      databaseUrl: config.databaseUrl,
      dataDir: config.dataDir,
      postgresSchema: config.postgresSchema,
      sqliteSynchronous: config.sqliteSynchronous,
      thread: usesStoreThread(config),
    }));
  // Said once at start, where the operator looks when setting up; the relay runs regardless,
  // and a check that cannot run (a restricted role) stops nothing either.
  const warnings = await store.serverWarnings().catch((error: unknown) => {
    logger.debug({ err: error }, 'could not check the database server settings');
    return [];
  });
  for (const warning of warnings) logger.warn({ code: warning.code }, warning.message);
  if (store.kind === 'sqlite') {
    // Embedded mode has one process per data directory, so a lease left by a killed process is
    // certainly dead: free it now instead of waiting for it to expire.
    const released = await store.releaseAllLeases();
    if (released > 0) logger.info({ released }, 'released leases left by a previous process');
    const jobs = await store.releaseAllReplayLeases();
    if (jobs > 0) logger.info({ jobs }, 'resuming replay jobs left by a previous process');
  }
  const http = options.send
    ? undefined
    : createHttpSender({
        connectTimeoutMs: config.connectTimeoutMs,
        responseBodyLimitBytes: config.responseBodyLimitBytes,
        allow,
        ...(options.ssrf?.resolve ? { resolve: options.ssrf.resolve } : {}),
        ...(options.ssrf?.connect ? { connect: options.ssrf.connect } : {}),
      });
  const secretBox = new SecretBox(credentials.masterKey);
  const metrics = createMetrics();
  const dispatcher = new Dispatcher({
    store,
    clock,
    secretBox,
    send: options.send ?? (http as NonNullable<typeof http>).send,
    logger,
    defaultTimeoutMs: config.destinationTimeoutMs,
    userAgent: USER_AGENT,
    pollIntervalMs: config.pollIntervalMs,
    claimBatchSize: config.claimBatchSize,
    maxInFlight: config.maxInFlight,
    maxInFlightPerDestination: config.maxInFlightPerDestination,
    leaseMarginMs: config.leaseMarginMs,
    autoDisableAfterMs: config.autoDisableAfterMs,
    metrics,
    ...(options.breaker ? { breaker: options.breaker } : {}),
    ...(options.random ? { random: options.random } : {}),
  });
  const replays = new ReplayRunner({
    store,
    clock,
    logger,
    owner: dispatcher.owner,
    pollIntervalMs: config.replayPollIntervalMs,
    batchSize: config.replayBatchSize,
    leaseMs: config.replayLeaseMs,
  });
  const retention = new RetentionPruner({
    store,
    clock,
    logger,
    retentionMs: config.retentionMs,
    idempotencyTtlMs: config.idempotencyTtlMs,
    intervalMs: config.retentionIntervalMs,
    batchSize: config.retentionBatchSize,
  });
  const context: RelayContext = { config, store, clock, secretBox, dispatcher, logger, metrics, replays };
  const server = createRelayServer(context, credentials.adminToken);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, config.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    // Port taken, say: leave nothing open (and free the SQLite data-directory lock).
    await http?.close();
    await store.close();
    throw error;
  }
  if (options.startDispatcher !== false && config.role !== 'api') {
    dispatcher.start();
    replays.start();
    retention.start();
  }
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let stopping: Promise<void> | undefined;
  return {
    context,
    dispatcher,
    replays,
    retention,
    store,
    server,
    credentials,
    url: `http://${host}:${address.port}`,
    stop() {
      stopping ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        await Promise.all([dispatcher.stop(config.shutdownTimeoutMs), replays.stop(), retention.stop()]);
        server.closeAllConnections();
        await closed;
        await http?.close();
        await store.close();
      })();
      return stopping;
    },
  };
}
