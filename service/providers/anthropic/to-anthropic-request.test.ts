import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../canonical/chat-types.ts';
import { toAnthropicRequest } from './to-anthropic-request.ts';

const base: ChatRequest = { model: 'router', messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'hi' }] };

describe('toAnthropicRequest', () => {
  it('builds a minimal body with the target model, system and a max_tokens fallback', () => {
    expect(toAnthropicRequest(base, 'claude-haiku-4-5')).toEqual({
      model: 'claude-haiku-4-5',
      max_tokens: 4096,
      system: 'Be brief.',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
    });
  });

  it('always sends max_tokens: max_completion_tokens, then max_tokens, then the configured default', () => {
    expect(toAnthropicRequest({ ...base, max_completion_tokens: 100, max_tokens: 50 }, 'm').max_tokens).toBe(100);
    expect(toAnthropicRequest({ ...base, max_tokens: 50 }, 'm').max_tokens).toBe(50);
    expect(toAnthropicRequest(base, 'm', { defaultMaxTokens: 8192 }).max_tokens).toBe(8192);
  });

  it('maps stop, sampling and user', () => {
    const body = toAnthropicRequest({ ...base, stop: 'END', temperature: 0.3, user: 'user-42' }, 'm');
    expect(body).toMatchObject({ stop_sequences: ['END'], temperature: 0.3, metadata: { user_id: 'user-42' } });
    expect(toAnthropicRequest({ ...base, stop: ['a', 'b'] }, 'm').stop_sequences).toEqual(['a', 'b']);
    expect(toAnthropicRequest({ ...base, stop: [] }, 'm').stop_sequences).toBeUndefined();
  });

  it('clamps temperature to Anthropic’s 0..1 and sends top_p only without temperature', () => {
    expect(toAnthropicRequest({ ...base, temperature: 1.7, top_p: 0.9 }, 'm')).toMatchObject({ temperature: 1 });
    expect(toAnthropicRequest({ ...base, temperature: 1.7, top_p: 0.9 }, 'm').top_p).toBeUndefined();
    expect(toAnthropicRequest({ ...base, top_p: 0.9 }, 'm').top_p).toBe(0.9);
  });

  it('adds tools and tool_choice', () => {
    const body = toAnthropicRequest(
      { ...base, tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object', properties: {} } } }], tool_choice: 'required', parallel_tool_calls: false },
      'm',
    );
    expect(body.tools).toEqual([{ name: 'f', input_schema: { type: 'object', properties: {} } }]);
    expect(body.tool_choice).toEqual({ type: 'any', disable_parallel_tool_use: true });
  });

  it('passes an Anthropic thinking object through and maps reasoning_effort and json_schema response_format', () => {
    const body = toAnthropicRequest(
      {
        ...base,
        thinking: { type: 'enabled', budget_tokens: 1024 },
        reasoning_effort: 'minimal',
        response_format: { type: 'json_schema', json_schema: { name: 'x', schema: { type: 'object', properties: { a: { type: 'string' } } } } },
      },
      'm',
    );
    expect(body.thinking).toEqual({ type: 'enabled', budget_tokens: 1024 });
    expect(body.output_config).toEqual({ effort: 'low', format: { type: 'json_schema', schema: { type: 'object', properties: { a: { type: 'string' } } } } });
    expect(toAnthropicRequest({ ...base, reasoning_effort: 'none' }, 'm').output_config).toBeUndefined();
  });

  it('does not leak OpenAI-only fields', () => {
    const body = toAnthropicRequest({ ...base, n: 1, seed: 4, logit_bias: {}, stream_options: { include_usage: true }, metadata: { team: 'x' } }, 'm') as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(['max_tokens', 'messages', 'model', 'system']);
  });
});
