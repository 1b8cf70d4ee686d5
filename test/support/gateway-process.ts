// Runs the gateway as its own process (`node service/main.ts`), as operators do, for tests of
// signals and restarts and for the benchmarks; and writes the files such a gateway reads.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { freePort } from './free-port.ts';

const ROOT = path.resolve(import.meta.dirname, '..', '..');

export interface GatewayProcess {
  url: string;
  port: number;
  child: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Copies the real categories/ into `dir/categories`, each with the chain `chainFor` gives it (or its own); returns that folder. */
export function writeCategories(dir: string, chainFor: (category: string) => string[] | undefined): string {
  const categoriesDir = path.join(dir, 'categories');
  mkdirSync(categoriesDir, { recursive: true });
  for (const file of readdirSync(path.join(ROOT, 'categories'))) {
    const category = JSON.parse(readFileSync(path.join(ROOT, 'categories', file), 'utf8'));
    category.chain = chainFor(category.name) ?? category.chain;
    writeFileSync(path.join(categoriesDir, file), JSON.stringify(category));
  }
  return categoriesDir;
}

/** Writes ROUTER_CONFIG and the categories into `dir`; returns the environment that points a gateway at them and at `dir/router.db`. */
export function writeGatewayFiles(dir: string, routerConfig: unknown, chainFor: (category: string) => string[] | undefined): Record<string, string> {
  writeFileSync(path.join(dir, 'config.json'), JSON.stringify(routerConfig));
  return { ROUTER_DB: path.join(dir, 'router.db'), ROUTER_CONFIG: path.join(dir, 'config.json'), ROUTER_CATEGORIES_DIR: writeCategories(dir, chainFor) };
}

/** `npm start` (package.json) as parts: `[env NAME=value …] node [--flag …] service/main.ts`, so tests and benchmarks run the gateway as operators do. */
export const START_COMMAND: { env: Record<string, string>; nodeFlags: string[] } = (() => {
  const words = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start.trim().split(/\s+/);
  const env: Record<string, string> = {};
  let i = words[0] === 'env' ? 1 : 0;
  for (; i < words.length && words[i].includes('='); i++) env[words[i].slice(0, words[i].indexOf('='))] = words[i].slice(words[i].indexOf('=') + 1);
  return { env, nodeFlags: words.slice(i + 1, words.indexOf('service/main.ts')).filter((flag) => flag.startsWith('--')) };
})();

/** Starts `node service/main.ts` (with npm start's node flags) on a free loopback port with only PATH, HOME and `env`, and waits until it listens. */
export async function startGatewayProcess(env: Record<string, string>): Promise<GatewayProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [...START_COMMAND.nodeFlags, path.join(ROOT, 'service/main.ts')], {
    env: { ...START_COMMAND.env, PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORT: String(port), HOST: '127.0.0.1', ROUTER_HEALTH_INTERVAL_S: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const deadline = Date.now() + 15_000;
  while (!output.includes('listening')) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`gateway did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return { url: `http://127.0.0.1:${port}`, port, child, output: () => output, exited };
}
