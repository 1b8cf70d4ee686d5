import { describe, expect, it } from 'vitest';
import { withoutNullUsage } from './sse-stream.ts';

describe('withoutNullUsage', () => {
  it('cuts a trailing or leading "usage":null member from the upstream text', () => {
    const raw = '{"id":"c1","choices":[{"index":0,"delta":{"content":"hi"}}],"usage":null}';
    expect(JSON.parse(withoutNullUsage(raw)!)).toEqual({ id: 'c1', choices: [{ index: 0, delta: { content: 'hi' } }] });
    expect(JSON.parse(withoutNullUsage('{"usage":null,"id":"c2","choices":[]}')!)).toEqual({ id: 'c2', choices: [] });
  });

  it('leaves a quoted lookalike inside content alone and says when the text spells it otherwise', () => {
    const quoted = JSON.stringify({ choices: [{ delta: { content: ',"usage":null' } }], usage: null });
    expect(JSON.parse(withoutNullUsage(quoted)!)).toEqual({ choices: [{ delta: { content: ',"usage":null' } }] });
    expect(withoutNullUsage('{"choices":[], "usage": null}')).toBeUndefined();
  });
});
