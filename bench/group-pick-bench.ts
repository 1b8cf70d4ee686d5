// node bench/group-pick-bench.ts: what a deployment group's pick costs per request, by strategy.
// One pick is what the walker does for a request in a group of three deployments: check each
// deployment's breaker and cool-down, pick by the strategy, take the slot, record the outcome, and
// give the slot back. Target: < 5 µs. BENCH_PICKS sets the picks per round (default 200,000); each
// strategy runs BENCH_ROUNDS rounds (default 5), and the best and the median round are reported
// (on a shared machine the best round is the pick's own cost, the median includes the neighbours').
import { BreakerRegistry } from '../service/walk/breaker-registry.ts';
import { Deployment, DeploymentGroup, type GroupStrategy } from '../service/walk/groups/deployment-group.ts';
import { GROUP_DEFAULTS } from '../service/walk/groups/group-registry.ts';
import { seededRandom } from '../service/walk/groups/seeded-random.ts';

const PICKS = Number(process.env.BENCH_PICKS ?? 200_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const STRATEGIES: GroupStrategy[] = ['weighted', 'round-robin', 'least-busy', 'latency', 'first-available', 'cost'];
const PRICES: Record<string, number> = { 'a/m': 3, 'b/m': 2.5, 'c/m': 4 };

const breakers = new BreakerRegistry({ errorThresholdPercentage: 50, volumeThreshold: 5, rollingCountTimeout: 60_000, resetTimeout: 30_000 });
const usable = (d: Deployment) => breakers.coolingUntil(d.id) === undefined && !breakers.isOpen(d.id);
const tried = new Set<string>();

function group(strategy: GroupStrategy): DeploymentGroup {
  const deployments = ['a', 'b', 'c'].map(
    (name, order) =>
      new Deployment(
        { id: `group:bench@${name}/m`, order, target: { id: `group:bench@${name}/m`, provider: name, model: 'm' }, priceKey: `${name}/m`, weight: order + 1, maxConcurrent: strategy === 'first-available' ? 4 : Infinity },
        (key) => PRICES[key],
      ),
  );
  return new DeploymentGroup({ ...GROUP_DEFAULTS, name: 'bench', maxAttempts: 3, strategy }, deployments, seededRandom(1));
}

function run(g: DeploymentGroup, picks: number): void {
  for (let i = 0; i < picks; i++) {
    const picked = g.pickNow(usable, tried);
    if (typeof picked === 'string') throw new Error(`no pick: ${picked}`);
    g.succeeded(picked, 100 + (i % 7));
    g.release(picked);
  }
}

const rows: Array<{ strategy: string; best_ns_per_pick: number; median_ns_per_pick: number }> = [];
for (const strategy of STRATEGIES) {
  const g = group(strategy);
  run(g, 20_000); // warm-up: let the JIT settle
  const rounds: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const started = process.hrtime.bigint();
    run(g, PICKS);
    rounds.push(Number(process.hrtime.bigint() - started) / PICKS);
  }
  rounds.sort((a, b) => a - b);
  rows.push({ strategy, best_ns_per_pick: Math.round(rounds[0]), median_ns_per_pick: Math.round(rounds[Math.floor(rounds.length / 2)]) });
}
breakers.shutdown();

const worst = Math.max(...rows.map((r) => r.median_ns_per_pick));
console.table(rows);
console.log(JSON.stringify({ bench: 'group-pick', picks: PICKS, rounds: ROUNDS, deployments: 3, worst_median_ns_per_pick: worst, target_ns: 5000, ok: worst < 5000 }));
process.exitCode = worst < 5000 ? 0 : 1;
