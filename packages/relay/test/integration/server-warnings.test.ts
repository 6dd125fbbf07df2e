// At start the relay checks the database server for settings that hurt it in service and logs
// each as a warning: PostgreSQL with autovacuum off, for the server or for one of the tables
// rewritten for every delivery. SQLite has nothing to check.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { openStore, startRelay } from '@hookline/relay';
import pg from 'pg';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { databaseVariants } from '../helpers/databases.js';

const variants = await databaseVariants('server-warnings');
const sqlite = variants.filter((variant) => variant.name === 'sqlite');
const postgres = variants.filter((variant) => variant.name === 'postgres');

/** Starts a relay on `database` and returns the warn-level JSON lines it logged while starting. */
async function startupWarnings(database: ReturnType<(typeof variants)[number]['fresh']>) {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n')) if (line) lines.push(JSON.parse(line));
      done();
    },
  });
  const relay = await startRelay({
    config: { ...database, port: 0, host: '127.0.0.1' },
    logger: pino({ level: 'info' }, sink),
    credentials: {
      adminToken: `hla_${randomBytes(16).toString('hex')}`,
      masterKey: randomBytes(32),
      adminTokenSource: 'test',
    },
    startDispatcher: false,
  });
  await relay.stop();
  return lines.filter((line) => line.level === 40);
}

/** The example log line under `<!-- autovacuum-warning -->` in docs/relay.md. */
function documentedWarning(): unknown {
  const doc = readFileSync(fileURLToPath(new URL('../../../../docs/relay.md', import.meta.url)), 'utf8');
  const block = doc.split('<!-- autovacuum-warning -->')[1]?.match(/```json\n\s*(.*)\n/)?.[1];
  if (!block) throw new Error('docs/relay.md has no autovacuum-warning example');
  return JSON.parse(block);
}

describe.each(sqlite)('Database server warnings on $name', (variant) => {
  afterAll(() => variant.cleanup());

  it('has nothing to say about SQLite', async () => {
    const store = await openStore(variant.fresh());
    try {
      expect(await store.serverWarnings()).toEqual([]);
    } finally {
      await store.close();
    }
  });
});

// Without a PostgreSQL server this suite skips (the CI run requires one).
describe.skipIf(postgres.length === 0).each(postgres)('Database server warnings on $name', (variant) => {
  afterAll(() => variant.cleanup());

  it('warns when autovacuum is off for the server or for a busy table, and logs it at start', async () => {
    const database = variant.fresh();
    const store = await openStore(database);
    const client = new pg.Client({ connectionString: database.databaseUrl });
    await client.connect();
    try {
      // The server's own setting is this machine's; the warning must follow it either way.
      const serverOff = (await client.query("SELECT current_setting('autovacuum') AS v")).rows[0].v === 'off';
      const codes = async () => (await store.serverWarnings()).map((w) => w.code);
      expect(await codes()).toEqual(serverOff ? ['autovacuum_off'] : []);

      const table = (name: string) => `${database.postgresSchema}.${name}`;
      await client.query(`ALTER TABLE ${table('deliveries')} SET (autovacuum_enabled = false)`);
      await client.query(`ALTER TABLE ${table('attempts')} SET (autovacuum_enabled = off, fillfactor = 90)`);
      await client.query(`ALTER TABLE ${table('sources')} SET (autovacuum_enabled = false)`); // not a busy table
      const warnings = await store.serverWarnings();
      const tableWarning = warnings.find((w) => w.code === 'table_autovacuum_off');
      expect(tableWarning?.message).toMatch(/^autovacuum is disabled for attempts, deliveries \(/);
      expect(tableWarning?.message).toContain('RESET (autovacuum_enabled)');

      const logged = await startupWarnings(database);
      expect(logged.map((line) => line.code)).toEqual(warnings.map((w) => w.code));
      const line = logged.find((l) => l.code === 'table_autovacuum_off');
      expect(line?.msg).toBe(tableWarning?.message);
      // docs/relay.md shows this very line.
      expect(documentedWarning()).toEqual({ level: line?.level, code: line?.code, msg: line?.msg });

      await client.query(`ALTER TABLE ${table('deliveries')} RESET (autovacuum_enabled)`);
      await client.query(`ALTER TABLE ${table('attempts')} SET (autovacuum_enabled = true)`);
      expect(await codes()).toEqual(serverOff ? ['autovacuum_off'] : []);
    } finally {
      await client.end();
      await store.close();
    }
  });
});
