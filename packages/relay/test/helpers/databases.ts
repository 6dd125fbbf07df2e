// The relay suite runs once per database. SQLite always (a real file in a temp dir);
// PostgreSQL when HOOKLINE_TEST_POSTGRES_URL is set — skipped with a notice otherwise, and a
// failure under CI when it is set but unreachable. Each test file gets its own schema.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { describe, it } from 'vitest';

export interface DatabaseVariant {
  name: 'sqlite' | 'postgres';
  /** Config for a fresh, empty database: `databaseUrl`/`postgresSchema` or a `dataDir`. */
  fresh(): { dataDir: string; databaseUrl?: string; postgresSchema?: string };
  /** Drops what `fresh` created. */
  cleanup(): Promise<void>;
}

async function postgresUrl(): Promise<string | undefined> {
  const url = process.env.HOOKLINE_TEST_POSTGRES_URL;
  if (!url) {
    console.warn(
      '[hookline] HOOKLINE_TEST_POSTGRES_URL is not set: skipping the relay suite on PostgreSQL (e.g. HOOKLINE_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test).',
    );
    return undefined;
  }
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return url;
  } catch (error) {
    const reason = `HOOKLINE_TEST_POSTGRES_URL=${url} is unreachable: ${(error as Error).message}`;
    if (process.env.CI) throw new Error(`[hookline] ${reason} (failing because CI is set)`);
    console.warn(`[hookline] ${reason}: skipping the relay suite on PostgreSQL.`);
    return undefined;
  } finally {
    await client.end().catch(() => undefined);
  }
}

function tempDirs() {
  const dirs: string[] = [];
  return {
    make: () => {
      const dir = mkdtempSync(join(tmpdir(), 'hookline-relay-'));
      dirs.push(dir);
      return dir;
    },
    remove: () => {
      for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The databases this run can use; call once per test file (top-level await). */
export async function databaseVariants(file: string): Promise<DatabaseVariant[]> {
  const dirs = tempDirs();
  const variants: DatabaseVariant[] = [
    {
      name: 'sqlite',
      fresh: () => ({ dataDir: dirs.make() }),
      cleanup: async () => dirs.remove(),
    },
  ];
  const url = await postgresUrl();
  if (url) {
    const schemas: string[] = [];
    const prefix = `hl_relay_${file.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${process.pid}`;
    variants.push({
      name: 'postgres',
      fresh: () => {
        const schema = `${prefix}_${schemas.length}_${Math.floor(Math.random() * 1e6)}`;
        schemas.push(schema);
        return { dataDir: dirs.make(), databaseUrl: url, postgresSchema: schema };
      },
      cleanup: async () => {
        dirs.remove();
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        try {
          for (const schema of schemas.splice(0)) await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        } finally {
          await client.end();
        }
      },
    });
  }
  return variants;
}

/**
 * `describe.each` over the PostgreSQL variant only, for files that test nothing on SQLite.
 * Without PostgreSQL the file still declares its suite, skipped: vitest fails a file that
 * declares no test at all, and `npm test` must pass on a machine without a database server.
 */
export function describeOnPostgres(
  name: string,
  variants: readonly DatabaseVariant[],
  suite: (variant: DatabaseVariant) => void,
): void {
  const postgres = variants.filter((variant) => variant.name === 'postgres');
  if (postgres.length > 0) {
    describe.each(postgres)(name, suite);
    return;
  }
  describe.skip(name.replace('$name', 'postgres'), () => {
    it.skip('needs HOOKLINE_TEST_POSTGRES_URL', () => undefined);
  });
}
