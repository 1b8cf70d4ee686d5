import { describe, expect, it } from 'vitest';
import type { ChatMessage, ChatRequest } from '../../canonical/chat-types.ts';
import { SKIP_SIGNATURE, convertToGeminiContents } from './convert-to-gemini-contents.ts';
import { convertToGeminiRequest } from './convert-to-gemini-request.ts';
import { prepareGeminiTools } from './prepare-gemini-tools.ts';

const weather = { type: 'function' as const, function: { name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } };
const call = (id: string, name: string, args: string, extra: Record<string, unknown> = {}) => ({ id, type: 'function' as const, function: { name, arguments: args }, ...extra });

describe('convertToGeminiContents', () => {
  it('gathers system and developer messages into systemInstruction', () => {
    const out = convertToGeminiContents([
      { role: 'system', content: 'Be brief.' },
      { role: 'developer', content: [{ type: 'text', text: 'Use metric.' }] },
      { role: 'user', content: 'hi' },
    ]);
    expect(out.systemInstruction).toEqual({ parts: [{ text: 'Be brief.' }, { text: 'Use metric.' }] });
    expect(out.contents).toEqual([{ role: 'user', parts: [{ text: 'hi' }] }]);
  });

  it('sends a system-only request as the user turn', () => {
    expect(convertToGeminiContents([{ role: 'system', content: 'Say hi.' }])).toEqual({ contents: [{ role: 'user', parts: [{ text: 'Say hi.' }] }] });
  });

  it('converts multi-part user content: text, data-URL and web images, audio, files', () => {
    const out = convertToGeminiContents([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is this?' },
          { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
          { type: 'image_url', image_url: { url: 'https://example.com/cat.JPG?size=2' } },
          { type: 'image_url', image_url: { url: 'https://example.com/render?id=7' } },
          { type: 'input_audio', input_audio: { data: 'UklGRg==', format: 'wav' } },
          { type: 'file', file: { file_data: 'data:application/pdf;base64,JVBERi0=', filename: 'a.pdf' } },
          { type: 'text', text: '' },
        ],
      },
      { role: 'user', content: 'And this?' },
    ]);
    expect(out.contents).toEqual([
      {
        role: 'user',
        parts: [
          { text: 'What is this?' },
          { inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } },
          { fileData: { mimeType: 'image/jpeg', fileUri: 'https://example.com/cat.JPG?size=2' } },
          { text: '[image: https://example.com/render?id=7]' },
          { inlineData: { mimeType: 'audio/wav', data: 'UklGRg==' } },
          { inlineData: { mimeType: 'application/pdf', data: 'JVBERi0=' } },
          { text: 'And this?' },
        ],
      },
    ]);
  });

  it('turns assistant tool calls into functionCall parts and results into functionResponse parts by name', () => {
    const messages: ChatMessage[] = [
      { role: 'user', content: 'Weather in Paris and Rome?' },
      {
        role: 'assistant',
        content: 'Checking.',
        tool_calls: [call('call_1', 'get_weather', '{"city":"Paris"}', { extra_content: { google: { thought_signature: 'SIG1' } } }), call('call_2', 'get_time', '{"tz":"CET"}')],
      },
      { role: 'tool', tool_call_id: 'call_2', content: '{"time":"12:00"}' },
      { role: 'tool', tool_call_id: 'call_1', content: [{ type: 'text', text: 'sunny' }] },
      { role: 'user', content: 'Thanks' },
    ];
    expect(convertToGeminiContents(messages).contents).toEqual([
      { role: 'user', parts: [{ text: 'Weather in Paris and Rome?' }] },
      {
        role: 'model',
        parts: [{ text: 'Checking.' }, { functionCall: { name: 'get_weather', args: { city: 'Paris' } }, thoughtSignature: 'SIG1' }, { functionCall: { name: 'get_time', args: { tz: 'CET' } } }],
      },
      {
        role: 'user',
        parts: [
          { functionResponse: { name: 'get_time', response: { time: '12:00' } } },
          { functionResponse: { name: 'get_weather', response: { content: 'sunny' } } },
        ],
      },
      { role: 'user', parts: [{ text: 'Thanks' }] },
    ]);
  });

  it('signs the first call of a step whose signature was lost with the documented stand-in', () => {
    const out = convertToGeminiContents([
      { role: 'user', content: 'x' },
      { role: 'assistant', content: null, tool_calls: [call('a', 'f', '{}'), call('b', 'g', '')] },
      { role: 'tool', tool_call_id: 'a', content: '[1,2]' },
      { role: 'tool', tool_call_id: 'b', content: '{not json' },
    ]);
    expect(out.contents[1].parts).toEqual([
      { functionCall: { name: 'f', args: {} }, thoughtSignature: SKIP_SIGNATURE },
      { functionCall: { name: 'g', args: {} } },
    ]);
    expect(out.contents[2].parts.map((p) => p.functionResponse?.response)).toEqual([{ content: '[1,2]' }, { content: '{not json' }]);
  });

  it('keeps arguments that are not a JSON object, and names unknown results from the message', () => {
    const out = convertToGeminiContents([
      { role: 'user', content: 'x' },
      { role: 'assistant', content: null, tool_calls: [call('a', 'f', '[1]'), call('b', 'g', 'oops')] },
      { role: 'tool', tool_call_id: 'zzz', name: 'h', content: 'ok' },
      { role: 'function', name: 'legacy', content: 'done' },
    ]);
    expect(out.contents[1].parts.map((p) => p.functionCall?.args)).toEqual([{ value: [1] }, { arguments: 'oops' }]);
    expect(out.contents[2].parts.map((p) => p.functionResponse?.name)).toEqual(['h', 'legacy']);
  });
});

