import { describe, expect, it } from 'vitest';
import { buildCliPrompt } from './cli-prompt.ts';

describe('buildCliPrompt', () => {
  it('sends a lone user turn as it is', () => {
    expect(buildCliPrompt({ messages: [{ role: 'user', content: 'What is 2+2?' }] })).toBe('What is 2+2?');
  });

  it('drops NUL characters, which no process argument can carry', () => {
    expect(buildCliPrompt({ messages: [{ role: 'user', content: 'a\u0000b' }] })).toBe('ab');
  });

  it('puts system, history and the turn to answer in their own blocks', () => {
    const prompt = buildCliPrompt({
      messages: [
        { role: 'system', content: 'Be terse.' },
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: 'Hello.' },
        { role: 'user', content: [{ type: 'text', text: 'And 2+2?' }, { type: 'image_url', image_url: { url: 'data:,' } }] },
      ],
    });
    expect(prompt).toBe(
      [
        '<system>\nBe terse.\n</system>',
        '<conversation>\n<turn role="user">\nHi\n</turn>\n<turn role="assistant">\nHello.\n</turn>\n</conversation>',
        '<request>\nAnd 2+2?\n[image_url omitted]\n</request>',
        'Answer the request above. Reply with the answer only.',
      ].join('\n\n'),
    );
  });

  it('keeps turns after the last user turn, tool calls named', () => {
    const prompt = buildCliPrompt({
      messages: [
        { role: 'user', content: 'Weather?' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
        { role: 'tool', tool_call_id: 'c1', content: 'sunny' },
      ],
    });
    expect(prompt).toContain('<request>\nWeather?\n</request>');
    expect(prompt).toContain('<after_request>\n<turn role="assistant">\n[called get_weather({"city":"Paris"})]\n</turn>\n<turn role="tool">\nsunny\n</turn>\n</after_request>');
  });
});
