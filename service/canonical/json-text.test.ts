import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { scanJsonText, spliceMembers } from './json-text.ts';

describe('scanJsonText', () => {
  it('finds top-level members and the nesting depth, skipping strings with quotes, braces and escapes', () => {
    const text = ' { "model" : "router", "messages":[{"role":"user","content":"a \\"{[}\\" b\\\\"}], "x": {"y": [1, [2]]} } ';
    const scan = scanJsonText(text, 100);
    expect(scan.depth).toBe(4);
    expect(scan.members!.map((m) => [m.key, Buffer.from(text).toString('utf8', m.valueStart, m.valueEnd)])).toEqual([
      ['model', '"router"'],
      ['messages', '[{"role":"user","content":"a \\"{[}\\" b\\\\"}]'],
      ['x', '{"y": [1, [2]]}'],
    ]);
  });

  it('stops at the depth limit and refuses repeated keys, arrays and non-JSON', () => {
    expect(scanJsonText('['.repeat(5000) + ']'.repeat(5000), 100)).toEqual({ depth: 101, members: null });
    expect(scanJsonText('{"model":"a","model":"b"}', 100).members).toBeNull();
    expect(scanJsonText('{"mod\\u0065l":"a","model":"b"}', 100).members).toBeNull();
    expect(scanJsonText('[1,2]', 100).members).toBeNull();
    expect(scanJsonText('{"a":"unterminated', 100).members).toBeNull();
  });
});

describe('spliceMembers', () => {
  const splice = (text: string, edits: Record<string, string>) => spliceMembers(Buffer.from(text), scanJsonText(Buffer.from(text), 1000), edits)?.toString('utf8') ?? null;

  it('replaces values and appends missing members, leaving every other byte as sent', () => {
    const text = '{"model": "router", "messages": [ {"role":"user","content":"hi"} ],"stream":true}';
    const out = splice(text, { model: '"openai/gpt-4o"', stream_options: '{"include_usage":true}' });
    expect(out).toBe('{"model": "openai/gpt-4o", "messages": [ {"role":"user","content":"hi"} ],"stream":true,"stream_options":{"include_usage":true}}');
    expect(splice('{}', { model: '"m"' })).toBe('{"model":"m"}');
  });

  it('keeps multi-byte characters whole: offsets are bytes, and keys are decoded as UTF-8', () => {
    const text = '{"messages":[{"role":"user","content":"héllo 🌍 «quote»"}],"modèle":"x","model":"router"}';
    const scan = scanJsonText(Buffer.from(text), 100);
    expect(scan.members!.map((m) => m.key)).toEqual(['messages', 'modèle', 'model']);
    expect(splice(text, { model: '"openai/gpt-4o"' })).toBe(text.replace('"router"', '"openai/gpt-4o"'));
  });

  it('gives what serialising the edited object would give, for any object', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ unit: 'binary' }), fc.jsonValue({ maxDepth: 4, stringUnit: 'binary' })), fc.string({ unit: 'binary' }), fc.boolean(), fc.boolean(), (body, model, stream, spaced) => {
        const text = spaced ? JSON.stringify(body, null, 2) : JSON.stringify(body);
        const edits = { model: JSON.stringify(model), stream: String(stream) };
        const spliced = splice(text, edits);
        expect(spliced).not.toBeNull();
        expect(JSON.parse(spliced!)).toEqual(JSON.parse(JSON.stringify({ ...body, model, stream })));
      }),
      { numRuns: 2000 },
    );
  });
});
