// Entry point: read the configuration once, build the gateway, serve, shut down cleanly.
import { serve } from '@hono/node-server';
import { ConfigError, loadConfig, type GatewayConfig } from './config/gateway-config.ts';
import { buildGateway } from './gateway.ts';

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

let stopping = false;
function shutdown(signal: string): void {
  if (stopping) return;
  stopping = true;
  console.log(`[router] ${signal}: no new connections; waiting up to ${config.shutdownGraceMs} ms for in-flight requests`);
  const force = setTimeout(() => {
    console.warn('[router] grace period over; closing remaining connections');
    (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
  }, config.shutdownGraceMs);
  force.unref();
  (server as unknown as { closeIdleConnections?: () => void }).closeIdleConnections?.();
  server.close(() => {
    clearTimeout(force);
    gateway.close();
    console.log('[router] request log flushed, database closed');
    process.exit(0);
  });
}
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
