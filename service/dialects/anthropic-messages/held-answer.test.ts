import { describe, expect, it } from 'vitest';
import { PING_FRAME, heldStream, settle } from './held-answer.ts';

async function* events(...frames: string[]): AsyncGenerator<string> {
  yield* frames;
}

describe('heldStream', () => {
  it('pings while the walk is pending, then gives its events', async () => {
    let resolve!: (v: string) => void;
    const walk = new Promise<string>((r) => (resolve = r));
    const out: string[] = [];
    const stream = heldStream({ pending: settle(walk), intervalMs: 5, answer: (v) => events(`data: ${v}\n\n`), failure: () => 'error', discard: () => undefined });
    for await (const frame of stream) {
      out.push(frame);
      if (out.length === 3) resolve('done');
    }
    expect(out.slice(0, 3)).toEqual([PING_FRAME, PING_FRAME, PING_FRAME]);
    expect(out.at(-1)).toBe('data: done\n\n');
    expect(out.filter((f) => f !== PING_FRAME)).toEqual(['data: done\n\n']);
  });

  it('turns a failed walk into its error frame', async () => {
    const out: string[] = [];
    for await (const frame of heldStream({ pending: settle(Promise.reject(new Error('all failed'))), intervalMs: 1000, answer: () => events(), failure: (e) => `error: ${(e as Error).message}`, discard: () => undefined })) out.push(frame);
    expect(out).toEqual([PING_FRAME, 'error: all failed']);
  });

  it('closes an answer that arrives after the client left', async () => {
    let resolve!: (v: string) => void;
    const walk = new Promise<string>((r) => (resolve = r));
    const discarded: string[] = [];
    const stream = heldStream({ pending: settle(walk), intervalMs: 1000, answer: () => events(), failure: () => '', discard: (v) => void discarded.push(v) });
    await stream.next();
    await stream.return(undefined);
    resolve('late');
    await walk;
    await new Promise((r) => setImmediate(r));
    expect(discarded).toEqual(['late']);
  });
});
