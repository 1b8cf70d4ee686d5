import { describe, expect, it } from 'vitest';
import { toCanonicalFromResponses } from './to-canonical-from-responses.ts';

describe('toCanonicalFromResponses', () => {
  describe('input', () => {
    it('reads a string input after the instructions', () => {
      expect(toCanonicalFromResponses({ model: 'router', instructions: 'Be brief.', input: 'hi' }).messages).toEqual([
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'hi' },
      ]);
    });

    it('turns message, function_call and function_call_output items into a chat turn by turn; reasoning stays out', () => {
      const request = toCanonicalFromResponses({
        model: 'router',
        input: [
          { type: 'message', role: 'developer', content: [{ type: 'input_text', text: 'You are Codex.' }] },
          { role: 'user', content: [{ type: 'input_text', text: 'look' }, { type: 'input_image', image_url: 'data:image/png;base64,AA', detail: 'low' }] },
          { type: 'reasoning', id: 'rs_1', summary: [], encrypted_content: 'opaque' },
          { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Running it.' }] },
          { type: 'function_call', call_id: 'call_1', name: 'exec_command', arguments: '{"cmd":"ls"}' },
          { type: 'function_call', call_id: 'call_2', name: 'exec_command', arguments: '{"cmd":"pwd"}' },
          { type: 'function_call_output', call_id: 'call_1', output: 'a.txt' },
          { type: 'function_call_output', call_id: 'call_2', output: [{ type: 'input_text', text: '/tmp' }] },
        ],
      });
      expect(request.messages).toEqual([
        { role: 'system', content: [{ type: 'text', text: 'You are Codex.' }] },
        { role: 'user', content: [{ type: 'text', text: 'look' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,AA', detail: 'low' } }] },
        {
          role: 'assistant',
          content: 'Running it.',
          tool_calls: [
            { id: 'call_1', type: 'function', function: { name: 'exec_command', arguments: '{"cmd":"ls"}' } },
            { id: 'call_2', type: 'function', function: { name: 'exec_command', arguments: '{"cmd":"pwd"}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: 'a.txt' },
        { role: 'tool', tool_call_id: 'call_2', content: [{ type: 'text', text: '/tmp' }] },
      ]);
    });

    it('puts a stored conversation before the new input', () => {
      const history = [{ type: 'message', role: 'user', content: 'first' }, { id: 'msg_1', type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'one' }] }];
      expect(toCanonicalFromResponses({ model: 'router', input: 'second' }, history).messages).toEqual([
        { role: 'user', content: 'first' },
        { role: 'assistant', content: 'one' },
        { role: 'user', content: 'second' },
      ]);
    });
  });

  describe('parameters', () => {
    it('maps function tools, tool_choice, sampling, max_output_tokens and a JSON schema format; hosted tools stay out', () => {
      const request = toCanonicalFromResponses({
        model: 'router',
        input: 'x',
        stream: true,
        tools: [
          { type: 'function', name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: {} }, strict: true },
          { type: 'web_search' },
          { type: 'namespace', name: 'agents', tools: [] },
        ],
        tool_choice: { type: 'function', name: 'get_weather' },
        parallel_tool_calls: false,
        max_output_tokens: 300,
        temperature: 0.5,
        top_p: 0.9,
        text: { format: { type: 'json_schema', name: 'answer', schema: { type: 'object' }, strict: true } },
      });
      expect(request).toMatchObject({
        stream: true,
        max_tokens: 300,
        temperature: 0.5,
        top_p: 0.9,
        tools: [{ type: 'function', function: { name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: {} }, strict: true } }],
        tool_choice: { type: 'function', function: { name: 'get_weather' } },
        parallel_tool_calls: false,
        response_format: { type: 'json_schema', json_schema: { name: 'answer', schema: { type: 'object' }, strict: true } },
      });
      expect(request.tools).toHaveLength(1);
    });
  });
});
