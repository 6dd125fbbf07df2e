import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { defaultConfig, type RelayConfig } from './relay-config.js';

/** A configuration problem the user can fix; the CLI prints the message and exits 2. */
export class RelayConfigError extends Error {
  override readonly name = 'RelayConfigError';
}

type Kind = 'string' | 'number' | 'enum' | 'boolean';
interface Setting {
  key: keyof RelayConfig;
  env: string;
  kind: Kind;
  flag?: string;
  values?: readonly string[];
}

/** Every setting with its environment variable (and flag, for the common ones). */
export const SETTINGS: readonly Setting[] = [
  { key: 'port', env: 'HOOKLINE_PORT', kind: 'number', flag: 'port' },
  { key: 'host', env: 'HOOKLINE_HOST', kind: 'string', flag: 'host' },
  { key: 'dataDir', env: 'HOOKLINE_DATA_DIR', kind: 'string', flag: 'data-dir' },
  { key: 'databaseUrl', env: 'HOOKLINE_DATABASE_URL', kind: 'string', flag: 'database-url' },
  { key: 'postgresSchema', env: 'HOOKLINE_POSTGRES_SCHEMA', kind: 'string' },
  { key: 'adminToken', env: 'HOOKLINE_ADMIN_TOKEN', kind: 'string' },
  { key: 'masterKey', env: 'HOOKLINE_MASTER_KEY', kind: 'string' },
  { key: 'anthropicSigningKey', env: 'ANTHROPIC_WEBHOOK_SIGNING_KEY', kind: 'string' },
  { key: 'maxBodyBytes', env: 'HOOKLINE_MAX_BODY_BYTES', kind: 'number' },
  { key: 'maxAdminBodyBytes', env: 'HOOKLINE_MAX_ADMIN_BODY_BYTES', kind: 'number' },
  { key: 'toleranceSeconds', env: 'HOOKLINE_TOLERANCE_SECONDS', kind: 'number' },
  { key: 'destinationTimeoutMs', env: 'HOOKLINE_DESTINATION_TIMEOUT_MS', kind: 'number' },
  { key: 'connectTimeoutMs', env: 'HOOKLINE_CONNECT_TIMEOUT_MS', kind: 'number' },
  { key: 'keepAliveTimeoutMs', env: 'HOOKLINE_KEEP_ALIVE_TIMEOUT_MS', kind: 'number' },
  { key: 'leaseMarginMs', env: 'HOOKLINE_LEASE_MARGIN_MS', kind: 'number' },
  { key: 'secretRotationGraceMs', env: 'HOOKLINE_SECRET_ROTATION_GRACE_MS', kind: 'number' },
  { key: 'responseBodyLimitBytes', env: 'HOOKLINE_RESPONSE_BODY_LIMIT_BYTES', kind: 'number' },
  { key: 'pollIntervalMs', env: 'HOOKLINE_POLL_INTERVAL_MS', kind: 'number' },
  { key: 'claimBatchSize', env: 'HOOKLINE_CLAIM_BATCH_SIZE', kind: 'number' },
  { key: 'maxInFlight', env: 'HOOKLINE_MAX_IN_FLIGHT', kind: 'number' },
  { key: 'maxInFlightPerDestination', env: 'HOOKLINE_MAX_IN_FLIGHT_PER_DESTINATION', kind: 'number' },
  { key: 'shutdownTimeoutMs', env: 'HOOKLINE_SHUTDOWN_TIMEOUT_MS', kind: 'number' },
  { key: 'idempotencyTtlMs', env: 'HOOKLINE_IDEMPOTENCY_TTL_MS', kind: 'number' },
  { key: 'sqliteSynchronous', env: 'HOOKLINE_SQLITE_SYNCHRONOUS', kind: 'enum', values: ['FULL', 'NORMAL'] },
  { key: 'storeThread', env: 'HOOKLINE_STORE_THREAD', kind: 'boolean' },
  {
    key: 'logLevel',
    env: 'HOOKLINE_LOG_LEVEL',
    kind: 'enum',
    values: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
  },
  { key: 'role', env: 'HOOKLINE_ROLE', kind: 'enum', flag: 'role', values: ['api', 'worker', 'both'] },
  { key: 'retentionMs', env: 'HOOKLINE_RETENTION_MS', kind: 'number' },
  { key: 'retentionIntervalMs', env: 'HOOKLINE_RETENTION_INTERVAL_MS', kind: 'number' },
  { key: 'retentionBatchSize', env: 'HOOKLINE_RETENTION_BATCH_SIZE', kind: 'number' },
  { key: 'replayPollIntervalMs', env: 'HOOKLINE_REPLAY_POLL_INTERVAL_MS', kind: 'number' },
  { key: 'replayBatchSize', env: 'HOOKLINE_REPLAY_BATCH_SIZE', kind: 'number' },
  { key: 'replayLeaseMs', env: 'HOOKLINE_REPLAY_LEASE_MS', kind: 'number' },
  { key: 'autoDisableAfterMs', env: 'HOOKLINE_AUTO_DISABLE_AFTER_MS', kind: 'number' },
  { key: 'allowNetworks', env: 'HOOKLINE_ALLOW_NETWORKS', kind: 'string', flag: 'allow-networks' },
];

