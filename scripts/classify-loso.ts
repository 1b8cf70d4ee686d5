// Validation the way unseen traffic behaves: leave-one-source-out on the dev set, the own labelled
// set (test/classify-data/own.jsonl, sources the dev set does not use), agent-turn task accuracy, and
// how many requests hybrid mode would send to the LLM.
//
//   node scripts/classify-loso.ts [--dev ../shared/classify/dev.jsonl] [--own test/classify-data/own.jsonl]
//
// Leave-one-source-out: for each dev source, the classifier's tunable settings (minScore, historyWeight,
// historyCap; the grid below) are chosen on the other sources by macro-F1, and the source left out is
// scored with them. The keyword lists were written with all of dev in view, so each fold also takes
// out the vocabulary only the left-out source uses: every keyword or pattern that fires on one of its
// items and on no item of another source is removed before it is scored (as if that source had never
// been seen when the lists were written). Each source holds one category: its score is its accuracy.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { ChatRequest } from '../service/canonical/chat-types.ts';
import type { CategoryDefinition } from '../service/classify/category.ts';
import { KeywordClassifier } from '../service/classify/keyword-classifier.ts';
import type { KeywordClassifierSettings } from '../service/classify/keyword-classifier.ts';
import { CATEGORIES } from '../service/classify/testdata/categories.ts';
import { DEV_SET, OPENCLAW_FIXTURES, PROJECT_ROOT } from '../service/classify/testdata/shared-dir.ts';
import { wrapInAgentTurn } from './agent-wrap.ts';

const args = process.argv.slice(2);
const flag = (name: string, fallback: string) => (args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1] : fallback);
const devPath = flag('dev', DEV_SET);
const ownPath = flag('own', path.join(PROJECT_ROOT, 'test/classify-data/own.jsonl'));
const LABELS = ['tools', 'code', 'reasoning', 'conversation'];
const HYBRID_THRESHOLD = 0.5; // DEFAULT_CLASSIFIER_SETTINGS.hybridThreshold

interface Item { id: string; label: string; source: string; request: ChatRequest }
const load = (file: string): Item[] => readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as Item);

function macroF1(pairs: ReadonlyArray<{ label: string; pred: string }>): number {
  const labels = LABELS.filter((l) => pairs.some((p) => p.label === l));
  let sum = 0;
  for (const l of labels) {
    const tp = pairs.filter((p) => p.label === l && p.pred === l).length;
    const fp = pairs.filter((p) => p.label !== l && p.pred === l).length;
    const fn = pairs.filter((p) => p.label === l && p.pred !== l).length;
    sum += tp ? (2 * tp) / (2 * tp + fp + fn) : 0;
  }
  return labels.length ? sum / labels.length : 0;
}
const accuracy = (pairs: ReadonlyArray<{ label: string; pred: string }>) => pairs.filter((p) => p.pred === p.label).length / Math.max(1, pairs.length);
const f = (x: number) => x.toFixed(4);

const GRID: KeywordClassifierSettings[] = [];
for (const minScore of [1, 1.25, 1.5, 1.75]) for (const historyWeight of [0.3, 0.5, 0.7]) for (const historyCap of [1.5, 2, 3]) GRID.push({ minScore, historyWeight, historyCap });
const describe = (g: KeywordClassifierSettings) => `minScore ${g.minScore}, historyWeight ${g.historyWeight}, historyCap ${g.historyCap}`;

function predict(classifier: KeywordClassifier, items: readonly Item[], categories: readonly CategoryDefinition[] = CATEGORIES) {
  return items.map((it) => {
    const c = classifier.classify(it.request, categories);
    return { id: it.id, source: it.source, label: it.label, pred: c.category, confidence: c.confidence };
  });
}

if (!existsSync(devPath)) {
  console.log(`classify-loso: ${devPath} not found (../shared beside the project); nothing to validate`);
  process.exit(0);
}
const dev = load(devPath);
const defaults = new KeywordClassifier();
const devPred = predict(defaults, dev);
console.log(`dev (${dev.length} items, shipped settings): accuracy ${f(accuracy(devPred))}   macro-F1 ${f(macroF1(devPred))}`);

// The keyword labels that fired on an item (term or /pattern/, by category), from its reasons.
const termsFired = (it: Item): Set<string> => {
  const out = new Set<string>();
  for (const r of defaults.classify(it.request, CATEGORIES).reasons ?? []) {
    const m = /^(tools|code|reasoning|conversation):(?:history:|system:|closing instruction:)*(.+)$/.exec(r);
    if (m) out.add(`${m[1]}\u0000${m[2]}`);
  }
  return out;
};
const fired = new Map(dev.map((it) => [it.id, termsFired(it)]));
const labelOf = (k: string | { term?: string; pattern?: string }) => (typeof k === 'string' ? k : k.term ?? `/${k.pattern}/`);
function withoutTerms(drop: ReadonlySet<string>): readonly CategoryDefinition[] {
  return CATEGORIES.map((c) => ({ ...c, keywords: c.keywords.filter((k) => !drop.has(`${c.name}\u0000${labelOf(k)}`)) }));
}

