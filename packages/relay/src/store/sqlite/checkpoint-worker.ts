// The WAL checkpointer's thread (started by wal-checkpointer.ts). It holds its own connection to
// the relay's database and copies WAL pages into the database file when asked, so the fsync of the
// database file no longer happens inside a COMMIT on the relay's event loop.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import type {
  CheckpointMode,
  CheckpointRequest,
  CheckpointResult,
  CheckpointWorkerData,
} from './checkpoint-protocol.js';

const settings = workerData as CheckpointWorkerData;
const port = parentPort;
if (port === null) throw new Error('checkpoint-worker.js runs only as a worker thread.');

const db = new Database(settings.path, { fileMustExist: true });
db.pragma('journal_mode = WAL');
// A checkpoint syncs the database file under either setting; keep the relay's anyway.
db.pragma(`synchronous = ${settings.synchronous}`);
db.pragma(`busy_timeout = ${settings.busyTimeoutMs}`);
db.pragma('wal_autocheckpoint = 0');

let lastPassAt = 0;
let timer: NodeJS.Timeout | undefined;

function checkpoint(mode: CheckpointMode): CheckpointResult {
  try {
    const [row] = db.pragma(`wal_checkpoint(${mode})`) as { busy: number; log: number; checkpointed: number }[];
    return { type: 'done', mode, busy: row?.busy ?? 1, log: row?.log ?? -1, checkpointed: row?.checkpointed ?? -1 };
  } catch (error) {
    return { type: 'failed', mode, message: error instanceof Error ? error.message : String(error) };
  }
}

function pass(): void {
  timer = undefined;
  port?.postMessage(checkpoint('PASSIVE'));
  lastPassAt = Date.now();
}

port.on('message', (message: CheckpointRequest) => {
  if (message.type === 'stop') {
    clearTimeout(timer);
    db.close();
    port.close();
  } else if (message.type === 'restart') {
    port.postMessage(checkpoint('RESTART'));
  } else {
    // Space the passes out so each copies many commits' pages: a page written by several commits
    // is copied (and the database file synced) once per pass.
    const wait = lastPassAt + settings.minIntervalMs - Date.now();
    if (wait > 0) timer = setTimeout(pass, wait);
    else pass();
  }
});
