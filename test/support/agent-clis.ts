// The real coding-agent CLIs from npm, for the suites that drive them (dialects, CLI providers).
// Installed once, at pinned versions, into a cache folder outside the clone (~/.cache/llm-router/clis,
// or LLM_ROUTER_CLI_CACHE), so a fresh CI machine pays for it once and the repo stays small.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const AGENT_CLIS = {
  'claude-code': { pkg: '@anthropic-ai/claude-code', version: '2.1.332', bin: 'claude' },
  codex: { pkg: '@openai/codex', version: '0.171.0', bin: 'codex' },
  gemini: { pkg: '@google/gemini-cli', version: '0.61.0', bin: 'gemini' },
} as const;

export type AgentCliName = keyof typeof AGENT_CLIS;

export function cliCacheDir(): string {
  return process.env.LLM_ROUTER_CLI_CACHE ?? path.join(homedir(), '.cache', 'llm-router', 'clis');
}

const installing = new Map<AgentCliName, Promise<string>>();

/** The CLI's executable, installing it into the cache first if it is not there. Rejects with npm's output when the install fails. */
export function ensureAgentCli(name: AgentCliName): Promise<string> {
  let pending = installing.get(name);
  if (!pending) {
    pending = install(name);
    installing.set(name, pending);
  }
  return pending;
}

async function install(name: AgentCliName): Promise<string> {
  const { pkg, version, bin } = AGENT_CLIS[name];
  const prefix = path.join(cliCacheDir(), name);
  const executable = path.join(prefix, 'node_modules', '.bin', bin);
  const marker = path.join(prefix, 'node_modules', ...pkg.split('/'), 'package.json');
  if (existsSync(executable) && existsSync(marker)) {
    const { version: installed } = JSON.parse(await import('node:fs/promises').then((fs) => fs.readFile(marker, 'utf8'))) as { version: string };
    if (installed === version) return executable;
  }
  mkdirSync(prefix, { recursive: true });
  await run('npm', ['install', '--prefix', prefix, '--no-fund', '--no-audit', '--loglevel=error', `${pkg}@${version}`], { timeout: 600_000, maxBuffer: 16 * 1024 * 1024 });
  return executable;
}
