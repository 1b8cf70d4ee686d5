// One run of a CLI as a child process: spawned without a shell in its own process group, so the
// whole group (the CLI and anything it started) can be killed at once; stdout read piece by piece
// with a bound on the total, stderr kept as a bounded tail for the error message.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** Everything a CLI prints to stdout for one answer; past this the call fails. */
export const MAX_STDOUT_BYTES = 16 * 1024 * 1024;
/** The end of stderr kept for the error message. */
const STDERR_TAIL_BYTES = 8 * 1024;

export interface CliProcessSpec {
  bin: string;
  args: string[];
  env: Record<string, string>;
  /** A fixed directory, or undefined for a fresh temporary one removed afterwards. */
  cwd: string | undefined;
  /** Written to stdin, which is then closed; undefined = no stdin at all. */
  stdin: string | undefined;
}

export interface CliExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export class CliProcess {
  readonly #child: ChildProcess;
  readonly #tempDir: string | undefined;
  #stderr = '';
  #killed = false;
  readonly started: Promise<void>;
  readonly exited: Promise<CliExit>;

  constructor(spec: CliProcessSpec) {
    this.#tempDir = spec.cwd ? undefined : mkdtempSync(path.join(tmpdir(), 'llm-router-cli-'));
    try {
      this.#child = spawn(spec.bin, spec.args, {
        cwd: spec.cwd ?? this.#tempDir,
        env: spec.env,
        detached: true,
        shell: false,
        stdio: [spec.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
        windowsHide: true,
      });
    } catch (error) {
      // Arguments spawn refuses outright: nothing started, so nothing else will remove the directory.
      if (this.#tempDir) rmSync(this.#tempDir, { recursive: true, force: true });
      throw error;
    }
    this.started = new Promise<void>((resolve, reject) => {
      this.#child.once('spawn', resolve);
      this.#child.once('error', reject);
    });
    const closed = new Promise<CliExit>((resolve) => {
      this.#child.once('close', (code, signal) => resolve({ code, signal }));
      // A child that never spawned closes nothing.
      this.#child.once('error', () => resolve({ code: null, signal: null }));
    });
    this.exited = this.#cleanUpAfter(closed);
    // A later 'error' (a failed kill) must not be an unhandled event; the first is handled above.
    this.#child.on('error', () => {});
    this.#child.stderr!.setEncoding('utf8');
    this.#child.stderr!.on('data', (text: string) => {
      this.#stderr = (this.#stderr + text).slice(-STDERR_TAIL_BYTES);
    });
    this.#child.stderr!.on('error', () => {});
    if (spec.stdin !== undefined) {
      const stdin = this.#child.stdin!;
      // A CLI that exits without reading all of stdin closes the pipe: not our failure to report.
      stdin.on('error', () => {});
      stdin.end(spec.stdin);
    }
  }

  /** The temporary directory goes with the process, whoever was reading it. */
  async #cleanUpAfter(closed: Promise<CliExit>): Promise<CliExit> {
    const exit = await closed;
    if (this.#tempDir) rmSync(this.#tempDir, { recursive: true, force: true });
    return exit;
  }

  get stderr(): string {
    return this.#stderr;
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  /** stdout as text, piece by piece; ends (without throwing) when the process is killed. */
  async *stdout(): AsyncGenerator<string> {
    const decoder = new TextDecoder();
    let bytes = 0;
    try {
      for await (const chunk of this.#child.stdout! as AsyncIterable<Buffer>) {
        bytes += chunk.length;
        if (bytes > MAX_STDOUT_BYTES) {
          this.kill();
          throw new StdoutTooLarge(`the CLI printed more than ${MAX_STDOUT_BYTES} bytes`);
        }
        const text = decoder.decode(chunk, { stream: true });
        if (text) yield text;
      }
    } catch (error) {
      if (error instanceof StdoutTooLarge || !this.#killed) throw error;
      return;
    }
    const tail = decoder.decode();
    if (tail) yield tail;
  }

  /** Kills the whole process group at once; the CLI gets no chance to leave anything running. */
  kill(): void {
    if (this.#killed) return;
    this.#killed = true;
    const pid = this.#child.pid;
    if (pid !== undefined) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // Already gone, or the group is: nothing left to kill.
      }
    }
    this.#child.stdout?.destroy();
    this.#child.stderr?.destroy();
  }

  get killed(): boolean {
    return this.#killed;
  }

  /** True until the process has exited. */
  get running(): boolean {
    return this.#child.exitCode === null && this.#child.signalCode === null && this.#child.pid !== undefined;
  }
}

export class StdoutTooLarge extends Error {}
