// SQLite in WAL mode moves the log back into the database file at checkpoints, and a checkpoint
// ends with an fsync: on a slow disk, tens of milliseconds on whichever thread runs it. Left to
// SQLite's automatic checkpoints, that thread is the event loop, and the stall lands in some
// request's latency. Here the main connection never checkpoints; a worker thread does, on its
// own connection, every `intervalMs`. A file database only (':memory:' has no WAL).
import { Worker } from 'node:worker_threads';
import type { Db } from './database.ts';

export interface CheckpointStats {
  checkpoints: number;
  failures: number;
  lastError: string | null;
  /** Pages in the WAL at the last checkpoint. */
  walPages: number;
}

export class WalCheckpointer {
  readonly #worker: Worker;
  readonly #stats: CheckpointStats = { checkpoints: 0, failures: 0, lastError: null, walPages: 0 };
  #closed = false;
  readonly #exited: Promise<void>;

  constructor(db: Db, file: string, intervalMs = 1000) {
    db.pragma('wal_autocheckpoint = 0');
    this.#worker = new Worker(new URL('./wal-checkpoint-worker.ts', import.meta.url), { workerData: { file, intervalMs } });
    this.#worker.unref();
    this.#exited = new Promise((resolve) => this.#worker.once('exit', () => resolve()));
    this.#worker.on('message', (m: { ok: boolean; log?: number; message?: string }) => {
      if (m.ok) {
        this.#stats.checkpoints++;
        this.#stats.walPages = m.log ?? 0;
      } else {
        this.#stats.failures++;
        this.#stats.lastError = m.message ?? 'checkpoint failed';
      }
    });
    this.#worker.on('error', (error: Error) => {
      // A broken checkpointer must not stop the gateway: SQLite checkpoints on the main thread again.
      this.#stats.failures++;
      this.#stats.lastError = error.message;
      console.error('[router] WAL checkpointer stopped; SQLite checkpoints on the main thread again:', error.message);
      if (!this.#closed) {
        try {
          db.pragma('wal_autocheckpoint = 1000');
        } catch {
          // the database is closing
        }
      }
    });
  }

  get stats(): CheckpointStats {
    return { ...this.#stats };
  }

  /** Ends the worker (closing its connection) before the main connection closes; stopped outright after a second. */
  close(): Promise<void> {
    if (this.#closed) return this.#exited;
    this.#closed = true;
    // Held while it ends, so a process closing down waits for it instead of exiting under it.
    this.#worker.ref();
    this.#worker.postMessage('close');
    const stop = setTimeout(() => {
      this.#worker.terminate().catch(() => undefined);
    }, 1000);
    stop.unref();
    return this.#exited.finally(() => clearTimeout(stop));
  }
}
