import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../canonical/chat-types.ts';
import { convertToOllamaMessages, imageToBase64 } from './convert-to-ollama-messages.ts';
import { OllamaUnsupportedInputError } from './ollama-unsupported-input.ts';

describe('convertToOllamaMessages', () => {
  it('keeps system turns and maps developer to system', () => {
    const out = convertToOllamaMessages([
      { role: 'system', content: 'Be brief.' },
      { role: 'developer', content: [{ type: 'text', text: 'Answer in French.' }] },
      { role: 'user', content: 'hi' },
    ]);
    expect(out).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'system', content: 'Answer in French.' },
      { role: 'user', content: 'hi' },
    ]);
  });

  it('joins text parts and moves data: URL images to bare base64 in images', () => {
    const out = convertToOllamaMessages([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is in this picture?' },
          { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
          { type: 'text', text: 'Be precise.' },
          { type: 'image_url', image_url: { url: 'data:image/jpeg;base64,/9j/4AAQ', detail: 'high' } },
        ],
      },
    ]);
    expect(out).toEqual([{ role: 'user', content: 'What is in this picture?\nBe precise.', images: ['iVBORw0KGgo=', '/9j/4AAQ'] }]);
  });

  it('refuses remote image URLs, which Ollama cannot fetch', () => {
    const run = () => convertToOllamaMessages([{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://example.com/cat.png' } }] }]);
    expect(run).toThrow(OllamaUnsupportedInputError);
    expect(run).toThrow(/remote image URLs/);
  });

  it('refuses content parts Ollama has no place for (audio, files)', () => {
    const run = () => convertToOllamaMessages([{ role: 'user', content: [{ type: 'input_audio', input_audio: { data: 'AAAA', format: 'wav' } }] }]);
    expect(run).toThrow(/input_audio/);
  });

  it('turns assistant tool_calls into object arguments and names tool results after the call', () => {
    const messages: ChatMessage[] = [
      { role: 'user', content: 'Weather in Paris and Rome?' },
      {
        role: 'assistant',
        content: null,
        reasoning_content: 'Two cities, two calls.',
        tool_calls: [
          { id: 'call_a', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
          { id: 'call_b', type: 'function', function: { name: 'get_time', arguments: 'not json' } },
        ],
      },
      { role: 'tool', tool_call_id: 'call_a', content: 'sunny' },
      { role: 'tool', tool_call_id: 'call_b', content: [{ type: 'text', text: '12:00' }] },
      { role: 'tool', tool_call_id: 'call_unknown', content: 'orphan' },
    ];
    expect(convertToOllamaMessages(messages)).toEqual([
      { role: 'user', content: 'Weather in Paris and Rome?' },
      {
        role: 'assistant',
        content: '',
        thinking: 'Two cities, two calls.',
        tool_calls: [
          { function: { name: 'get_weather', arguments: { city: 'Paris' } } },
          { function: { name: 'get_time', arguments: {} } },
        ],
      },
      { role: 'tool', content: 'sunny', tool_name: 'get_weather' },
      { role: 'tool', content: '12:00', tool_name: 'get_time' },
      { role: 'tool', content: 'orphan' },
    ]);
  });

  it('maps a legacy function result to a tool message with its name', () => {
    expect(convertToOllamaMessages([{ role: 'function', name: 'lookup', content: '42' }])).toEqual([{ role: 'tool', content: '42', tool_name: 'lookup' }]);
  });

  it('keeps an earlier refusal as the assistant text', () => {
    expect(convertToOllamaMessages([{ role: 'assistant', content: [{ type: 'refusal', refusal: 'I cannot help with that.' }] }])).toEqual([
      { role: 'assistant', content: 'I cannot help with that.' },
    ]);
  });
});

describe('imageToBase64', () => {
  it('strips the data: prefix of a base64 URL, whatever the media type', () => {
    expect(imageToBase64('data:image/webp;base64,UklGRg==')).toBe('UklGRg==');
    expect(imageToBase64('data:;base64,AAEC')).toBe('AAEC');
  });

  it('encodes a percent-encoded data URL', () => {
    expect(Buffer.from(imageToBase64('data:image/svg+xml,%3Csvg%2F%3E'), 'base64').toString()).toBe('<svg/>');
  });
});
