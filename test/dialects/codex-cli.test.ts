// The real Codex CLI (`codex exec --json`) against the gateway's /v1/responses, configured as a
// custom model provider with wire_api = "responses": a plain turn, and a turn that runs a shell
// command (exec_command) and answers from its output. The target is an OpenAI-compatible fake.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureAgentCli } from '../support/agent-clis.ts';
import { runCli, workFolder } from '../support/agent-cli-run.ts';
import { startFakeOpenAI, type FakeUpstream } from '../support/fake-openai-upstream.ts';
import { fakeKeys, fakeProviders, startGateway, type RunningGateway } from '../support/start-gateway.ts';

const CATEGORIES = ['code', 'conversation', 'reasoning', 'tools'];

describe('Codex through /v1/responses', { timeout: 180_000 }, () => {
  let codex: string;
  let upstream: FakeUpstream;
  let gw: RunningGateway;
  let codexHome: string;

  beforeAll(async () => {
    codex = await ensureAgentCli('codex');
    upstream = await startFakeOpenAI();
    gw = await startGateway({
      routerConfig: fakeProviders({ fakeoa: upstream.baseURL }),
      env: { ...fakeKeys(['fakeoa']), ROUTER_API_KEYS: 'sk-client-codex' },
      chains: Object.fromEntries(CATEGORIES.map((c) => [c, ['fakeoa/agent']])),
    });
    codexHome = mkdtempSync(path.join(tmpdir(), 'codex-home-'));
    writeFileSync(
      path.join(codexHome, 'config.toml'),
      ['model = "router"', 'model_provider = "gateway"', '', '[model_providers.gateway]', 'name = "gateway"', `base_url = "${gw.baseURL}"`, 'wire_api = "responses"', 'env_key = "GATEWAY_KEY"', ''].join('\n'),
    );
  }, 600_000);

  afterAll(async () => {
    await gw?.close();
    await upstream?.close();
  });

  function exec(prompt: string, cwd: string) {
    return runCli(codex, ['exec', '--json', '--skip-git-repo-check', prompt], { cwd, env: { CODEX_HOME: codexHome, GATEWAY_KEY: 'sk-client-codex' } });
  }

  /** The text of the agent's final message(s) in the JSONL event stream. */
  function agentText(stdout: string): string {
    return stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line))
      .filter((e) => e.type === 'item.completed' && e.item?.type === 'agent_message')
      .map((e) => e.item.text)
      .join('\n');
  }

  it('completes a plain turn', async () => {
    const { dir } = workFolder('unused');
    const run = await exec('Say hello.', dir);
    expect(agentText(run.stdout), run.stdout + run.stderr).toContain('Hello from agent');
    expect(run.stdout).toContain('"turn.completed"');
  });

  it('completes a turn that runs a shell command', async () => {
    const { dir, note } = workFolder('the-codex-secret-5521');
    const before = upstream.requests.length;
    const run = await exec(`Run cat on ${note} and tell me what it says.`, dir);
    const events = run.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
    const command = events.find((e) => e.type === 'item.completed' && e.item?.type === 'command_execution');
    expect(command?.item.command, run.stdout + run.stderr).toContain(`cat ${note}`);
    expect(agentText(run.stdout)).toContain('The file says:');
    expect(agentText(run.stdout)).toContain('the-codex-secret-5521');
    // The second call carried the command's output back as a tool message.
    const last = upstream.requests.slice(before).at(-1)!;
    expect(last.body.messages.find((m: any) => m.role === 'tool')?.tool_call_id).toBe('call_agent_exec1');
  });
});