// Leave one source out.
const sources = [...new Set(dev.map((it) => it.source))].sort();
const byGrid = GRID.map((g) => ({ g, pred: predict(new KeywordClassifier(g), dev) }));
const pooled: Array<{ label: string; pred: string }> = [];
const rows: Array<{ source: string; n: number; acc: number; chosen: string; dropped: number }> = [];
for (const source of sources) {
  let best = byGrid[0];
  let bestF1 = -1;
  for (const candidate of byGrid) {
    const f1 = macroF1(candidate.pred.filter((p) => p.source !== source));
    if (f1 > bestF1 + 1e-12) { best = candidate; bestF1 = f1; }
  }
  const elsewhere = new Set<string>();
  const here = new Set<string>();
  for (const it of dev) for (const t of fired.get(it.id) ?? []) (it.source === source ? here : elsewhere).add(t);
  const drop = new Set([...here].filter((t) => !elsewhere.has(t)));
  const heldItems = dev.filter((it) => it.source === source);
  const held = predict(new KeywordClassifier(best.g), heldItems, withoutTerms(drop));
  pooled.push(...held);
  rows.push({ source, n: held.length, acc: accuracy(held), chosen: describe(best.g), dropped: drop.size });
}
console.log('\nleave-one-source-out (settings tuned on the other sources; keywords only the left-out source fires removed):');
for (const r of rows) console.log(`  ${r.source.padEnd(28)} ${String(r.n).padStart(4)}  accuracy ${f(r.acc)}   (${String(r.dropped).padStart(3)} source-only keywords removed; tuned: ${r.chosen})`);
const worst = rows.reduce((a, b) => (b.acc < a.acc ? b : a));
console.log(`  pooled held-out predictions: accuracy ${f(accuracy(pooled))}   macro-F1 ${f(macroF1(pooled))}`);
console.log(`  worst source: ${worst.source} (${f(worst.acc)})`);

// The own labelled set, scored with the shipped settings.
const sets: Array<[string, Item[]]> = [['dev', dev]];
if (existsSync(ownPath)) {
  const own = load(ownPath);
  sets.push(['own', own]);
  const ownPred = predict(defaults, own);
  console.log(`\nown set (${own.length} items, ${ownPath.replace(`${PROJECT_ROOT}/`, '')}): accuracy ${f(accuracy(ownPred))}   macro-F1 ${f(macroF1(ownPred))}`);
  for (const label of LABELS) {
    const part = ownPred.filter((p) => p.label === label);
    if (part.length) console.log(`  ${label.padEnd(14)} ${String(part.length).padStart(4)}  accuracy ${f(accuracy(part))}`);
  }
  const ownSources = [...new Set(own.map((it) => it.source.split('+')[0].split('/')[0]))].sort();
  for (const s of ownSources) {
    const part = ownPred.filter((p) => p.source.split('+')[0].split('/')[0] === s);
    console.log(`  source ${s.padEnd(30)} ${String(part.length).padStart(4)}  accuracy ${f(accuracy(part))}`);
  }
  const zh = ownPred.filter((p, i) => /[\u4e00-\u9fff]/.test(JSON.stringify(own[i].request.messages)));
  console.log(`  Chinese items ${String(zh.length).padStart(4)}  accuracy ${f(accuracy(zh))}`);
} else {
  console.log(`\nown set: ${ownPath} not found`);
}

// Agent turns: each task item wrapped in a captured OpenClaw request, scored by its task.
const fixtureFile = path.join(OPENCLAW_FIXTURES, 'agent-turn.request.json');
const fixture = existsSync(fixtureFile) ? (JSON.parse(readFileSync(fixtureFile, 'utf8')) as ChatRequest) : null;
console.log('');
if (!fixture) console.log(`agent turns: ${fixtureFile} not found (../shared beside the project), skipped`);
const wrappedSets: Array<[string, Item[]]> = [];
for (const [name, items] of sets) {
  if (!fixture) break;
  const tasks = items.filter((it) => it.label !== 'tools').map((it) => ({ ...it, request: wrapInAgentTurn(fixture, it.request) }));
  wrappedSets.push([`${name} wrapped as agent turns`, tasks]);
  const pred = predict(defaults, tasks);
  console.log(`agent-turn task accuracy, ${name} (${tasks.length} code/reasoning/conversation items): ${f(accuracy(pred))}`);
}

// Hybrid mode asks the LLM when keyword confidence is below the threshold.
console.log(`\nLLM escalation in hybrid mode (keyword confidence < ${HYBRID_THRESHOLD}):`);
for (const [name, items] of [...sets, ...wrappedSets]) {
  const pred = predict(defaults, items);
  const asked = pred.filter((p) => p.confidence < HYBRID_THRESHOLD);
  const wrongKept = pred.filter((p) => p.confidence >= HYBRID_THRESHOLD && p.pred !== p.label).length;
  console.log(`  ${name.padEnd(34)} ${String(asked.length).padStart(4)} of ${String(items.length).padStart(4)} (${((100 * asked.length) / items.length).toFixed(1)}%)   errors among them ${asked.filter((p) => p.pred !== p.label).length}, errors kept without asking ${wrongKept}`);
}
