// ROUTER_WORKERS > 1, one worker process: today's gateway on the shared port, linked to the others
// through the primary (worker-cluster.ts). Config lives in the store, so a change is passed on as
// "re-read the store", with a poll of the audit log's last id as the safety net; a breaker reset or
// cool-down is passed on as itself; Prometheus text is asked of the primary, which sums every worker.
import { AggregatorRegistry } from 'prom-client';
import type { GatewayConfig } from '../config/gateway-config.ts';
import type { Gateway } from '../gateway.ts';
import { isRouterMessage, type PrimaryMessage, type WorkerMessage } from './cluster-messages.ts';
import { serveGateway } from './serve-gateway.ts';
import { runDetached } from './detached-task.ts';

/** The safety net's period: a change whose message was lost is in force within a second anyway. */
const CONFIG_POLL_MS = 500;
const METRICS_TIMEOUT_MS = 10_000;

function tellPrimary(message: WorkerMessage): void {
  // The primary is gone when the channel is closed: this worker is shutting down then anyway.
  if (process.connected) process.send!(message, undefined, {}, (error: Error | null) => void error);
}

export async function runClusterWorker(config: GatewayConfig): Promise<void> {
  const id = Number(process.env.ROUTER_WORKER_ID);
  if (!Number.isInteger(id) || id < 1) throw new Error('a worker process needs ROUTER_WORKER_ID from its primary');
  let gateway!: Gateway;
  let configVersion = 0;
  /** Re-reads the store when its config version moved; true when it had. */
  const syncConfig = async (): Promise<boolean> => {
    const version = await gateway.configVersion();
    if (version === configVersion) return false;
    configVersion = version;
    await gateway.reloadConfig();
    return true;
  };
  const syncFailed = (error: unknown) => console.error('[router] re-reading the config store failed:', (error as Error).message);

  const served = await serveGateway(config, {
    // Only the first worker checkpoints the WAL: concurrent checkpoints would only get in each other's way.
    overrides: { worker: { id, count: config.workers }, checkpointWal: id === 1 },
    announce: (_config, address, port) => {
      console.log(`[router] worker ${id} (pid ${process.pid}) serving on ${address}:${port}`);
      tellPrimary({ router: 'ready' });
    },
    wrapFetch: (built) => {
      gateway = built;
      return async (request, env) => {
        const response = await gateway.app.fetch(request, env);
        // A write through a config route: the others re-read at once rather than at their next poll.
        if (request.method !== 'GET' && new URL(request.url).pathname.startsWith('/config')) {
          if (await syncConfig().catch((error: unknown) => (syncFailed(error), false))) tellPrimary({ router: 'config-changed' });
        }
        return response;
      };
    },
  });
  configVersion = await gateway.configVersion().catch(() => 0);

  const poll = setInterval(() => runDetached('config poll', () => syncConfig().catch(syncFailed)), CONFIG_POLL_MS);
  poll.unref();

  gateway.breakers.onShared((event) => tellPrimary({ router: 'breaker', event }));

  // prom-client answers the primary's requests for this registry itself.
  new AggregatorRegistry();
  AggregatorRegistry.setRegistries([gateway.prometheus.registry]);
  const pending = new Map<number, { resolve: (text: string) => void; reject: (error: Error) => void; timer: NodeJS.Timeout }>();
  let nextRequest = 0;
  gateway.prometheus.textFrom(
    () =>
      new Promise<string>((resolve, reject) => {
        const requestId = nextRequest++;
        const timer = setTimeout(() => {
          pending.delete(requestId);
          reject(new Error('the primary did not sum the workers’ metrics in time'));
        }, METRICS_TIMEOUT_MS);
        pending.set(requestId, { resolve, reject, timer });
        tellPrimary({ router: 'metrics-request', id: requestId });
      }),
  );

  process.on('message', (message: unknown) => {
    if (!isRouterMessage<PrimaryMessage>(message)) return;
    try {
      if (message.router === 'config-changed') runDetached('config re-read', () => syncConfig().catch(syncFailed));
      else if (message.router === 'breaker') gateway.breakers.applyShared(message.event);
      else if (message.router === 'metrics-reply') {
        const waiting = pending.get(message.id);
        if (!waiting) return;
        pending.delete(message.id);
        clearTimeout(waiting.timer);
        if (message.text !== undefined) waiting.resolve(message.text);
        else waiting.reject(new Error(message.error ?? 'the primary could not sum the workers’ metrics'));
      }
    } catch (error) {
      console.error(`[router] worker ${id}: handling "${message.router}" from the primary failed:`, (error as Error).message);
    }
  });
  // The primary died (kill -9): nobody replaces or relays any more; drain and stop like on SIGTERM.
  process.on('disconnect', () => served.shutdown('primary gone'));
}
