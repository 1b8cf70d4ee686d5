// One gateway process: open its stores and build it, serve it on the port, and on SIGTERM/SIGINT drain, record and
// flush before exiting. main.ts runs it directly, or in each worker process (ROUTER_WORKERS > 1).
import { serve } from '@hono/node-server';
import type { GatewayConfig } from '../config/gateway-config.ts';
import { describeListenError } from '../config/listen-error.ts';
import { buildGateway, type Gateway, type GatewayOverrides } from '../gateway.ts';
import { runDetached } from './detached-task.ts';
import { installSafetyNet } from './safety-net.ts';
import { redactUrl } from '../store/postgres/redact-url.ts';

export interface ServeOptions {
  overrides?: GatewayOverrides;
  /** Called once the server listens; a worker process prints its own, shorter line instead. */
  announce?: (config: GatewayConfig, address: string, port: number) => void;
  /** Wraps the app's fetch (a worker tells the others when a config route changed something). */
  wrapFetch?: (gateway: Gateway) => Gateway['app']['fetch'];
}

export interface ServedGateway {
  gateway: Gateway;
  /** Runs the shutdown the signals run; a second call does nothing. */
  shutdown(reason: string): void;
}

/** The start-up line's "database …": the SQLite file, or PostgreSQL's URL without its password. */
export function databaseLabel(config: GatewayConfig): string {
  return config.databaseUrl ? `PostgreSQL ${redactUrl(config.databaseUrl)}` : config.dbPath;
}

function announceListening(config: GatewayConfig, address: string, port: number): void {
  const configured = config.providers.filter((p) => p.configured).map((p) => p.name);
  console.log(`[router] listening on http://${address}:${port}/v1 (database ${databaseLabel(config)})`);
  console.log(`[router] providers configured: ${configured.length ? configured.join(', ') : 'none (chat requests answer 503 until one is set)'}`);
  if (!config.adminKey) console.warn('[router] ROUTER_ADMIN_KEY is not set: admin routes answer loopback clients only');
}

type ClosableServer = { closeAllConnections?: () => void; closeIdleConnections?: () => void };

export async function serveGateway(config: GatewayConfig, options: ServeOptions = {}): Promise<ServedGateway> {
  let gateway: Gateway;
  try {
    gateway = await buildGateway(config, options.overrides);
  } catch (error) {
    // A bad pricing or category file, or a database that cannot be opened or reached: say which, plainly.
    console.error(`[router] cannot start: ${(error as Error).message}`);
    process.exit(1);
  }
  const announce = options.announce ?? announceListening;
  const fetch = options.wrapFetch?.(gateway) ?? gateway.app.fetch;
  const server = serve({ fetch, port: config.port, hostname: config.host }, (info) => announce(config, info.address, info.port));
  // A port in use or a HOST that does not resolve is a configuration mistake: say which setting, then stop.
  server.on('error', (error: NodeJS.ErrnoException) => {
    if (server.listening) return console.error('[router] server error', error);
    console.error(`[router] cannot start: ${describeListenError(error, config)}`);
    process.exitCode = 1;
    runDetached('closing after a failed start', async () => {
      await gateway.close();
      process.exit(1);
    }, () => process.exit(1));
  });

  installSafetyNet();

  let stopping = false;
  /**
   * Stop accepting, let in-flight requests finish within the grace period, then cut the rest;
   * either way wait for every request's record (a cut stream is recorded as such) before the
   * log's last flush, then exit.
   */
  async function shutdown(signal: string): Promise<void> {
    if (stopping) return;
    stopping = true;
    console.log(`[router] ${signal}: no new connections; waiting up to ${config.shutdownGraceMs} ms for in-flight requests`);
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    (server as unknown as ClosableServer).closeIdleConnections?.();
    const inFlight = gateway.router.inFlight;
    if (!(await inFlight.settled(config.shutdownGraceMs))) {
      console.warn(`[router] grace period over; closing ${inFlight.count} remaining request(s)`);
      (server as unknown as ClosableServer).closeAllConnections?.();
      if (!(await inFlight.settled(2_000))) console.warn(`[router] ${inFlight.count} request(s) not recorded before exit`);
    }
    await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 1_000).unref())]);
    await gateway.close();
    console.log('[router] request log flushed, database closed');
    process.exit(0);
  }
  const onSignal = (signal: string) => runDetached(`shutdown on ${signal}`, () => shutdown(signal), () => process.exit(1));
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  process.on('SIGINT', () => onSignal('SIGINT'));
  return { gateway, shutdown: onSignal };
}
