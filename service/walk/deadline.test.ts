import { describe, expect, it } from 'vitest';
import { ProviderError } from '../providers/provider-error.ts';
import { Deadline } from './deadline.ts';

describe('Deadline', () => {
  it('aborts with a timeout ProviderError once its time has passed', async () => {
    const deadline = new Deadline(new AbortController().signal, 60, 'p');
    expect(deadline.signal.aborted).toBe(false);
    await new Promise((r) => setTimeout(r, 150));
    expect(deadline.signal.aborted).toBe(true);
    expect(deadline.signal.reason).toBeInstanceOf(ProviderError);
    expect((deadline.signal.reason as ProviderError).kind).toBe('timeout');
  });

  it('follows its parent, and stops both clock and parent when released', async () => {
    const parent = new AbortController();
    const followed = new Deadline(parent.signal, 10_000, 'p');
    const released = new Deadline(parent.signal, 30, 'p');
    released.release();
    parent.abort('client left');
    expect(followed.signal.reason).toBe('client left');
    await new Promise((r) => setTimeout(r, 100));
    expect(released.signal.aborted).toBe(false);
  });

  it('keeps following the parent after stopTimer, without timing out', async () => {
    const parent = new AbortController();
    const deadline = new Deadline(parent.signal, 30, 'p');
    deadline.stopTimer();
    await new Promise((r) => setTimeout(r, 100));
    expect(deadline.signal.aborted).toBe(false);
    parent.abort('gone');
    expect(deadline.signal.aborted).toBe(true);
  });
});
