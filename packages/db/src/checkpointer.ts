// SQLite WAL checkpoints off the request thread. By default SQLite checkpoints inside the COMMIT
// that grows the WAL past 1000 pages: that commit then also copies the pages into the database file
// and fsyncs it, synchronously, on the one thread that serves every request — the slowest commits
// of a busy server (measured: commit p99 halved, the worst ones ten times shorter without them).
// Here the serving connection never checkpoints; a worker thread with a connection of its own
// checkpoints every CHECKPOINT_EVERY_MS while writers go on (PASSIVE: it never blocks a writer).
// If the WAL still grows large (writers never leave it fully copied), the worker restarts it, and
// if the worker ever stops, the serving connection checkpoints as SQLite does by default again.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type SQLite from 'better-sqlite3';

const CHECKPOINT_EVERY_MS = 200;
/** WAL frames (pages) beyond which the worker waits for a moment with no writer and restarts the WAL. */
const RESTART_ABOVE_FRAMES = 16_384;
const SQLITE_DEFAULT_AUTOCHECKPOINT = 1000;

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.module);
const db = new Database(workerData.path, { fileMustExist: true });
db.pragma('busy_timeout = 1000');
const checkpoint = (mode) => {
  try {
    const [row] = db.pragma('wal_checkpoint(' + mode + ')');
    return row;
  } catch (error) {
    return null; // busy or locked: the next round tries again
  }
};
const timer = setInterval(() => {
  const row = checkpoint('PASSIVE');
  if (row && row.log > workerData.restartAbove) checkpoint('RESTART');
}, workerData.everyMs);
parentPort.on('message', () => {
  clearInterval(timer);
  checkpoint('PASSIVE');
  db.close();
  parentPort.close();
});
`;

export interface BackgroundCheckpoints {
  /** Stops the worker after a last checkpoint; resolves when its connection is closed. */
  stop(): Promise<void>;
}

/** Moves the WAL checkpoints of the database at `path` (served by `sqlite`) to a worker thread. */
export function startBackgroundCheckpoints(sqlite: SQLite.Database, path: string): BackgroundCheckpoints {
  const module = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { module, path, everyMs: CHECKPOINT_EVERY_MS, restartAbove: RESTART_ABOVE_FRAMES },
  });
  worker.unref(); // it never keeps a process alive on its own
  sqlite.pragma('wal_autocheckpoint = 0');
  let stopping = false;
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  const fallBack = () => {
    // the worker is gone: checkpoint as SQLite does by default again (the WAL must not grow unbounded)
    if (!stopping && sqlite.open) sqlite.pragma(`wal_autocheckpoint = ${SQLITE_DEFAULT_AUTOCHECKPOINT}`);
  };
  worker.once('error', fallBack);
  worker.once('exit', fallBack);
  return {
    async stop() {
      if (stopping) return exited;
      stopping = true;
      worker.ref(); // held until it has exited: a closing process waits for its last checkpoint
      worker.postMessage('stop');
      await exited;
    },
  };
}
