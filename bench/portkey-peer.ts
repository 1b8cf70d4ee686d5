// The peer: Portkey's open-source gateway (npm @portkey-ai/gateway), installed on first use into a
// cache folder outside the repository (never a dependency of this project) and run as its own process.
// It is pointed at the bench upstream per request, with `x-portkey-provider: openai` and
// `x-portkey-custom-host` (its default trusted hosts include 127.0.0.1).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { homedir } from 'node:os';
import path from 'node:path';
import { freePort } from '../test/support/free-port.ts';

export const PORTKEY_VERSION = process.env.BENCH_PORTKEY_VERSION ?? '1.15.2';
const CACHE = process.env.BENCH_PORTKEY_DIR ?? path.join(homedir(), '.cache', 'llm-router-bench', 'portkey');
const PACKAGE_DIR = path.join(CACHE, 'node_modules', '@portkey-ai', 'gateway');
const ENTRY = path.join(PACKAGE_DIR, 'build', 'start-server.js');

export type PortkeyPeer = { available: true; port: number; child: ChildProcess; headers: Record<string, string> } | { available: false; reason: string };

function installedVersion(): string | null {
  try {
    return (JSON.parse(readFileSync(path.join(PACKAGE_DIR, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return null;
  }
}

/** Installs the pinned version into the cache folder unless it is already there; returns an error text or null. */
function ensureInstalled(): string | null {
  if (installedVersion() === PORTKEY_VERSION && existsSync(ENTRY)) return null;
  mkdirSync(CACHE, { recursive: true });
  console.log(`installing @portkey-ai/gateway@${PORTKEY_VERSION} into ${CACHE} (first run only)`);
  // Under `npm run`, npm_execpath is the npm that runs us; otherwise the npm on PATH.
  const npm = process.env.npm_execpath;
  const args = ['install', '--prefix', CACHE, '--no-fund', '--no-audit', '--loglevel=error', `@portkey-ai/gateway@${PORTKEY_VERSION}`];
  const run = npm?.endsWith('.js') ? spawnSync(process.execPath, [npm, ...args], { encoding: 'utf8', timeout: 300_000 }) : spawnSync('npm', args, { encoding: 'utf8', timeout: 300_000 });
  if (run.error) return `npm install failed: ${run.error.message}`;
  if (run.status !== 0) return `npm install exited ${run.status}: ${(run.stderr || run.stdout).trim().split('\n').slice(0, 2).join('; ')}`;
  return existsSync(ENTRY) ? null : `installed, but ${ENTRY} is missing`;
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

/** Installs (first run) and starts Portkey on a free port; on any failure says why instead of throwing. */
export async function startPortkey(upstreamPort: number): Promise<PortkeyPeer> {
  const installError = ensureInstalled();
  if (installError) return { available: false, reason: installError };
  const port = await freePort();
  // NODE_ENV=production and --headless: no log UI, no console spinner beyond start-up.
  const child = spawn(process.execPath, [ENTRY, `--port=${port}`, '--headless'], {
    cwd: CACHE,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NODE_ENV: 'production' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d) => {
    if (stderr.length < 4000) stderr += d;
  });
  const deadline = Date.now() + 20_000;
  while (!(await listening(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGTERM');
      return { available: false, reason: `Portkey did not start: ${stderr.trim().split('\n').slice(-2).join('; ') || `exit ${child.exitCode}`}` };
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const headers = { 'x-portkey-provider': 'openai', 'x-portkey-custom-host': `http://127.0.0.1:${upstreamPort}/v1`, authorization: 'Bearer bench' };
  return { available: true, port, child, headers };
}
