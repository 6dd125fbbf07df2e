import { SqliteDedupeStore } from '@hookline/stores';
import { Webhooks } from '@hookline/webhooks';
import Database from 'better-sqlite3';

// One machine, one or more processes: a SQLite file in WAL mode, with a busy timeout so
// concurrent processes wait for the write lock instead of failing.
const db = new Database('webhooks.db');
db.pragma('journal_mode = WAL');
db.pragma('busy_timeout = 5000');
export const webhooks = new Webhooks({ dedupe: new SqliteDedupeStore(db) });
