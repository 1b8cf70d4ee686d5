import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { lineLengthGuard, lineRunAfter, readBounded } from './pooled-fetch.ts';
import { ProviderError } from './provider-error.ts';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('lineRunAfter', () => {
  it('carries the unfinished line over chunks and resets at CR or LF', () => {
    expect(lineRunAfter(bytes('abc'), 0, 10)).toBe(3);
    expect(lineRunAfter(bytes('defg'), 3, 10)).toBe(7);
    expect(lineRunAfter(bytes('hi\nxy'), 7, 10)).toBe(2);
    expect(lineRunAfter(bytes('data: 1\r\n\r\ndata'), 0, 10)).toBe(4);
  });

  it('is over the limit once any line, carried or inside one chunk, passes it', () => {
    expect(lineRunAfter(bytes('abcd\nx'), 7, 10)).toBe(11);
    expect(lineRunAfter(bytes(`a\n${'b'.repeat(20)}\nc`), 0, 10)).toBe(11);
    expect(lineRunAfter(bytes('b'.repeat(11)), 0, 10)).toBe(11);
  });
});

describe('lineLengthGuard', () => {
  it('passes short lines through and errors with a retryable ProviderError on a long one', async () => {
    const ok = await new Response(new Response('a\nb\n').body!.pipeThrough(lineLengthGuard(4, 'p'))).text();
    expect(ok).toBe('a\nb\n');
    const long = new Response(`${'x'.repeat(10)}\n`).body!.pipeThrough(lineLengthGuard(4, 'p'));
    const error = await new Response(long).text().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ kind: 'invalid-response', retryable: true, code: 'upstream_line_too_long' });
  });
});

describe('readBounded', () => {
  it('reads a body up to the limit and refuses one past it, declared or not', async () => {
    expect(Buffer.from(await readBounded(Readable.from([Buffer.from('abc')]), 3, 'p')).toString()).toBe('abc');
    await expect(readBounded(Readable.from([Buffer.from('ab'), Buffer.from('cd')]), 3, 'p')).rejects.toMatchObject({ code: 'upstream_answer_too_large', retryable: true });
    await expect(readBounded(Readable.from([]), 3, 'p', 4)).rejects.toMatchObject({ code: 'upstream_answer_too_large' });
  });
});
