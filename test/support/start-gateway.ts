// Starts the real gateway HTTP server on an ephemeral 127.0.0.1 port with a fresh database.
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import OpenAI from 'openai';
import { loadConfig, type GatewayConfig } from '../../service/config/gateway-config.ts';
import { buildGateway, type Gateway, type GatewayOverrides } from '../../service/gateway.ts';
import { writeCategories } from './gateway-process.ts';

export interface RunningGateway {
  url: string;
  baseURL: string;
  dir: string;
  config: GatewayConfig;
  gateway: Gateway;
  client(options?: Partial<ConstructorParameters<typeof OpenAI>[0]>): OpenAI;
  /** Stops the server and closes the database (flushing the log). */
  stop(): Promise<void>;
  /** stop() and remove the temporary folder. */
  close(): Promise<void>;
}

export interface StartOptions {
  env?: Record<string, string>;
  /** Chains by category, written into a temporary categories/ folder seeded from the real one. */
  chains?: Record<string, string[]>;
  /** ROUTER_CONFIG content. */
  routerConfig?: unknown;
  overrides?: GatewayOverrides;
  /** Reuse a folder (and its database) from an earlier run. */
  dir?: string;
  /** Extra pricing files (provider → models), added to the real pricing/ folder's. */
  pricing?: Record<string, Record<string, { input: number; cached_input?: number; output: number }>>;
}

const ROOT = path.resolve(import.meta.dirname, '..', '..');

export async function startGateway(options: StartOptions = {}): Promise<RunningGateway> {
  const dir = options.dir ?? mkdtempSync(path.join(tmpdir(), 'router-test-'));
  const categoriesDir = writeCategories(dir, (name) => options.chains?.[name]);
  const pricingDir = path.join(dir, 'pricing');
  mkdirSync(pricingDir, { recursive: true });
  for (const file of readdirSync(path.join(ROOT, 'pricing'))) writeFileSync(path.join(pricingDir, file), readFileSync(path.join(ROOT, 'pricing', file)));
  for (const [provider, models] of Object.entries(options.pricing ?? {})) {
    writeFileSync(path.join(pricingDir, `${provider}.json`), JSON.stringify({ provider, source: 'test', updated: '2026-11-22', models }));
  }
  // Background health probes are off unless a test asks for them: they would add requests to the fakes' counts.
  const env: Record<string, string> = { ROUTER_DB: path.join(dir, 'router.db'), ROUTER_CATEGORIES_DIR: categoriesDir, ROUTER_PRICING_DIR: pricingDir, ROUTER_HEALTH_INTERVAL_S: '0', ...options.env };
  if (options.routerConfig) {
    writeFileSync(path.join(dir, 'router-config.json'), JSON.stringify(options.routerConfig));
    env.ROUTER_CONFIG = path.join(dir, 'router-config.json');
  }
  const config = loadConfig(env);
  const gateway = await buildGateway(config, options.overrides);
  const server = serve({ fetch: gateway.app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    (server as unknown as { closeAllConnections(): void }).closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await gateway.close();
  };
  return {
    url,
    baseURL: `${url}/v1`,
    dir,
    config,
    gateway,
    client: (clientOptions = {}) => new OpenAI({ baseURL: `${url}/v1`, apiKey: 'client-key', maxRetries: 0, ...clientOptions }),
    stop,
    close: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** ROUTER_CONFIG that names fake OpenAI-compatible hosts as providers. */
export function fakeProviders(hosts: Record<string, string>): unknown {
  return { providers: Object.fromEntries(Object.entries(hosts).map(([name, baseURL]) => [name, { type: 'openai', baseURL, apiKeyEnv: `${name.toUpperCase()}_KEY` }])) };
}

/** The env that gives each fake provider a key. */
export function fakeKeys(names: string[]): Record<string, string> {
  return Object.fromEntries(names.map((n) => [`${n.toUpperCase()}_KEY`, 'test-key']));
}
