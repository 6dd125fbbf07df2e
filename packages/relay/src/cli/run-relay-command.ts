import { loadConfig, RelayConfigError, SETTINGS } from '../config/load-config.js';
import { startRelay } from '../relay.js';
import { runPruneCommand, takeDryRun } from './prune-command.js';

const USAGE = `Usage: hookline relay [serve] [options]
       hookline relay prune [--dry-run] [options]

Runs the relay: durable ingress for Claude Managed Agents webhooks, fan-out to destinations
with signed deliveries and retries, a delivery log API and replay jobs.
\`prune\` deletes events, payloads and attempts older than retentionMs once (what workers do in
the background) and exits; with --dry-run it prints what it would delete.

Options:
  --port <n>            listen port (default 8787)
  --host <addr>         listen address (default 127.0.0.1)
  --data-dir <path>     SQLite database, admin token and master key (default ./data)
  --database-url <url>  postgres://… to use PostgreSQL instead of SQLite
  --role <role>         api (HTTP only), worker (delivery, replay, retention), or both (default);
                        api and worker need PostgreSQL
  --allow-networks <list>  CIDRs and host names destinations may resolve to although internal
                        (the SSRF guard refuses loopback and private addresses), e.g. 127.0.0.0/8
  --config <file>       JSON config file (camelCase keys)
  --help                show this help

Environment: ${SETTINGS.map((s) => s.env).join(', ')}, HOOKLINE_CONFIG.
Docs: docs/relay.md`;

export interface RunOptions {
  /** Where to print (default: the console). */
  out?: (line: string) => void;
  err?: (line: string) => void;
  env?: NodeJS.ProcessEnv;
  /** Resolves to stop the relay (default: the first SIGTERM or SIGINT). */
  until?: Promise<unknown>;
}

function signalled(): Promise<string> {
  return new Promise((resolve) => {
    const onSignal = (signal: string) => {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      resolve(signal);
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
}

/**
 * `hookline relay …`: parses flags, `HOOKLINE_*` variables and an optional config file, runs
 * the relay until SIGTERM/SIGINT, shuts down gracefully, and returns the exit code
 * (0 after a clean stop, 2 for a configuration error, 1 for a failure to start).
 */
export async function runRelayCommand(argv: string[], options: RunOptions = {}): Promise<number> {
  const out = options.out ?? ((line: string) => console.log(line));
  const err = options.err ?? ((line: string) => console.error(line));
  // `--dry-run` belongs to `prune` (given first) only; take it out before the shared parser sees it.
  const prune = argv[0] === 'prune' ? takeDryRun(argv) : undefined;
  let loaded: ReturnType<typeof loadConfig>;
  try {
    loaded = loadConfig(prune?.argv ?? argv, options.env ?? process.env);
  } catch (error) {
    if (error instanceof RelayConfigError) {
      err(`hookline relay: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    throw error;
  }
  if (loaded.help || loaded.positionals[0] === 'help') {
    out(USAGE);
    return 0;
  }
  if (loaded.positionals[0] === 'prune' && loaded.positionals.length === 1) {
    try {
      return await runPruneCommand(loaded.config, { dryRun: prune?.dryRun ?? false, out });
    } catch (error) {
      err(`hookline relay prune: ${(error as Error).message}`);
      return 1;
    }
  }
  if (loaded.positionals.length > 0 && loaded.positionals[0] !== 'serve') {
    err(`hookline relay: unknown command "${loaded.positionals[0]}".\n\n${USAGE}`);
    return 2;
  }
  const stop = options.until ?? signalled();
  let relay: Awaited<ReturnType<typeof startRelay>>;
  try {
    relay = await startRelay({ config: loaded.config });
  } catch (error) {
    err(
      `hookline relay: ${error instanceof RelayConfigError ? error.message : `could not start: ${(error as Error).message}`}`,
    );
    return error instanceof RelayConfigError ? 2 : 1;
  }
  const { config } = relay.context;
  out(
    `Hookline relay listening on ${relay.url} (${relay.store.kind === 'sqlite' ? `SQLite in ${config.dataDir}` : 'PostgreSQL'})`,
  );
  out(
    `  ingress:   ${relay.url}/ingest/<source>${config.anthropicSigningKey ? `  (source "anthropic" from ANTHROPIC_WEBHOOK_SIGNING_KEY: ${relay.url}/ingest/anthropic)` : ''}`,
  );
  out(`  admin API: ${relay.url}/v1  (OpenAPI: ${relay.url}/openapi.json)`);
  out(`  admin token: ${relay.credentials.adminTokenSource}`);
  await stop;
  out('Stopping: finishing in-flight deliveries…');
  await relay.stop();
  return 0;
}
