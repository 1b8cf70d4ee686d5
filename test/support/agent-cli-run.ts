// Runs a real coding-agent CLI headless against the gateway, offline: a temporary HOME (and
// CODEX_HOME), telemetry and updates off, a bounded time. Resolves with its output whatever its exit.
import { execFile } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A temporary work folder with a note file whose secret only a tool call can read. */
export function workFolder(secret: string): { dir: string; note: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'agent-work-'));
  const note = path.join(dir, 'note.txt');
  writeFileSync(note, `${secret}\n`);
  return { dir, note };
}

export function runCli(executable: string, args: string[], options: { cwd: string; env: Record<string, string>; timeoutMs?: number }): Promise<CliRun> {
  const home = mkdtempSync(path.join(tmpdir(), 'agent-home-'));
  mkdirSync(path.join(home, '.config'), { recursive: true });
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, '.config'),
    // Claude Code: no telemetry, error reports or update checks.
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    DISABLE_AUTOUPDATER: '1',
    DISABLE_TELEMETRY: '1',
    DISABLE_ERROR_REPORTING: '1',
    // Codex: no update check, no analytics.
    CODEX_DISABLE_UPDATE_CHECK: '1',
    NO_COLOR: '1',
    ...options.env,
  };
  return new Promise((resolve) => {
    const child = execFile(executable, args, { cwd: options.cwd, env, timeout: options.timeoutMs ?? 90_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stdout: String(stdout), stderr: String(stderr) });
    });
    child.stdin?.end();
  });
}

/** writeFileSync that creates the folder first. */
export function writeFileIn(dir: string, name: string, text: string): string {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}
