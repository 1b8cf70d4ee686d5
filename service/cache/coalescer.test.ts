import { describe, expect, it } from 'vitest';
import { Coalescer } from './coalescer.ts';

const signal = () => new AbortController().signal;

describe('Coalescer', () => {
  it('lets one request lead a key and hands its answer to every waiter', async () => {
    const c = new Coalescer<string>(10_000);
    const lead = c.lead('k')!;
    expect(c.lead('k')).toBeNull();
    const waiters = [c.wait('k', signal()), c.wait('k', signal())];
    lead.settle('answer');
    expect(await Promise.all(waiters)).toEqual(['answer', 'answer']);
    expect(c.inFlight).toBe(0);
    expect(c.lead('k')).not.toBeNull();
  });

  it('releases waiters with null when the leader fails, and a waiter whose request is aborted', async () => {
    const c = new Coalescer<string>(10_000);
    const lead = c.lead('k')!;
    const aborted = new AbortController();
    const gone = c.wait('k', aborted.signal);
    aborted.abort();
    expect(await gone).toBeNull();
    const waiting = c.wait('k', signal());
    lead.fail();
    expect(await waiting).toBeNull();
  });

  it('bounds the wait, and stops deferring to a leader that never reported', async () => {
    const c = new Coalescer<string>(0);
    c.lead('k');
    expect(await c.wait('k', signal())).toBeNull();
    expect(c.lead('k')).not.toBeNull();
  });

  it('answers null at once when nobody leads', async () => {
    expect(await new Coalescer<string>(10_000).wait('none', signal())).toBeNull();
  });
});