function coerce(setting: Setting, value: unknown, origin: string): unknown {
  if (setting.kind === 'number') {
    const number = typeof value === 'number' ? value : Number(String(value).trim());
    if (!Number.isFinite(number) || number < 0 || String(value).trim() === '') {
      throw new RelayConfigError(`${origin} must be a non-negative number, got ${JSON.stringify(value)}.`);
    }
    return number;
  }
  if (setting.kind === 'boolean') {
    if (typeof value === 'boolean') return value;
    const word = String(value).trim().toLowerCase();
    if (['true', '1', 'on', 'yes'].includes(word)) return true;
    if (['false', '0', 'off', 'no'].includes(word)) return false;
    throw new RelayConfigError(`${origin} must be true or false, got ${JSON.stringify(value)}.`);
  }
  const text = String(value);
  if (setting.kind === 'enum' && !setting.values?.includes(text)) {
    throw new RelayConfigError(`${origin} must be one of ${setting.values?.join(', ')}, got ${JSON.stringify(text)}.`);
  }
  return text;
}

export interface LoadedConfig {
  config: RelayConfig;
  /** Arguments left after the options (a sub-command, if any). */
  positionals: string[];
  help: boolean;
}

/**
 * Resolves the configuration: flags beat `HOOKLINE_*` variables, which beat the config file
 * (`--config` or `HOOKLINE_CONFIG`, JSON with the camelCase keys of {@link RelayConfig}),
 * which beats the defaults in defaults.ts.
 */
export function loadConfig(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): LoadedConfig {
  const options: Record<string, { type: 'string' | 'boolean' }> = {
    config: { type: 'string' },
    help: { type: 'boolean' },
  };
  for (const setting of SETTINGS) if (setting.flag) options[setting.flag] = { type: 'string' };
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new RelayConfigError((error as Error).message);
  }
  const config = defaultConfig() as unknown as Record<string, unknown>;
  const file = (parsed.values.config as string | undefined) ?? env.HOOKLINE_CONFIG;
  if (file) {
    let content: unknown;
    try {
      content = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new RelayConfigError(`Cannot read the config file ${file}: ${(error as Error).message}`);
    }
    if (typeof content !== 'object' || content === null || Array.isArray(content)) {
      throw new RelayConfigError(`The config file ${file} must hold a JSON object.`);
    }
    for (const [key, value] of Object.entries(content)) {
      const setting = SETTINGS.find((s) => s.key === key);
      if (!setting) throw new RelayConfigError(`Unknown setting "${key}" in ${file}.`);
      config[key] = coerce(setting, value, `"${key}" in ${file}`);
    }
  }
  for (const setting of SETTINGS) {
    const value = env[setting.env];
    if (value !== undefined && value !== '') config[setting.key] = coerce(setting, value, setting.env);
  }
  for (const setting of SETTINGS) {
    const value = setting.flag ? parsed.values[setting.flag] : undefined;
    if (value !== undefined) config[setting.key] = coerce(setting, value, `--${setting.flag}`);
  }
  return {
    config: config as unknown as RelayConfig,
    positionals: parsed.positionals,
    help: parsed.values.help === true,
  };
}
