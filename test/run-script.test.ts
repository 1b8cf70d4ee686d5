// ./run as operators use it: it picks a Node within package.json's engines range (a Node 22 older
// than 22.18 cannot load the .ts sources), and `./run start` stopped by its PID stops the gateway.
import { execFile, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from './support/free-port.ts';
import { until } from './support/until.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const NODE24_PREFIX = path.join(homedir(), '.node24');
const dir = mkdtempSync(path.join(tmpdir(), 'router-run-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('scripts/ensure-node.sh', () => {
  it('puts Node 24 first on PATH when the node on PATH is a Node 22 below the engines range', async () => {
    const fakeBin = path.join(dir, 'fake-bin');
    mkdirSync(fakeBin);
    // A node that says it is 22.5.0 however it is asked (`--version`, process.versions), as a real
    // one would; only the .ts sources would fail on it.
    writeFileSync(path.join(fakeBin, 'pretend-22.5.cjs'), "Object.defineProperty(process.versions, 'node', { value: '22.5.0' }); Object.defineProperty(process, 'version', { value: 'v22.5.0' });\n");
    writeFileSync(
      path.join(fakeBin, 'node'),
      `#!/bin/sh\nif [ "$1" = "--version" ] || [ "$1" = "-v" ]; then echo v22.5.0; exit 0; fi\nexec ${process.execPath} --require ${path.join(fakeBin, 'pretend-22.5.cjs')} "$@"\n`,
    );
    chmodSync(path.join(fakeBin, 'node'), 0o755);
    expect((await promisify(execFile)(path.join(fakeBin, 'node'), ['-p', 'process.versions.node'])).stdout.trim()).toBe('22.5.0');
    const { stdout } = await promisify(execFile)('bash', ['-c', '. scripts/ensure-node.sh && command -v node && node --version'], {
      cwd: ROOT,
      env: { PATH: `${fakeBin}:${process.env.PATH}`, HOME: process.env.HOME ?? '', NODE24_PREFIX },
    });
    const [chosen, version] = stdout.trim().split('\n');
    expect(chosen).toBe(path.join(NODE24_PREFIX, 'node_modules', '.bin', 'node'));
    expect(version).toMatch(/^v24\./);
  });

  it('keeps a node that satisfies the engines range', async () => {
    const { stdout } = await promisify(execFile)('bash', ['-c', '. scripts/ensure-node.sh && node -p process.execPath'], {
      cwd: ROOT,
      env: { PATH: `${path.dirname(process.execPath)}:/usr/bin:/bin`, HOME: process.env.HOME ?? '', NODE24_PREFIX: path.join(dir, 'never-installed') },
    });
    expect(stdout.trim()).toBe(process.execPath);
    expect(JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).engines.node).toBe('>=22.18');
  });
});

describe('./run start', () => {
  // ROUTER_WORKERS=2: the PID is the cluster's primary, which drains its workers before it exits.
  it.each(['1', '2'])('stops the gateway (ROUTER_WORKERS=%s) when its own PID gets SIGTERM, leaving no process behind', async (workers) => {
    const port = await freePort();
    const run = spawn(path.join(ROOT, 'run'), ['start'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NODE24_PREFIX, PORT: String(port), HOST: '127.0.0.1', ROUTER_DB: path.join(dir, `run-${workers}.db`), ROUTER_WORKERS: workers },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    run.stdout.on('data', (d) => (output += d));
    run.stderr.on('data', (d) => (output += d));
    const exited = new Promise<number | null>((resolve) => run.once('exit', (code) => resolve(code)));
    await until(() => output.includes('listening') || run.exitCode !== null, 20_000);
    expect(output).toContain(`listening on http://127.0.0.1:${port}`);
    const tree = [run.pid!, ...descendants(run.pid!)];
    try {
      run.kill('SIGTERM');
      // Nothing the run started is left (no orphaned npm, sh or node), and the port is closed.
      await until(() => tree.every((pid) => !alive(pid)), 10_000).catch(() => undefined);
      expect(tree.filter(alive), output).toEqual([]);
      expect(await accepts(port)).toBe(false);
      expect(await exited).toBe(0);
      expect(output).toContain('database closed');
    } finally {
      for (const pid of tree.filter(alive)) process.kill(pid, 'SIGKILL');
    }
  }, 40_000);
});

/** Every process below `pid`, from /proc. */
function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirProc()) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // it exited between the listing and the read
    }
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    children.set(ppid, [...(children.get(ppid) ?? []), entry]);
  }
  const found: number[] = [];
  const walk = (p: number) => (children.get(p) ?? []).forEach((c) => (found.push(c), walk(c)));
  walk(pid);
  return found;
}

function readdirProc(): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((pid) => {
      try {
        readFileSync(`/proc/${pid}/stat`);
        return true;
      } catch {
        return false;
      }
    });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');
  } catch {
    return false;
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}
