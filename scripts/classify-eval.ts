// Scores the keyword classifier on the labelled dev set, plain and wrapped in real agent turns.
//
//   node scripts/classify-eval.ts [--data dev.jsonl] [--fixtures dir] [--show-errors N]
//
// 1. Plain dev set: accuracy and macro-F1 under tools policy 'auto' (default), 'intent' and 'present'.
// 2. Agent-wrapped dev set, built in memory only: every code/reasoning/conversation item is put into
//    a captured OpenClaw request (system prompt, tools, flags and trailing internal-context message
//    kept; the task in the timestamp + Runtime wrapped user message replaced by the item's final user
//    text, the item's earlier turns placed before it) and scored by task accuracy. agent-turn is the
//    reference fixture; the cron and gateway fixtures are scored too when present.
// 3. Per-call latency of classify on the wrapped requests.
// The same classifier is available to ../shared/classify/eval.mjs through scripts/classify-module.mjs.
// Leave-one-source-out validation, the own labelled set and the LLM-escalation share: classify-loso.ts.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { ChatRequest } from '../service/canonical/chat-types.ts';
import { KeywordClassifier } from '../service/classify/keyword-classifier.ts';
import { CATEGORIES } from '../service/classify/testdata/categories.ts';
import { DEV_SET, OPENCLAW_FIXTURES } from '../service/classify/testdata/shared-dir.ts';
import { wrapInAgentTurn } from './agent-wrap.ts';

const LABELS = ['tools', 'code', 'reasoning', 'conversation'];
const args = process.argv.slice(2);
const flag = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};
const dataPath = flag('data', DEV_SET);
const fixtureDir = flag('fixtures', OPENCLAW_FIXTURES);
const showErrors = Number(flag('show-errors', '0'));

interface Item { id: string; label: string; source: string; request: ChatRequest }
if (!existsSync(dataPath)) {
  console.error(`no dev set at ${dataPath} (pass --data)`);
  process.exit(2);
}
const items: Item[] = readFileSync(dataPath, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as Item);

function score(pairs: Array<{ label: string; pred: string }>) {
  const correct = pairs.filter((p) => p.pred === p.label).length;
  const labels = LABELS.filter((l) => pairs.some((p) => p.label === l));
  const f1s = labels.map((l) => {
    const tp = pairs.filter((p) => p.label === l && p.pred === l).length;
    const fp = pairs.filter((p) => p.label !== l && p.pred === l).length;
    const fn = pairs.filter((p) => p.label === l && p.pred !== l).length;
    const prec = tp + fp ? tp / (tp + fp) : 0;
    const rec = tp + fn ? tp / (tp + fn) : 0;
    return prec + rec ? (2 * prec * rec) / (prec + rec) : 0;
  });
  return { accuracy: correct / pairs.length, macroF1: f1s.reduce((a, b) => a + b, 0) / labels.length, correct, n: pairs.length };
}
const fmt = (x: number) => x.toFixed(4);
const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];

function confusion(pairs: Array<{ label: string; pred: string }>): string {
  const rows = [`    ${'gold \\ pred'.padEnd(14)}${LABELS.map((l) => l.padStart(14)).join('')}`];
  for (const g of LABELS) {
    if (!pairs.some((p) => p.label === g)) continue;
    rows.push(`    ${g.padEnd(14)}${LABELS.map((p) => String(pairs.filter((x) => x.label === g && x.pred === p).length).padStart(14)).join('')}`);
  }
  return rows.join('\n');
}

function errors(list: Array<{ id: string; label: string; pred: string; text: string }>): void {
  for (const e of list.filter((x) => x.pred !== x.label).slice(0, showErrors)) {
    console.log(`    [${e.label} -> ${e.pred}] ${e.id}: ${e.text.replace(/\s+/g, ' ').slice(0, 120)}`);
  }
}
const lastUser = (r: ChatRequest) => String([...r.messages].reverse().find((m) => m.role === 'user')?.content ?? '');

console.log(`dev set: ${dataPath} (${items.length} items)\n`);
for (const policy of ['auto', 'intent', 'present'] as const) {
  const classifier = new KeywordClassifier({ toolsPolicy: policy });
  const results = items.map((it) => ({ id: it.id, label: it.label, text: lastUser(it.request), pred: classifier.classify(structuredClone(it.request), CATEGORIES).category }));
  const s = score(results);
  console.log(`plain dev, tools policy ${policy}: accuracy ${fmt(s.accuracy)} (${s.correct}/${s.n})   macro-F1 ${fmt(s.macroF1)}`);
  console.log(confusion(results));
  errors(results);
  console.log('');
}

const classifier = new KeywordClassifier();
const taskItems = items.filter((it) => it.label !== 'tools');
for (const name of ['agent-turn', 'cron-agent-turn', 'gateway-agent-turn']) {
  const file = path.join(fixtureDir, `${name}.request.json`);
  if (!existsSync(file)) {
    console.log(`agent-wrapped (${name}): fixture ${file} not found, skipped`);
    continue;
  }
  const fixture = JSON.parse(readFileSync(file, 'utf8')) as ChatRequest;
  let wrapped: ChatRequest[];
  try {
    wrapped = taskItems.map((it) => wrapInAgentTurn(fixture, it.request));
  } catch (error) {
    console.log(`agent-wrapped (${name}): ${(error as Error).message}, skipped`);
    continue;
  }
  const latencies: number[] = [];
  const results = taskItems.map((it, i) => {
    const t0 = performance.now();
    const pred = classifier.classify(wrapped[i], CATEGORIES).category;
    latencies.push(performance.now() - t0);
    return { id: it.id, label: it.label, text: lastUser(it.request), pred };
  });
  const s = score(results);
  const bytes = Math.round(taskItems.reduce((n, _it, i) => n + JSON.stringify(wrapped[i]).length, 0) / taskItems.length / 1024);
  latencies.sort((a, b) => a - b);
  console.log(`agent-wrapped dev (${name}, ~${bytes} KB bodies): task accuracy ${fmt(s.accuracy)} (${s.correct}/${s.n})`);
  for (const l of ['code', 'reasoning', 'conversation']) {
    const part = results.filter((r) => r.label === l);
    console.log(`    ${l.padEnd(14)} ${fmt(part.filter((r) => r.pred === l).length / part.length)} (${part.length})`);
  }
  console.log(confusion(results));
  console.log(`    classify latency: p50 ${quantile(latencies, 0.5).toFixed(3)} ms   p99 ${quantile(latencies, 0.99).toFixed(3)} ms (first calls included)`);
  errors(results);
  console.log('');
}
