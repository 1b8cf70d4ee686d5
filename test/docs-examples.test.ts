// The examples in docs/API.md and docs/CONFIGURATION.md are run as written. A fenced block whose
// info string holds `doc-test` is taken from the file, in order:
//   ```json doc-test router-config   the ROUTER_CONFIG the file's examples run against (one per file);
//                                     each provider's baseURL is pointed at a fake of its type
//   ```sh doc-test                    a shell command (curl), run with sh; http://127.0.0.1:3456 is the
//                                     gateway's address and $ROUTER_ADMIN_KEY its admin key
//   ```json doc-test response        what the command before it printed: every field shown must be
//                                     there with that value; "…" stands for any value, and an array
//                                     shown must have a matching element for each element shown
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { startFakeAnthropic } from './support/fake-anthropic-upstream.ts';
import { startFakeGoogle } from './support/fake-google-upstream.ts';
import { startFakeOllama } from './support/fake-ollama-upstream.ts';
import { startFakeOpenAI } from './support/fake-openai-upstream.ts';
import { startGateway, type RunningGateway } from './support/start-gateway.ts';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '..');
const DOCUMENTED_ADDRESS = 'http://127.0.0.1:3456';
const ADMIN_KEY = 'doc-admin-key';

interface Block {
  kind: 'router-config' | 'sh' | 'response';
  text: string;
  line: number;
}

export function docTestBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\w+)\s+doc-test(?:\s+([\w-]+))?\s*$/.exec(lines[i]);
    if (!open) continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && !lines[end].startsWith('```')) end++;
    const text = lines.slice(start, end).join('\n');
    const kind = open[1] === 'sh' ? 'sh' : open[2] === 'router-config' ? 'router-config' : 'response';
    blocks.push({ kind, text, line: start });
    i = end;
  }
  return blocks;
}

/** Every field `expected` shows is in `actual` with that value; "…" matches anything. Returns where it differs, or null. */
export function shapeMismatch(actual: unknown, expected: unknown, where = '$'): string | null {
  if (expected === '…') return null;
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return `${where}: expected an array, got ${JSON.stringify(actual)?.slice(0, 200)}`;
    for (const [i, item] of expected.entries()) {
      if (item === '…') continue;
      if (!actual.some((candidate) => shapeMismatch(candidate, item) === null)) return `${where}[${i}]: no element matches ${JSON.stringify(item).slice(0, 200)}`;
    }
    return null;
  }
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object') return `${where}: expected an object, got ${JSON.stringify(actual)?.slice(0, 200)}`;
    for (const [key, value] of Object.entries(expected)) {
      if (key === '…') continue;
      const problem = shapeMismatch((actual as Record<string, unknown>)[key], value, `${where}.${key}`);
      if (problem) return problem;
    }
    return null;
  }
  return Object.is(actual, expected) ? null : `${where}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`;
}

const started: Array<{ close(): Promise<void> }> = [];
afterAll(async () => {
  for (const thing of started.reverse()) await thing.close();
});

/** Starts fakes of each provider type the config names and a gateway on the config, pointed at them. */
async function gatewayFor(routerConfig: { providers?: Record<string, { type: string; baseURL?: string; apiKeyEnv?: string }> } & Record<string, unknown>): Promise<RunningGateway> {
  const [openai, anthropic, google, ollama] = await Promise.all([
    startFakeOpenAI({ models: ['llama-3.3-70b', 'qwen3-coder'] }),
    startFakeAnthropic(),
    startFakeGoogle(),
    startFakeOllama({ models: ['qwen2.5-coder:7b', 'llama3.2:latest'] }),
  ]);
  started.push(openai, anthropic, google, ollama);
  const hosts: Record<string, string> = { openai: openai.baseURL, anthropic: anthropic.url, google: google.url, ollama: ollama.url };
  // The file's own health settings apply (startGateway turns probing off unless told otherwise).
  const env: Record<string, string> = { ROUTER_ADMIN_KEY: ADMIN_KEY, ROUTER_HEALTH_INTERVAL_S: '' };
  const providers = Object.fromEntries(
    Object.entries(routerConfig.providers ?? {}).map(([name, spec]) => {
      if (spec.apiKeyEnv) env[spec.apiKeyEnv] = 'test-key';
      return [name, { ...spec, baseURL: hosts[spec.type] }];
    }),
  );
  const gw = await startGateway({ routerConfig: { ...routerConfig, providers }, env });
  started.push(gw);
  // What the background probes would have found by now.
  await gw.gateway.health.checkAll();
  return gw;
}

for (const doc of ['docs/CONFIGURATION.md', 'docs/API.md']) {
  describe(`examples in ${doc}`, () => {
    const blocks = docTestBlocks(readFileSync(path.join(ROOT, doc), 'utf8'));

    it('has examples marked for testing, and one ROUTER_CONFIG for them', () => {
      expect(blocks.filter((b) => b.kind === 'router-config')).toHaveLength(1);
      expect(blocks.filter((b) => b.kind === 'sh').length).toBeGreaterThan(0);
    });

    it('runs each command as written and gets the answer shown', async () => {
      const config = JSON.parse(blocks.find((b) => b.kind === 'router-config')!.text);
      const gw = await gatewayFor(config);
      let lastOutput: { line: number; text: string } | undefined;
      for (const block of blocks) {
        if (block.kind === 'sh') {
          const command = block.text.replaceAll(DOCUMENTED_ADDRESS, gw.url);
          const { stdout } = await run('sh', ['-c', command], { env: { PATH: process.env.PATH ?? '', ROUTER_ADMIN_KEY: ADMIN_KEY }, timeout: 20_000 });
          lastOutput = { line: block.line, text: stdout };
        } else if (block.kind === 'response') {
          expect(lastOutput, `${doc}:${block.line}: a response block needs a command before it`).toBeDefined();
          let actual: unknown;
          try {
            actual = JSON.parse(lastOutput!.text);
          } catch {
            throw new Error(`${doc}:${lastOutput!.line}: the command did not print JSON: ${lastOutput!.text.slice(0, 300)}`);
          }
          const mismatch = shapeMismatch(actual, JSON.parse(block.text));
          expect(mismatch, `${doc}:${block.line}: ${JSON.stringify(actual).slice(0, 1500)}`).toBeNull();
          lastOutput = undefined;
        }
      }
    });
  });
}

describe('the doc-test matcher', () => {
  it('takes "…" for any value and matches array elements in any order', () => {
    expect(shapeMismatch({ a: 1, b: [{ x: 1 }, { x: 2 }], c: 'z' }, { a: 1, b: [{ x: 2 }, '…'], c: '…' })).toBeNull();
    expect(shapeMismatch({ a: 1 }, { a: 2 })).toMatch(/\$\.a: expected 2, got 1/);
    expect(shapeMismatch({ b: [{ x: 1 }] }, { b: [{ x: 3 }] })).toMatch(/no element matches/);
  });
});
