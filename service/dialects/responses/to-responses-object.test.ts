import { describe, expect, it } from 'vitest';
import { toResponsesObject } from './to-responses-object.ts';

describe('toResponsesObject', () => {
  it('writes reasoning, text and function calls as output items, with Responses usage', () => {
    const response = toResponsesObject(
      {
        id: 'chatcmpl-1',
        object: 'chat.completion',
        created: 1,
        model: 'gpt-x',
        choices: [
          {
            index: 0,
            finish_reason: 'tool_calls',
            message: { role: 'assistant', content: 'Checking.', reasoning_content: 'Think.', tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'f', arguments: '{}' } }] },
          },
        ],
        usage: { prompt_tokens: 10, completion_tokens: 4, total_tokens: 14, prompt_tokens_details: { cached_tokens: 2 }, completion_tokens_details: { reasoning_tokens: 1 } },
      },
      { id: 'resp_abc', createdAt: 5, model: 'router', body: { store: false } },
    );
    expect(response).toMatchObject({
      id: 'resp_abc',
      object: 'response',
      created_at: 5,
      status: 'completed',
      model: 'router',
      store: false,
      output: [
        { id: 'rs_abc', type: 'reasoning', summary: [{ type: 'summary_text', text: 'Think.' }] },
        { id: 'msg_abc', type: 'message', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: 'Checking.', annotations: [] }] },
        { id: 'fc_abc_0', type: 'function_call', status: 'completed', call_id: 'call_1', name: 'f', arguments: '{}' },
      ],
      usage: { input_tokens: 10, input_tokens_details: { cached_tokens: 2 }, output_tokens: 4, output_tokens_details: { reasoning_tokens: 1 }, total_tokens: 14 },
    });
  });

  it('marks an answer cut at the token limit as incomplete', () => {
    const response = toResponsesObject(
      { id: 'c', object: 'chat.completion', created: 1, model: 'm', choices: [{ index: 0, finish_reason: 'length', message: { role: 'assistant', content: 'Part' } }] },
      { id: 'resp_x', createdAt: 1, model: 'router', body: {} },
    );
    expect(response).toMatchObject({ status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } });
  });
});
