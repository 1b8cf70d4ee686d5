import { describe, expect, it } from 'vitest';
import { ConcurrencyGate, QueueFull } from './concurrency-gate.ts';

describe('ConcurrencyGate', () => {
  it('lets max calls run, queues the next ones in order and refuses past the queue', async () => {
    const gate = new ConcurrencyGate(1, 1);
    const signal = new AbortController().signal;
    const first = await gate.acquire(signal);
    const order: string[] = [];
    const second = gate.acquire(signal).then((release) => (order.push('second'), release));
    await expect(gate.acquire(signal)).rejects.toBeInstanceOf(QueueFull);
    expect(gate.queued).toBe(1);
    first();
    (await second)();
    expect(order).toEqual(['second']);
    expect(gate.running).toBe(0);
  });

  it('drops a waiting call whose signal aborts', async () => {
    const gate = new ConcurrencyGate(1, 4);
    const release = await gate.acquire(new AbortController().signal);
    const controller = new AbortController();
    const waiting = gate.acquire(controller.signal);
    controller.abort(new Error('client left'));
    await expect(waiting).rejects.toThrow('client left');
    expect(gate.queued).toBe(0);
    release();
    expect(gate.running).toBe(0);
  });
});
