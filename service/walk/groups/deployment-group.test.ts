import { afterEach, describe, expect, it, vi } from 'vitest';
import { Deployment, DeploymentGroup, type GroupSettings } from './deployment-group.ts';
import { seededRandom } from './seeded-random.ts';

function group(strategy: GroupSettings['strategy'], specs: Array<{ name: string; maxConcurrent?: number; weight?: number }>, settings: Partial<GroupSettings> = {}) {
  const deployments = specs.map(
    (s, order) =>
      new Deployment(
        { id: `group:g@${s.name}/m`, order, target: { id: `group:g@${s.name}/m`, provider: s.name, model: 'm' }, priceKey: `${s.name}/m`, weight: s.weight ?? 1, maxConcurrent: s.maxConcurrent ?? Infinity },
        () => undefined,
      ),
  );
  const full: GroupSettings = { name: 'g', strategy, maxAttempts: specs.length, queueSize: 10, queueTimeoutMs: 1000, latencyTolerance: 0.2, failurePenaltyMs: 2000, penaltyHalfLifeMs: 30_000, ...settings };
  return new DeploymentGroup(full, deployments, seededRandom(1));
}

const anyone = () => true;
const none = new Set<string>();
const signal = () => new AbortController().signal;

afterEach(() => vi.useRealTimers());

describe('DeploymentGroup', () => {
  it('never hands out more slots than maxConcurrent, and says full rather than none when all are busy', () => {
    const g = group('first-available', [{ name: 'a', maxConcurrent: 2 }, { name: 'b', maxConcurrent: 1 }]);
    const picks = [g.pickNow(anyone, none), g.pickNow(anyone, none), g.pickNow(anyone, none), g.pickNow(anyone, none)];
    expect(picks.map((p) => (typeof p === 'string' ? p : p.target.provider))).toEqual(['a', 'a', 'b', 'full']);
    expect(g.deployments.map((d) => d.inFlight)).toEqual([2, 1]);
    expect(g.pickNow(() => false, none)).toBe('none');
  });

  it('leaves out deployments the request has tried or the walker cannot use', () => {
    const g = group('round-robin', [{ name: 'a' }, { name: 'b' }, { name: 'c' }]);
    const picked = g.pickNow((d) => d.target.provider !== 'b', new Set(['group:g@a/m']));
    expect(typeof picked !== 'string' && picked.target.provider).toBe('c');
  });

  it('queues a request when every deployment is full and hands it the next freed slot', async () => {
    const g = group('first-available', [{ name: 'a', maxConcurrent: 1 }]);
    const held = g.pickNow(anyone, none) as Deployment;
    const waiting = g.take(anyone, none, signal());
    expect(g.waiting).toBe(1);
    g.release(held);
    const take = await waiting;
    expect('deployment' in take && take.deployment).toBe(held);
    expect(held.inFlight).toBe(1);
    expect(g.waiting).toBe(0);
  });

  it('gives up after the queue timeout, refuses beyond the queue size, and leaves when the request is aborted', async () => {
    vi.useFakeTimers();
    const g = group('first-available', [{ name: 'a', maxConcurrent: 1 }], { queueSize: 1, queueTimeoutMs: 500 });
    g.pickNow(anyone, none);
    const controller = new AbortController();
    const first = g.take(anyone, none, controller.signal);
    expect(await g.take(anyone, none, signal())).toEqual({ refused: 'queue_full' });
    vi.advanceTimersByTime(500);
    expect(await first).toEqual({ refused: 'busy' });
    const second = g.take(anyone, none, controller.signal);
    controller.abort();
    expect(await second).toEqual({ refused: 'aborted' });
    expect(g.waiting).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('keeps a moving average of time to first token and a decaying penalty after failures', () => {
    const g = group('latency', [{ name: 'a' }]);
    const d = g.deployments[0];
    g.succeeded(d, 100);
    g.succeeded(d, 200);
    expect(d.latencyMs).toBeCloseTo(130);
    g.failed(d, 1000);
    g.failed(d, 1000);
    expect(d.penaltyMs).toBe(4000);
    expect(d.failures).toBe(2);
  });

  it('hands its waiting requests and counters to a redefinition', async () => {
    const old = group('first-available', [{ name: 'a', maxConcurrent: 1 }]);
    const held = old.pickNow(anyone, none) as Deployment;
    const waiting = old.take(anyone, none, signal());
    const next = new DeploymentGroup({ ...old.settings }, [held], seededRandom(2));
    next.adopt(old);
    expect(next.waiting).toBe(1);
    expect(next.picks).toBe(1);
    next.release(held);
    expect('deployment' in (await waiting)).toBe(true);
  });
});
