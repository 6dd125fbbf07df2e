import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { serviceUrl, uniqueName } from './services.js';

// Two separate processes share one Redis or PostgreSQL store and both receive the same 40
// events (each twice): every handler must run exactly once across both.

const worker = new URL('./fixtures/dedupe-worker.mjs', import.meta.url).pathname;

function start(args: string[]) {
  const child = spawn(process.execPath, [worker, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  return {
    child,
    async line(): Promise<string> {
      const next = await lines.next();
      if (next.done) throw new Error(`worker exited early: ${stderr}`);
      return next.value;
    },
  };
}

async function runReplicas(kind: 'redis' | 'postgres', url: string, name: string): Promise<string[][]> {
  const ids = Array.from({ length: 40 }, (_, i) => `whe_${name.slice(-8)}${String(i).padStart(4, '0')}`);
  const replicas = [0, 1].map(() => start([kind, url, name, JSON.stringify(ids)]));
  for (const replica of replicas) expect(await replica.line()).toBe('ready');
  for (const replica of replicas) replica.child.stdin.write('go\n');
  const ran = await Promise.all(replicas.map(async (replica) => JSON.parse(await replica.line()) as string[]));
  await Promise.all(
    replicas.map(({ child }) =>
      child.exitCode === null ? once(child as ChildProcessWithoutNullStreams, 'exit') : undefined,
    ),
  );
  expect(ran.flat().sort()).toEqual([...ids].sort());
  return ran;
}

const redisUrl = await serviceUrl('HOOKLINE_TEST_REDIS_URL', async (url) => {
  const { createClient } = await import('redis');
  const probe = createClient({ url, socket: { reconnectStrategy: false, connectTimeout: 2000 } });
  probe.on('error', () => undefined);
  await probe.connect();
  await probe.quit();
});
const postgresUrl = await serviceUrl('HOOKLINE_TEST_POSTGRES_URL', async (url) => {
  const { default: pg } = await import('pg');
  const probe = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  await probe.connect();
  await probe.end();
});

describe('two processes sharing one store never both run a handler', () => {
  it.skipIf(!redisUrl)('redis', async () => {
    const prefix = `${uniqueName('xproc')}:`;
    const ran = await runReplicas('redis', redisUrl as string, prefix);
    const { createClient } = await import('redis');
    const client = await createClient({ url: redisUrl as string }).connect();
    const keys = await client.keys(`${prefix}*`);
    if (keys.length > 0) await client.del(keys);
    await client.quit();
    expect(ran.flat()).toHaveLength(40);
  });

  it.skipIf(!postgresUrl)('postgres', async () => {
    const table = uniqueName('xproc');
    try {
      const ran = await runReplicas('postgres', postgresUrl as string, table);
      expect(ran.flat()).toHaveLength(40);
    } finally {
      const { default: pg } = await import('pg');
      const client = new pg.Client({ connectionString: postgresUrl as string });
      await client.connect();
      await client.query(`DROP TABLE IF EXISTS "${table}"`);
      await client.end();
    }
  });
});
