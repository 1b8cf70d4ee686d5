// deploy/docker-compose.yml (two replicas on PostgreSQL behind nginx, Prometheus scraping each
// replica) is read as Docker Compose reads it: no Docker here, so the test parses the files and
// checks that they fit together and fit the gateway's own settings.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../service/config/gateway-config.ts';

const DEPLOY = path.resolve(import.meta.dirname, '..', 'deploy');
const read = (file: string) => readFileSync(path.join(DEPLOY, file), 'utf8');

interface Service {
  build?: string;
  image?: string;
  env_file?: string;
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }> | string[];
  ports?: string[];
  expose?: string[];
  volumes?: string[];
  stop_grace_period?: string;
  healthcheck?: { test: string[] };
}

// Compose's YAML 1.1 merge keys (`<<: *router`) are how both replicas share one definition.
const compose = parse(read('docker-compose.yml'), { merge: true }) as { services: Record<string, Service>; volumes: Record<string, unknown> };
const replicas = Object.keys(compose.services).filter((name) => name.startsWith('router-'));

/** ${VAR:?message} and ${VAR} as Compose fills them in from deploy/.env. */
function interpolate(value: string, env: Record<string, string>): string {
  return value.replace(/\$\{(\w+)(?::\?[^}]*)?\}/g, (_, name: string) => env[name] ?? '');
}

describe('deploy/docker-compose.yml', () => {
  it('runs two replicas of the gateway image on the one PostgreSQL service, started once it is healthy', () => {
    expect(replicas).toEqual(['router-a', 'router-b']);
    expect(compose.services.postgres.image).toMatch(/^postgres:\d+/);
    expect(compose.services.postgres.healthcheck!.test.join(' ')).toContain('pg_isready');
    expect(compose.volumes).toHaveProperty('pg-data');
    for (const name of replicas) {
      const service = compose.services[name];
      expect(service.build).toBe('..');
      expect(existsSync(path.join(DEPLOY, service.build!, 'Dockerfile'))).toBe(true);
      expect(service.depends_on).toEqual({ postgres: { condition: 'service_healthy' } });
      // Only the load balancer is published; the replicas are reached on the compose network.
      expect(service.ports).toBeUndefined();
      expect(service.expose).toEqual(['3456']);
    }
  });

  it('gives each replica a ROUTER_DATABASE_URL the gateway accepts, naming the postgres service and its credentials', () => {
    const env = Object.fromEntries(
      read('env.example')
        .split('\n')
        .filter((line) => /^\w+=/.test(line))
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    );
    const postgres = compose.services.postgres.environment!;
    for (const name of replicas) {
      const url = interpolate(compose.services[name].environment!.ROUTER_DATABASE_URL, env);
      const config = loadConfig({ ROUTER_DATABASE_URL: url });
      const parsed = new URL(config.databaseUrl!);
      expect(parsed.hostname).toBe('postgres');
      expect(parsed.username).toBe(postgres.POSTGRES_USER);
      expect(parsed.pathname).toBe(`/${postgres.POSTGRES_DB}`);
      expect(decodeURIComponent(parsed.password)).toBe(interpolate(postgres.POSTGRES_PASSWORD, env));
      // docker compose stop must wait longer than the gateway's drain.
      expect(Number.parseInt(compose.services[name].stop_grace_period!, 10) * 1000).toBeGreaterThan(config.shutdownGraceMs);
    }
  });

  it('balances over every replica with nginx, streaming answers through unbuffered', () => {
    const proxy = compose.services.proxy;
    expect(proxy.volumes).toContain('./nginx.conf:/etc/nginx/nginx.conf:ro');
    expect(proxy.ports).toEqual(['127.0.0.1:3456:80']);
    const nginx = read('nginx.conf');
    const servers = [...nginx.matchAll(/^\s*server\s+([\w-]+):3456\b/gm)].map((m) => m[1]);
    expect(servers).toEqual(replicas);
    expect(nginx).toMatch(/proxy_buffering off;/);
    // Balanced braces: nginx refuses a file that is not.
    expect(nginx.split('{').length).toBe(nginx.split('}').length);
  });

  it('has Prometheus scrape each replica itself, with the admin key, in Prometheus text', () => {
    const prometheus = parse(read('prometheus.yml')) as { scrape_configs: Array<{ metrics_path: string; params: { format: string[] }; authorization: { credentials_file: string }; static_configs: Array<{ targets: string[] }> }> };
    const [job] = prometheus.scrape_configs;
    expect(job.metrics_path).toBe('/metrics');
    expect(job.params.format).toEqual(['prometheus']);
    expect(job.static_configs.flatMap((s) => s.targets)).toEqual(replicas.map((r) => `${r}:3456`));
    expect(compose.services.prometheus.volumes).toContain(`./admin-key:${job.authorization.credentials_file}:ro`);
  });
});