describe('prepareGeminiTools', () => {
  it('declares functions and maps each tool_choice', () => {
    const decl = { name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } };
    expect(prepareGeminiTools({ tools: [weather] })).toEqual({ tools: [{ functionDeclarations: [decl] }] });
    expect(prepareGeminiTools({ tools: [weather], tool_choice: 'auto' }).toolConfig).toEqual({ functionCallingConfig: { mode: 'AUTO' } });
    expect(prepareGeminiTools({ tools: [weather], tool_choice: 'none' }).toolConfig).toEqual({ functionCallingConfig: { mode: 'NONE' } });
    expect(prepareGeminiTools({ tools: [weather], tool_choice: 'required' }).toolConfig).toEqual({ functionCallingConfig: { mode: 'ANY' } });
    expect(prepareGeminiTools({ tools: [weather], tool_choice: { type: 'function', function: { name: 'get_weather' } } }).toolConfig).toEqual({
      functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['get_weather'] },
    });
  });

  it('declares a parameterless function without parameters, and legacy functions', () => {
    expect(prepareGeminiTools({ tools: [{ type: 'function', function: { name: 'now', parameters: { type: 'object', properties: {} } } }] })).toEqual({ tools: [{ functionDeclarations: [{ name: 'now' }] }] });
    expect(prepareGeminiTools({ functions: [{ name: 'f', parameters: { type: 'object', properties: { a: { type: 'string' } } } }] }).tools?.[0].functionDeclarations[0].name).toBe('f');
    expect(prepareGeminiTools({ tool_choice: 'auto' })).toEqual({});
  });
});

describe('convertToGeminiRequest', () => {
  it('maps sampling and length parameters into generationConfig', () => {
    const request: ChatRequest = { model: 'm', messages: [{ role: 'user', content: 'hi' }], max_tokens: 50, max_completion_tokens: 100, temperature: 0.2, top_p: 0.9, stop: 'END', n: 2, seed: 7, presence_penalty: 0.5, frequency_penalty: 0.1 };
    expect(convertToGeminiRequest(request).generationConfig).toEqual({ maxOutputTokens: 100, temperature: 0.2, topP: 0.9, stopSequences: ['END'], candidateCount: 2, seed: 7, presencePenalty: 0.5, frequencyPenalty: 0.1 });
    expect(convertToGeminiRequest({ ...request, max_completion_tokens: undefined, stop: ['a', 'b'] }).generationConfig).toMatchObject({ maxOutputTokens: 50, stopSequences: ['a', 'b'] });
  });

  it('leaves generationConfig out when nothing is set, and carries tools and the system instruction', () => {
    const body = convertToGeminiRequest({ model: 'm', messages: [{ role: 'system', content: 's' }, { role: 'user', content: 'hi' }], tools: [weather], tool_choice: 'required' });
    expect(body).toEqual({
      contents: [{ role: 'user', parts: [{ text: 'hi' }] }],
      systemInstruction: { parts: [{ text: 's' }] },
      tools: [{ functionDeclarations: [expect.objectContaining({ name: 'get_weather' })] }],
      toolConfig: { functionCallingConfig: { mode: 'ANY' } },
    });
  });

  it('maps response_format and reasoning_effort', () => {
    const base: ChatRequest = { model: 'm', messages: [{ role: 'user', content: 'hi' }] };
    expect(convertToGeminiRequest({ ...base, response_format: { type: 'json_object' } }).generationConfig).toEqual({ responseMimeType: 'application/json' });
    expect(convertToGeminiRequest({ ...base, response_format: { type: 'json_schema', json_schema: { name: 'x', schema: { type: 'object', properties: { a: { type: 'string' } }, additionalProperties: false } } } }).generationConfig).toEqual({
      responseMimeType: 'application/json',
      responseSchema: { type: 'object', properties: { a: { type: 'string' } } },
    });
    expect(convertToGeminiRequest({ ...base, reasoning_effort: 'high' }).generationConfig).toEqual({ thinkingConfig: { thinkingBudget: 24576, includeThoughts: true } });
    expect(convertToGeminiRequest({ ...base, reasoning_effort: 'none' }).generationConfig).toEqual({ thinkingConfig: { thinkingBudget: 0 } });
    expect(convertToGeminiRequest(base, { includeThoughts: true }).generationConfig).toEqual({ thinkingConfig: { includeThoughts: true } });
  });
});
