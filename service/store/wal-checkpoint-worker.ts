// Runs in a worker thread (see wal-checkpointer.ts): checkpoints the WAL on its own connection, so
// the write-out and the fsync it ends with never block the event loop that serves requests.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

const { file, intervalMs } = workerData as { file: string; intervalMs: number };
const db = new Database(file);
db.pragma('busy_timeout = 1000');

function checkpoint(): void {
  try {
    // PASSIVE: copies what it can without waiting on the writer; the writer is never blocked.
    const [result] = db.pragma('wal_checkpoint(PASSIVE)') as Array<{ busy: number; log: number; checkpointed: number }>;
    parentPort?.postMessage({ ok: true, ...result });
  } catch (error) {
    parentPort?.postMessage({ ok: false, message: (error as Error).message });
  }
}

const timer = setInterval(checkpoint, intervalMs);
parentPort?.on('message', (message: string) => {
  if (message === 'checkpoint') checkpoint();
  if (message === 'close') {
    // No last checkpoint: the main connection's close (the last one) checkpoints the WAL itself.
    clearInterval(timer);
    db.close();
    parentPort?.close();
  }
});
