// ROUTER_WORKERS > 1, the primary process: forks the workers (each serves the gateway on the shared
// port, see cluster-worker.ts), relays what one worker changed to the others, sums their Prometheus
// registries, replaces a worker that dies (backing off when it keeps dying), and on SIGTERM drains
// them all before exiting. The primary serves no requests and opens no database.
import cluster, { type Worker } from 'node:cluster';
import { AggregatorRegistry } from 'prom-client';
import type { GatewayConfig } from '../config/gateway-config.ts';
import { runDetached } from './detached-task.ts';
import { databaseLabel } from './serve-gateway.ts';
import { isRouterMessage, type PrimaryMessage, type WorkerMessage } from './cluster-messages.ts';

/** A worker that lived shorter than this counts as crashing; its replacement waits longer each time. */
const STABLE_AFTER_MS = 10_000;
const MAX_RESTART_DELAY_MS = 30_000;

/** The wait before replacing a worker that crashed `streak` times in a row soon after starting. */
export function restartDelayMs(streak: number): number {
  return streak <= 0 ? 0 : Math.min(MAX_RESTART_DELAY_MS, 250 * 2 ** (streak - 1));
}

interface Slot {
  worker?: Worker;
  startedAt: number;
  /** Crashes in a row, each soon after its start. */
  streak: number;
  ready: boolean;
  restart?: NodeJS.Timeout;
}

export function runClusterPrimary(config: GatewayConfig): void {
  const aggregator = new AggregatorRegistry();
  const slots = new Map<number, Slot>();
  let started = false;
  let stopping = false;

  const live = () => [...slots.values()].flatMap((s) => (s.worker && s.worker.isConnected() ? [s.worker] : []));
  const send = (worker: Worker, message: PrimaryMessage) => {
    // A worker may be exiting as we send: it no longer needs to hear.
    if (worker.isConnected()) worker.send(message, (error: Error | null) => void error);
  };
  const others = (from: Worker, message: PrimaryMessage) => {
    for (const worker of live()) if (worker !== from) send(worker, message);
  };

  function onMessage(slotId: number, worker: Worker, message: unknown): void {
    if (!isRouterMessage<WorkerMessage>(message)) return;
    switch (message.router) {
      case 'ready': {
        const slot = slots.get(slotId)!;
        slot.ready = true;
        // The first worker has migrated and seeded the database: the rest can open it without racing it.
        if (!started && slotId === 1) for (let id = 2; id <= config.workers; id++) fork(id);
        if (!started && [...slots.values()].every((s) => s.ready)) {
          started = true;
          console.log(`[router] listening on http://${config.host}:${config.port}/v1 with ${config.workers} worker processes (database ${databaseLabel(config)})`);
        }
        return;
      }
      case 'config-changed':
      case 'breaker':
        return others(worker, message);
      case 'metrics-request':
        runDetached('summing the workers’ metrics', async () => {
          try {
            send(worker, { router: 'metrics-reply', id: message.id, text: await aggregator.clusterMetrics() });
          } catch (error) {
            send(worker, { router: 'metrics-reply', id: message.id, error: (error as Error).message });
          }
        });
        return;
    }
  }

  function fork(slotId: number): void {
    const slot = slots.get(slotId)!;
    slot.restart = undefined;
    slot.ready = false;
    slot.startedAt = Date.now();
    const worker = cluster.fork({ ROUTER_WORKER_ID: String(slotId) });
    slot.worker = worker;
    worker.on('message', (message: unknown) => onMessage(slotId, worker, message));
    worker.on('exit', (code, signal) => onExit(slotId, worker, code, signal));
  }

  function onExit(slotId: number, worker: Worker, code: number | null, signal: string | null): void {
    const slot = slots.get(slotId)!;
    if (slot.worker !== worker) return;
    slot.worker = undefined;
    if (stopping) return finishIfDone();
    if (!started) {
      // A worker that cannot start (a bad category file, a port in use) will not start the next time either.
      console.error(`[router] worker ${slotId} exited during start (${signal ?? `code ${code}`}); stopping`);
      return stop('failed start', 1);
    }
    slot.streak = Date.now() - slot.startedAt < STABLE_AFTER_MS ? slot.streak + 1 : 0;
    const delay = restartDelayMs(slot.streak);
    console.warn(`[router] worker ${slotId} exited (${signal ?? `code ${code}`}); replacing it${delay ? ` in ${delay} ms` : ''}`);
    slot.restart = setTimeout(() => fork(slotId), delay);
  }

  let exitCode = 0;
  let forceExit: NodeJS.Timeout | undefined;
  function finishIfDone(): void {
    if (live().length > 0 || [...slots.values()].some((s) => s.worker)) return;
    clearTimeout(forceExit);
    console.log('[router] every worker has stopped');
    process.exit(exitCode);
  }

  /** Each worker runs its own shutdown (drain, record, flush); the primary waits for all of them. */
  function stop(reason: string, code = 0): void {
    if (stopping) return;
    stopping = true;
    exitCode = code;
    console.log(`[router] ${reason}: stopping ${live().length} worker process(es)`);
    for (const slot of slots.values()) clearTimeout(slot.restart);
    for (const worker of live()) worker.process.kill('SIGTERM');
    // A worker's own shutdown gives up after its grace period and 2 s more; past that, it is stuck.
    forceExit = setTimeout(() => {
      for (const slot of slots.values()) slot.worker?.process.kill('SIGKILL');
      console.error('[router] workers did not stop in time');
      process.exit(1);
    }, config.shutdownGraceMs + 10_000);
    finishIfDone();
  }

  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  for (let id = 1; id <= config.workers; id++) slots.set(id, { startedAt: 0, streak: 0, ready: false });
  // One worker first: on a new file, several at once would race each other's migrations and seeding.
  fork(1);
}
