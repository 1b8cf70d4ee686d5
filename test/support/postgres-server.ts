// A real PostgreSQL server for the store tests: Debian's binaries, a cluster initialised in a
// temporary folder, listening on 127.0.0.1 on a free port (and a Unix socket in that folder).
// PostgreSQL refuses to run as root, so under root the cluster belongs to `nobody` (spawned with
// its uid directly, not through runuser, so a stop signal reaches the postmaster itself).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { freePort } from './free-port.ts';

export interface PostgresServer {
  port: number;
  /** A fresh, empty database on this server; its postgres:// URL. */
  createDatabase(name?: string): Promise<string>;
  /** Stops the server (fast shutdown: open connections are cut), keeping its data. */
  stop(): Promise<void>;
  /** Starts it again on the same port after stop(). */
  start(): Promise<void>;
  /** Stops it and removes its folder. */
  close(): Promise<void>;
}

const RUN_AS = process.getuid?.() === 0 ? { uid: idOf('-u'), gid: idOf('-g') } : {};

function idOf(flag: '-u' | '-g'): number {
  return Number(execFileSync('id', [flag, 'nobody']).toString().trim());
}

export function postgresBinDir(): string {
  const base = '/usr/lib/postgresql';
  const versions = existsSync(base) ? readdirSync(base).filter((v) => existsSync(path.join(base, v, 'bin', 'initdb'))) : [];
  if (versions.length === 0) throw new Error('no PostgreSQL server binaries in /usr/lib/postgresql/*/bin: run .ci/setup-postgresql.sh');
  versions.sort((a, b) => Number(b) - Number(a));
  return path.join(base, versions[0], 'bin');
}

let databases = 0;

export interface StartPostgresOptions {
  /** Server settings (postgres -c name=value) over the test defaults (fsync off). */
  settings?: Record<string, string>;
}

/** Test defaults: fsync off, since a test cluster that dies with its machine has nothing worth keeping. */
const TEST_SETTINGS: Record<string, string> = { fsync: 'off', full_page_writes: 'off', max_connections: '200' };

export async function startPostgres(options: StartPostgresOptions = {}): Promise<PostgresServer> {
  const bin = postgresBinDir();
  const dir = mkdtempSync(path.join(tmpdir(), 'router-pg-'));
  const data = path.join(dir, 'data');
  if (RUN_AS.uid !== undefined) chownSync(dir, RUN_AS.uid, RUN_AS.gid!);
  chmodSync(dir, 0o700);
  execFileSync(path.join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C'], { stdio: 'pipe', cwd: dir, ...RUN_AS });
  const port = await freePort();
  let child: ChildProcess | undefined;

  async function start(): Promise<void> {
    const settings = { ...TEST_SETTINGS, ...options.settings, listen_addresses: '127.0.0.1', unix_socket_directories: dir };
    const args = ['-D', data, '-p', String(port), ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`])];
    const proc = spawn(path.join(bin, 'postgres'), args, { stdio: ['ignore', 'ignore', 'pipe'], cwd: dir, ...RUN_AS });
    child = proc;
    // A test run that ends without close() (a crash, a timeout) must not leave the server running.
    const onExit = () => proc.kill('SIGKILL');
    process.once('exit', onExit);
    proc.once('exit', () => process.off('exit', onExit));
    let stderr = '';
    proc.stderr!.on('data', (chunk: Buffer) => {
      if (stderr.length < 20_000) stderr += chunk.toString();
    });
    const exited = new Promise<never>((_, reject) => proc.once('exit', (code) => reject(new Error(`postgres exited (${code}): ${stderr.slice(-2000)}`))));
    exited.catch(() => {});
    // Ready once it accepts a query; bounded at ~15 s.
    for (let i = 0; i < 300; i++) {
      const client = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres' });
      client.on('error', () => {});
      try {
        await Promise.race([client.connect(), exited]);
        await client.end();
        return;
      } catch (error) {
        await client.end().catch(() => {});
        if (proc.exitCode !== null) throw error;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    throw new Error(`postgres did not accept connections: ${stderr.slice(-2000)}`);
  }

  async function stop(): Promise<void> {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null) return;
    const gone = new Promise((r) => proc.once('exit', r));
    // SIGINT is PostgreSQL's fast shutdown.
    proc.kill('SIGINT');
    const timer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
    await gone;
    clearTimeout(timer);
  }

  await start();
  return {
    port,
    async createDatabase(name = `t${process.pid}_${++databases}`) {
      const client = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres' });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE "${name}"`);
      } finally {
        await client.end();
      }
      return `postgres://postgres@127.0.0.1:${port}/${name}`;
    },
    stop,
    start,
    async close() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * For one test file: a server started before its tests and stopped after them, and clean-ups
 * (pools, stores) that a test registers, run after it, newest first.
 */
export function usePostgresServer(): { server: () => PostgresServer; cleanups: Array<() => unknown> } {
  let server: PostgresServer | undefined;
  const cleanups: Array<() => unknown> = [];
  beforeAll(async () => {
    server = await startPostgres();
  }, 60_000);
  afterAll(() => server?.close());
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  return {
    server: () => {
      if (!server) throw new Error('the PostgreSQL server is not started yet (use it inside a test or hook)');
      return server;
    },
    cleanups,
  };
}
