import { describe, expect, it } from 'vitest';
import { toCanonicalFromMessages } from './to-canonical-from-messages.ts';

describe('toCanonicalFromMessages', () => {
  describe('system', () => {
    it('takes a string or text blocks (cache_control left behind), and a mid-conversation system turn in place', () => {
      const request = toCanonicalFromMessages({
        model: 'router',
        system: [{ type: 'text', text: 'You are terse.', cache_control: { type: 'ephemeral' } }],
        messages: [{ role: 'user', content: 'hi' }, { role: 'system', content: [{ type: 'text', text: 'cwd: /tmp' }] }],
      });
      expect(request.messages).toEqual([
        { role: 'system', content: [{ type: 'text', text: 'You are terse.' }] },
        { role: 'user', content: 'hi' },
        { role: 'system', content: [{ type: 'text', text: 'cwd: /tmp' }] },
      ]);
      expect(toCanonicalFromMessages({ model: 'router', system: 'Be brief.', messages: [] }).messages).toEqual([{ role: 'system', content: 'Be brief.' }]);
    });
  });

  describe('user', () => {
    it('puts tool results first as tool messages, then the rest of the turn', () => {
      const request = toCanonicalFromMessages({
        model: 'router',
        messages: [
          {
            role: 'user',
            content: [
              { type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'text', text: '18°C' }] },
              { type: 'tool_result', tool_use_id: 'toolu_2', content: 'no such city', is_error: true },
              { type: 'text', text: 'and now?' },
              { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AAAA' } },
            ],
          },
        ],
      });
      expect(request.messages).toEqual([
        { role: 'tool', tool_call_id: 'toolu_1', content: '18°C' },
        { role: 'tool', tool_call_id: 'toolu_2', content: 'Error: no such city' },
        { role: 'user', content: [{ type: 'text', text: 'and now?' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } }] },
      ]);
    });
  });

  describe('assistant', () => {
    it('joins text, keeps thinking as reasoning and tool_use as tool calls', () => {
      const request = toCanonicalFromMessages({
        model: 'router',
        messages: [
          {
            role: 'assistant',
            content: [
              { type: 'thinking', thinking: 'Look it up.', signature: 'sig' },
              { type: 'text', text: 'Checking.' },
              { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } },
            ],
          },
        ],
      });
      expect(request.messages).toEqual([
        { role: 'assistant', content: 'Checking.', reasoning_content: 'Look it up.', tool_calls: [{ id: 'toolu_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
      ]);
    });
  });

  describe('parameters', () => {
    it('maps client tools, tool_choice and sampling; server tools, thinking and metadata stay behind', () => {
      const request = toCanonicalFromMessages({
        model: 'router',
        max_tokens: 1024,
        temperature: 0.2,
        stop_sequences: ['END'],
        stream: true,
        thinking: { type: 'enabled', budget_tokens: 2000 },
        metadata: { user_id: 'u1' },
        tools: [
          { name: 'get_weather', description: 'Weather', input_schema: { type: 'object', properties: { city: { type: 'string' } } } },
          { type: 'web_search_20250305', name: 'web_search' },
        ],
        tool_choice: { type: 'any', disable_parallel_tool_use: true },
        messages: [{ role: 'user', content: 'weather?' }],
      });
      expect(request).toEqual({
        model: 'router',
        messages: [{ role: 'user', content: 'weather?' }],
        stream: true,
        max_tokens: 1024,
        temperature: 0.2,
        stop: ['END'],
        tools: [{ type: 'function', function: { name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }],
        tool_choice: 'required',
        parallel_tool_calls: false,
      });
    });
  });

  it("leaves a cap of a model's whole output (Claude Code's 128,000) to the target", () => {
    expect(toCanonicalFromMessages({ model: 'router', max_tokens: 128_000, messages: [] }).max_tokens).toBeUndefined();
    expect(toCanonicalFromMessages({ model: 'router', max_tokens: 4096, messages: [] }).max_tokens).toBe(4096);
  });
});
