import { PostgresDedupeStore } from '@hookline/stores';
import { Webhooks } from '@hookline/webhooks';
import pg from 'pg';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
// Without a listener, an idle connection the database drops (a restart) crashes the process.
pool.on('error', (error) => console.error('postgres pool:', error.message));
const dedupe = new PostgresDedupeStore(pool, { table: 'webhook_dedupe' });
await dedupe.ready(); // creates the table if needed; fails at start-up if the database is unreachable
export const webhooks = new Webhooks({ dedupe });

// Expired rows are deleted every 1000 claims; a quiet endpoint can prune on a timer as well.
setInterval(() => void dedupe.prune().catch(() => undefined), 60 * 60 * 1000).unref();
