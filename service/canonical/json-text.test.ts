import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { scanJsonText, spliceMemberBytes, spliceMembers } from './json-text.ts';

describe('scanJsonText', () => {
  it('finds top-level members and the nesting depth, skipping strings with quotes, braces and escapes', () => {
    const text = ' { "model" : "router", "messages":[{"role":"user","content":"a \\"{[}\\" b\\\\"}], "x": {"y": [1, [2]]} } ';
    const scan = scanJsonText(text, 100);
    expect(scan.depth).toBe(4);
    expect(scan.members!.map((m) => [m.key, text.slice(m.valueStart, m.valueEnd)])).toEqual([
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
  it('replaces values and appends missing members, leaving every other byte as sent', () => {
    const text = '{"model": "router", "messages": [ {"role":"user","content":"hi"} ],"stream":true}';
    const out = spliceMembers(text, scanJsonText(text, 100), { model: '"openai/gpt-4o"', stream_options: '{"include_usage":true}' })!;
    expect(out).toBe('{"model": "openai/gpt-4o", "messages": [ {"role":"user","content":"hi"} ],"stream":true,"stream_options":{"include_usage":true}}');
    expect(spliceMembers('{}', scanJsonText('{}', 100), { model: '"m"' })).toBe('{"model":"m"}');
  });

  it('gives what serialising the edited object would give, for any object', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 4 })), fc.string(), fc.boolean(), fc.boolean(), (body, model, stream, spaced) => {
        const text = spaced ? JSON.stringify(body, null, 2) : JSON.stringify(body);
        const edits = { model: JSON.stringify(model), stream: String(stream) };
        const spliced = spliceMembers(text, scanJsonText(text, 1000), edits);
        expect(spliced).not.toBeNull();
        expect(JSON.parse(spliced!)).toEqual(JSON.parse(JSON.stringify({ ...body, model, stream })));
        // On bytes the splice is the same, wherever the text is ASCII (offsets then coincide).
        const bytes = Buffer.from(text);
        if (bytes.length === text.length) expect(spliceMemberBytes(bytes, scanJsonText(text, 1000), edits)!.toString()).toBe(spliced);
      }),
      { numRuns: 2000 },
    );
  });
});
