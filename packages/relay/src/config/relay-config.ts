import { DEFAULTS } from './defaults.js';

/** Everything the relay can be told. Flags, `HOOKLINE_*` variables and a config file all map onto this. */
export interface RelayConfig {
  port: number;
  host: string;
  dataDir: string;
  /** `postgres://…`; without it the relay uses SQLite in `dataDir`. */
  databaseUrl: string | undefined;
  /** PostgreSQL schema for the relay's tables. */
  postgresSchema: string;
  /** Admin bearer token; generated into `dataDir` in embedded mode when unset. */
  adminToken: string | undefined;
  /** 32-byte key (hex or base64) that encrypts secrets at rest; generated into `dataDir` in embedded mode. */
  masterKey: string | undefined;
  /** When set, a source named `anthropic` verifies with this key (no API call needed). */
  anthropicSigningKey: string | undefined;
  maxBodyBytes: number;
  maxAdminBodyBytes: number;
  toleranceSeconds: number;
  destinationTimeoutMs: number;
  connectTimeoutMs: number;
  /** Idle keep-alive connections to the relay's HTTP server close after this (`HOOKLINE_KEEP_ALIVE_TIMEOUT_MS`). */
  keepAliveTimeoutMs: number;
  leaseMarginMs: number;
  secretRotationGraceMs: number;
  responseBodyLimitBytes: number;
  pollIntervalMs: number;
  claimBatchSize: number;
  maxInFlight: number;
  maxInFlightPerDestination: number;
  shutdownTimeoutMs: number;
  idempotencyTtlMs: number;
  sqliteSynchronous: 'FULL' | 'NORMAL';
  /** Database work in a worker thread (`HOOKLINE_STORE_THREAD`); unset: see {@link usesStoreThread}. */
  storeThread: boolean | undefined;
  logLevel: string;
  /** `api` (HTTP only), `worker` (delivery, replay, retention; health and metrics only), or `both`. */
  role: RelayRole;
  retentionMs: number;
  retentionIntervalMs: number;
  retentionBatchSize: number;
  replayPollIntervalMs: number;
  replayBatchSize: number;
  replayLeaseMs: number;
  /** A destination failing without a 2xx for this long is disabled. */
  autoDisableAfterMs: number;
  /** SSRF guard exemptions: comma-separated CIDRs, addresses and host names (`127.0.0.0/8,hooks.internal`). */
  allowNetworks: string | undefined;
}

/** What a relay process does; see {@link RelayConfig.role}. */
export type RelayRole = 'api' | 'worker' | 'both';

/** The configuration with nothing overridden. */
export function defaultConfig(): RelayConfig {
  return {
    port: DEFAULTS.port,
    host: DEFAULTS.host,
    dataDir: DEFAULTS.dataDir,
    databaseUrl: undefined,
    postgresSchema: 'hookline',
    adminToken: undefined,
    masterKey: undefined,
    anthropicSigningKey: undefined,
    maxBodyBytes: DEFAULTS.maxBodyBytes,
    maxAdminBodyBytes: DEFAULTS.maxAdminBodyBytes,
    toleranceSeconds: DEFAULTS.toleranceSeconds,
    destinationTimeoutMs: DEFAULTS.destinationTimeoutMs,
    connectTimeoutMs: DEFAULTS.connectTimeoutMs,
    keepAliveTimeoutMs: DEFAULTS.keepAliveTimeoutMs,
    leaseMarginMs: DEFAULTS.leaseMarginMs,
    secretRotationGraceMs: DEFAULTS.secretRotationGraceMs,
    responseBodyLimitBytes: DEFAULTS.responseBodyLimitBytes,
    pollIntervalMs: DEFAULTS.pollIntervalMs,
    claimBatchSize: DEFAULTS.claimBatchSize,
    maxInFlight: DEFAULTS.maxInFlight,
    maxInFlightPerDestination: DEFAULTS.maxInFlightPerDestination,
    shutdownTimeoutMs: DEFAULTS.shutdownTimeoutMs,
    idempotencyTtlMs: DEFAULTS.idempotencyTtlMs,
    sqliteSynchronous: DEFAULTS.sqliteSynchronous,
    storeThread: DEFAULTS.storeThread,
    logLevel: 'info',
    role: DEFAULTS.role,
    retentionMs: DEFAULTS.retentionMs,
    retentionIntervalMs: DEFAULTS.retentionIntervalMs,
    retentionBatchSize: DEFAULTS.retentionBatchSize,
    replayPollIntervalMs: DEFAULTS.replayPollIntervalMs,
    replayBatchSize: DEFAULTS.replayBatchSize,
    replayLeaseMs: DEFAULTS.replayLeaseMs,
    autoDisableAfterMs: DEFAULTS.autoDisableAfterMs,
    allowNetworks: DEFAULTS.allowNetworks,
  };
}

/** Whether the store runs in a worker thread: as configured, else for SQLite only (DEFAULTS.storeThread says why). */
export function usesStoreThread(config: Pick<RelayConfig, 'storeThread' | 'databaseUrl'>): boolean {
  return config.storeThread ?? !config.databaseUrl;
}
