// The processes of `npm run bench:relay`: the relay (a real `hookline relay` process), the
// destinations' receiver and the ingress floor, each on loopback, plus a fresh database per run.

import { fork, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import pg from 'pg';
import { cpuMsOf } from './relay-cpu.mjs';

const here = (file) => new URL(file, import.meta.url).pathname;

/** Admin token and master key shared by every relay of a run (both required on PostgreSQL). */
export const ADMIN_TOKEN = `hla_bench_${randomBytes(12).toString('hex')}`;
const MASTER_KEY = randomBytes(32).toString('hex');

/** The PostgreSQL server to use, or undefined (with the reason) when none answers. */
export async function findPostgres() {
  const url =
    process.env.HOOKLINE_BENCH_POSTGRES_URL ??
    process.env.HOOKLINE_TEST_POSTGRES_URL ??
    'postgres://postgres@127.0.0.1:5432/test';
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    const { rows } = await client.query(
      "SELECT current_setting('server_version') AS version, current_setting('synchronous_commit') AS sync",
    );
    return { url, version: `PostgreSQL ${rows[0].version} (synchronous_commit ${rows[0].sync})` };
  } catch (error) {
    return { url: undefined, reason: `${url}: ${error.message}` };
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A fresh, empty database of `kind`: flags and env for the relay, and a cleanup. */
export function freshDatabase(kind, postgresUrl) {
  const dataDir = mkdtempSync(join(tmpdir(), 'hookline-bench-relay-'));
  if (kind === 'sqlite') {
    return {
      args: ['--data-dir', dataDir],
      env: {},
      cleanup: async () => rmSync(dataDir, { recursive: true, force: true }),
    };
  }
  const schema = `hl_bench_${process.pid}_${randomBytes(4).toString('hex')}`;
  return {
    args: ['--data-dir', dataDir, '--database-url', postgresUrl],
    env: { HOOKLINE_POSTGRES_SCHEMA: schema },
    cleanup: async () => {
      rmSync(dataDir, { recursive: true, force: true });
      const client = new pg.Client({ connectionString: postgresUrl });
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      } finally {
        await client.end();
      }
    },
  };
}

/**
 * Starts `hookline relay` (runRelayCommand in a child process) on a free loopback port and
 * waits until /readyz answers 200. Loopback destinations need HOOKLINE_ALLOW_NETWORKS (the
 * SSRF guard refuses them otherwise).
 */
export async function startRelay(database, extraEnv = {}) {
  // BENCH_RELAY_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") applies to the relay alone.
  const nodeArgs = (process.env.BENCH_RELAY_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(
    process.execPath,
    [...nodeArgs, here('./relay-child.mjs'), '--port', '0', '--host', '127.0.0.1', ...database.args],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        HOOKLINE_ALLOW_NETWORKS: '127.0.0.0/8',
        HOOKLINE_ADMIN_TOKEN: ADMIN_TOKEN,
        HOOKLINE_MASTER_KEY: MASTER_KEY,
        HOOKLINE_LOG_LEVEL: 'warn',
        // The isolation run leaves attempts hanging; do not wait the default 10 s for them at stop.
        HOOKLINE_SHUTDOWN_TIMEOUT_MS: '1000',
        ...database.env,
        ...extraEnv,
      },
    },
  );
  // Keep reading the output (a full pipe would block the relay); keep the last lines for errors.
  const tail = [];
  let warnings = 0;
  const url = await new Promise((resolve, reject) => {
    const onLine = (line) => {
      const listening = /listening on (http:\/\/\S+)/.exec(line);
      if (listening) resolve(listening[1]);
      if (line.startsWith('{')) warnings++;
      tail.push(line);
      if (tail.length > 20) tail.shift();
    };
    createInterface({ input: child.stdout }).on('line', onLine);
    createInterface({ input: child.stderr }).on('line', onLine);
    child.once('exit', (code) =>
      reject(new Error(`the relay exited with ${code} before listening:\n${tail.join('\n')}`)),
    );
  });
  for (let i = 0; i < 100; i++) {
    const ready = await fetch(`${url}/readyz`).catch(() => undefined);
    if (ready?.status === 200) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return {
    url,
    child,
    cpuMs: () => cpuMsOf(child.pid),
    /** Log lines at warn or above so far, and the last few lines (for the report). */
    log: () => ({ warnings, tail: [...tail] }),
    /** Admin API call with the bench's token. */
    async api(method, path, body) {
      const response = await fetch(`${url}${path}`, {
        method,
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const json = await response.json();
      if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
      return json;
    },
    async stop() {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** The bare node:http floor, in its own process. */
export async function startFloor() {
  const child = spawn(process.execPath, [here('./relay-floor.mjs')], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const first = await lines.next();
  if (first.done) throw new Error('the floor server did not start');
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return {
    url: `http://127.0.0.1:${first.value.trim()}`,
    cpuMs: () => cpuMsOf(child.pid),
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** The destinations' receiver (relay-receiver.mjs), driven over IPC. */
export async function startReceiver() {
  const child = fork(here('./relay-receiver.mjs'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let nextId = 1;
  const waiting = new Map();
  let onPort;
  child.on('message', ({ id, result }) => {
    if (id === 0) onPort(result);
    waiting.get(id)?.(result);
    waiting.delete(id);
  });
  const port = await new Promise((resolve) => {
    onPort = resolve;
  });
  const call = (command) =>
    new Promise((resolve) => {
      const id = nextId++;
      waiting.set(id, resolve);
      child.send({ id, command });
    });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    /** Arrivals per path since the last collect. */
    counts: () => call('counts'),
    /** Every arrival since the last collect, as [webhook-id, path, epoch ms]; resets the counts. */
    collect: () => call('collect'),
    /** Closes the requests /hang holds open. */
    release: () => call('release'),
    async stop() {
      child.disconnect();
      await exited;
    },
  };
}
