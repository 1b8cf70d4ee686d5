// Entry point: read the configuration once, then serve it in this process, or (ROUTER_WORKERS > 1)
// in worker processes that share the port and the store (the SQLite file, or PostgreSQL).
import cluster from 'node:cluster';
import { ConfigError, loadConfig, type GatewayConfig } from './config/gateway-config.ts';
import { serveGateway } from './process/serve-gateway.ts';
import { runClusterPrimary } from './process/worker-cluster.ts';
import { runClusterWorker } from './process/cluster-worker.ts';

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

if (config.workers <= 1) await serveGateway(config);
else if (cluster.isPrimary) runClusterPrimary(config);
else await runClusterWorker(config);
