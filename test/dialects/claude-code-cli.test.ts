// The real Claude Code CLI (headless `claude -p`) against the gateway's /v1/messages: a plain turn
// and a turn that reads a file with its Read tool, once through an Anthropic target (passed
// through verbatim) and once through an OpenAI-compatible target (translated both ways).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureAgentCli } from '../support/agent-clis.ts';
import { runCli, workFolder } from '../support/agent-cli-run.ts';
import { startFakeAnthropic, type FakeAnthropic } from '../support/fake-anthropic-upstream.ts';
import { startFakeOpenAI, type FakeUpstream } from '../support/fake-openai-upstream.ts';
import { startGateway, type RunningGateway } from '../support/start-gateway.ts';

const CATEGORIES = ['code', 'conversation', 'reasoning', 'tools'];
const CLIENT_KEY = 'sk-client-claude-code';

describe('Claude Code through /v1/messages', { timeout: 180_000 }, () => {
  let claude: string;
  let anthropic: FakeAnthropic;
  let openai: FakeUpstream;
  let gw: RunningGateway;

  beforeAll(async () => {
    claude = await ensureAgentCli('claude-code');
    anthropic = await startFakeAnthropic();
    openai = await startFakeOpenAI();
    gw = await startGateway({
      routerConfig: {
        providers: {
          fakeant: { type: 'anthropic', baseURL: anthropic.url, apiKeyEnv: 'FAKEANT_KEY' },
          fakeoa: { type: 'openai', baseURL: openai.baseURL, apiKeyEnv: 'FAKEOA_KEY' },
        },
      },
      // Client keys on: Claude Code sends its ANTHROPIC_API_KEY as x-api-key.
      env: { FAKEANT_KEY: 'sk-ant-gateway', FAKEOA_KEY: 'sk-oa-gateway', ROUTER_API_KEYS: CLIENT_KEY },
    });
  }, 600_000);

  afterAll(async () => {
    await gw?.close();
    await anthropic?.close();
    await openai?.close();
  });

  async function useChain(target: string) {
    for (const category of CATEGORIES) {
      const res = await fetch(`${gw.url}/config/model-mapping`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ category, models: [target] }) });
      expect(res.status).toBe(200);
    }
  }

  function ask(prompt: string, cwd: string) {
    return runCli(claude, ['-p', prompt, '--allowedTools', 'Read'], { cwd, env: { ANTHROPIC_BASE_URL: gw.url, ANTHROPIC_API_KEY: CLIENT_KEY } });
  }

  it('passes a plain turn and a Read tool turn through to an Anthropic target verbatim', async () => {
    await useChain('fakeant/agent');
    const { dir, note } = workFolder('the-anthropic-secret-7731');

    const plain = await ask('Say hello.', dir);
    expect(plain.stdout, plain.stderr).toContain('Hello from agent');

    const before = anthropic.requests.length;
    const tool = await ask(`Read ${note} and tell me what it says.`, dir);
    expect(tool.stdout, tool.stderr).toContain('The file says:');
    expect(tool.stdout).toContain('the-anthropic-secret-7731');

    // Claude Code's path, ?beta=true included, reaches Anthropic as it was.
    const sent = anthropic.requests.slice(before).filter((r) => r.path === '/v1/messages?beta=true');
    expect(sent.length).toBeGreaterThanOrEqual(2);
    const last = sent.at(-1)!;
    // Verbatim: the gateway's key instead of the client's, Claude Code's betas and fields untouched, the target's model.
    expect(last.headers['x-api-key']).toBe('sk-ant-gateway');
    expect(last.headers['anthropic-beta']).toContain('claude-code-20250219');
    expect(last.body.model).toBe('agent');
    expect(JSON.stringify(last.body.system)).toContain('"cache_control"');
    expect(last.body.metadata?.user_id).toBeTruthy();
    const toolResult = last.body.messages.flatMap((m: any) => (Array.isArray(m.content) ? m.content : [])).find((b: any) => b.type === 'tool_result');
    expect(toolResult.tool_use_id).toBe('toolu_agent_read1');
  });

  it('translates a plain turn and a Read tool turn to an OpenAI-compatible target and back', async () => {
    await useChain('fakeoa/agent');
    const { dir, note } = workFolder('the-openai-secret-4410');

    const plain = await ask('Say hello.', dir);
    expect(plain.stdout, plain.stderr).toContain('Hello from agent');

    const before = openai.requests.length;
    const tool = await ask(`Read ${note} and tell me what it says.`, dir);
    expect(tool.stdout, tool.stderr).toContain('The file says:');
    expect(tool.stdout).toContain('the-openai-secret-4410');

    const sent = openai.requests.slice(before);
    const last = sent.at(-1)!;
    expect(last.headers.authorization).toBe('Bearer sk-oa-gateway');
    expect(last.body.tools.map((t: any) => t.function.name)).toContain('Read');
    const toolMessage = last.body.messages.find((m: any) => m.role === 'tool');
    expect(toolMessage.tool_call_id).toBe('call_agent_read1');
    // Nothing only Anthropic understands reaches an OpenAI-family host.
    expect(last.body.thinking).toBeUndefined();
    expect(last.body.metadata).toBeUndefined();
    // Claude Code's 128,000-token cap is its model's whole budget; most other models would refuse it.
    expect(last.body.max_tokens).toBeUndefined();
  });
});
