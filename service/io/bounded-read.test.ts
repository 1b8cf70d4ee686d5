import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readBounded, StreamClosedEarly, StreamTooLarge } from './bounded-read.ts';

describe('readBounded', () => {
  it('joins every chunk, and leaves no listener behind', async () => {
    const stream = Readable.from([Buffer.from('ab'), Buffer.from('cd'), 'é']);
    expect((await readBounded(stream, 100)).toString()).toBe('abcdé');
    expect(stream.listenerCount('data') + stream.listenerCount('end') + stream.listenerCount('close')).toBe(0);
    // What stays is one plain error listener, which holds none of the chunks.
    expect(stream.listeners('error')).toHaveLength(1);
    expect(stream.listeners('error')[0].name).toBe('ignore');
  });

  it('fails past the limit and stops the stream', async () => {
    const stream = Readable.from([Buffer.alloc(6), Buffer.alloc(6)]);
    await expect(readBounded(stream, 10)).rejects.toBeInstanceOf(StreamTooLarge);
    expect(stream.destroyed).toBe(true);
  });

  it('keeps the first bytes up to the limit when asked to truncate', async () => {
    expect((await readBounded(Readable.from([Buffer.from('abcdef'), Buffer.from('ghij')]), 8, true)).toString()).toBe('abcdefgh');
  });

  it('fails with the stream’s own error, or when it closes before its end', async () => {
    const broken = new PassThrough();
    const read = readBounded(broken, 100);
    broken.write('partial');
    broken.destroy(new Error('connection reset'));
    await expect(read).rejects.toThrow('connection reset');

    const cut = new PassThrough();
    const cutRead = readBounded(cut, 100);
    cut.destroy();
    await expect(cutRead).rejects.toBeInstanceOf(StreamClosedEarly);
  });

  it('answers at once for a stream that already ended or broke', async () => {
    const ended = Readable.from([]);
    await readBounded(ended, 10);
    expect((await readBounded(ended, 10)).length).toBe(0);
    const broken = new PassThrough();
    broken.destroy(new Error('gone'));
    await expect(readBounded(broken, 10)).rejects.toThrow('gone');
  });
});
