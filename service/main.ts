// Entry point: read the configuration once, build the gateway, serve, shut down cleanly.
import { serve } from '@hono/node-server';
import { ConfigError, loadConfig, type GatewayConfig } from './config/gateway-config.ts';
import { describeListenError } from './config/listen-error.ts';
import { buildGateway } from './gateway.ts';
import { runDetached } from './process/detached-task.ts';
import { installSafetyNet } from './process/safety-net.ts';

let config: GatewayConfig;
try {
  config = loadConfig();
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(`[router] configuration error: ${error.message}`);
    process.exit(1);
  }
  throw error;
}

let gateway: ReturnType<typeof buildGateway>;
try {
  gateway = buildGateway(config);
} catch (error) {
  // A bad pricing or category file, or a database that cannot be opened: say which, plainly.
  console.error(`[router] cannot start: ${(error as Error).message}`);
  process.exit(1);
}
const server = serve({ fetch: gateway.app.fetch, port: config.port, hostname: config.host }, (info) => {
  const configured = config.providers.filter((p) => p.configured).map((p) => p.name);
  console.log(`[router] listening on http://${info.address}:${info.port}/v1 (database ${config.dbPath})`);
  console.log(`[router] providers configured: ${configured.length ? configured.join(', ') : 'none (chat requests answer 503 until one is set)'}`);
  if (!config.adminKey) console.warn('[router] ROUTER_ADMIN_KEY is not set: admin routes answer loopback clients only');
});
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

type ClosableServer = { closeAllConnections?: () => void; closeIdleConnections?: () => void };

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
