// The processes a bench run talks to: the fake upstream, the floor proxy and the gateway as operators
// run it (`node service/main.ts`, default categories and chains, OPENAI_BASE_URL at the fake upstream),
// each pinned to the server core when pinning is available.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startGatewayProcess } from '../test/support/gateway-process.ts';
import { pinProcess, SERVER_CORE } from './pin-core.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
/** USER_HZ, which Linux fixes at 100 for /proc on every common architecture. */
const CLOCK_TICKS_PER_SECOND = 100;

export class BenchServers {
  readonly children: ChildProcess[] = [];

  /** Runs a bench script that prints `{"port":N}` once it listens; returns the port. */
  async startScript(script: string, args: string[] = []): Promise<number> {
    const child = spawn(process.execPath, [path.join(ROOT, script), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    this.adopt(child);
    return new Promise<number>((resolve, reject) => {
      child.stdout!.once('data', (d) => resolve((JSON.parse(String(d)) as { port: number }).port));
      child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
    });
  }

  /** The gateway with its shipped categories and chains; only the openai provider is configured, at the fake. */
  async startGateway(upstreamPort: number, dbPath: string): Promise<{ port: number; pid: number }> {
    const gateway = await startGatewayProcess({ OPENAI_API_KEY: 'bench', OPENAI_BASE_URL: `http://127.0.0.1:${upstreamPort}/v1`, ROUTER_DB: dbPath });
    this.adopt(gateway.child);
    return { port: gateway.port, pid: gateway.child.pid! };
  }

  /** Keeps a child to stop at the end and pins it to the server core. */
  adopt(child: ChildProcess): void {
    this.children.push(child);
    if (child.pid) pinProcess(child.pid, SERVER_CORE);
  }

  /** CPU seconds (user + system, all threads) the running server processes have used so far; 10 ms resolution. */
  cpuSeconds(): number {
    let ticks = 0;
    for (const child of this.children) {
      if (child.exitCode !== null || !child.pid) continue;
      try {
        // Fields after the ")" that closes the command name: utime and stime are the 12th and 13th.
        const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1].split(' ');
        ticks += Number(fields[11]) + Number(fields[12]);
      } catch {
        // Gone between the check and the read: it uses no more CPU.
      }
    }
    return ticks / CLOCK_TICKS_PER_SECOND;
  }

  stopAll(): void {
    for (const child of this.children) if (child.exitCode === null) child.kill('SIGTERM');
  }
}
