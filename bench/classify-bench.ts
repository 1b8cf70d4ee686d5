// Latency of KeywordClassifier.classify on ~60 KB agent request bodies (already parsed, as the router
// hands them over). Bounded: at most ITERATIONS calls or TIME_LIMIT_MS, whichever comes first.
//
//   node bench/classify-bench.ts [--iterations 20000] [--policy auto|intent|present]
//
// Bodies: the captured OpenClaw requests (gateway-agent-turn is ~60 KB; the others are padded to the
// same size by repeating their system prompt), each carrying a rotating set of tasks (plain, multi-turn,
// tool loop, a pasted 4 KB code listing). Without ../shared beside the project a synthetic agent body is
// used, and the bench says so.
import { existsSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { ChatMessage, ChatRequest, ToolDefinition } from '../service/canonical/chat-types.ts';
import { KeywordClassifier } from '../service/classify/keyword-classifier.ts';
import { CATEGORIES } from '../service/classify/testdata/categories.ts';
import { OPENCLAW_FIXTURES } from '../service/classify/testdata/shared-dir.ts';

const args = process.argv.slice(2);
const arg = (name: string, fallback: string) => (args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1] : fallback);
const ITERATIONS = Number(arg('iterations', '20000'));
const TIME_LIMIT_MS = 25_000;
const TARGET_BYTES = 60_000;
const policy = arg('policy', 'auto') as 'auto' | 'intent' | 'present';
const FIXTURES = OPENCLAW_FIXTURES;

const TASKS = [
  'Write a Python function that merges two sorted lists.',
  'A train leaves at 3 pm at 60 km/h; another at 4 pm at 80 km/h. When does the second catch up?',
  'What should I cook tonight with leftover rice and eggs?',
  'Why is the sky blue?',
  'Run npm test in the repo and tell me what fails.',
  `Why does this crash?\n\`\`\`ts\n${'export function f(x: number): number {\n  return x.toFixed(2) as unknown as number;\n}\n'.repeat(45)}\`\`\``,
];
const RUNTIME = '\n\nRuntime: agent=main | session=agent:main:main | host=vm | repo=/home/user/project | os=Linux 6.8.0 (x64) | node=v24.21.0 | model=router/router | shell=bash';

function syntheticAgent(): ChatRequest {
  const tools: ToolDefinition[] = ['read', 'write', 'edit', 'exec', 'ls', 'process', 'apply_patch', 'tool_search', 'tool_call', 'tool_describe', 'sessions_yield', 'openclaw']
    .map((name) => ({ type: 'function', function: { name, description: `${name}: performs the ${name} operation on the workspace. `.repeat(4), parameters: { type: 'object', properties: { path: { type: 'string' } } } } }));
  return {
    model: 'router', stream: true, tool_choice: 'auto', tools,
    messages: [
      { role: 'system', content: '## Tooling\nYou are a personal assistant running inside an agent. Use tools to read files and run commands.\n'.repeat(10) },
      { role: 'user', content: `[Sun 2026-11-22 02:37 UTC] Say hello${RUNTIME}` },
      { role: 'user', content: [{ type: 'text', text: '<<<BEGIN_OPENCLAW_INTERNAL_CONTEXT>>>\nnone\n<<<END_OPENCLAW_INTERNAL_CONTEXT>>>' }] },
    ],
  };
}

function padTo(request: ChatRequest, bytes: number): ChatRequest {
  const out = structuredClone(request);
  const system = out.messages.find((m) => m.role === 'system');
  if (system && typeof system.content === 'string') {
    const base = system.content;
    while (JSON.stringify(out).length < bytes) system.content += `\n${base.slice(0, Math.min(base.length, bytes - JSON.stringify(out).length))}`;
  }
  return out;
}

function withTask(base: ChatRequest, task: string, variant: number): ChatRequest {
  const out = structuredClone(base);
  const i = out.messages.findIndex((m) => m.role === 'user' && typeof m.content === 'string');
  const head = /^\s*\[[^\]\n]*\]\s*/.exec(String(out.messages[i].content))?.[0] ?? '';
  out.messages[i] = { role: 'user', content: `${head}${task}${RUNTIME}` };
  const extra: ChatMessage[] = [];
  if (variant === 1) out.messages.splice(i, 0, { role: 'user', content: `[Sun 2026-11-22 02:30 UTC] Tom has 12 apples.${RUNTIME}` }, { role: 'assistant', content: 'Noted. '.repeat(200) });
  if (variant === 2) {
    extra.push({ role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'exec', arguments: '{"command":"npm test"}' } }] });
    extra.push({ role: 'tool', tool_call_id: 'c1', content: 'FAIL src/a.test.ts\n'.repeat(100) });
  }
  const at = out.messages.findIndex((m, k) => k > i && m.role === 'user');
  out.messages.splice(at < 0 ? out.messages.length : at, 0, ...extra);
  return out;
}

const bases: Array<[string, ChatRequest]> = [];
for (const name of ['gateway-agent-turn', 'agent-turn', 'cron-agent-turn']) {
  const file = `${FIXTURES}/${name}.request.json`;
  if (existsSync(file)) bases.push([name, padTo(JSON.parse(readFileSync(file, 'utf8')) as ChatRequest, TARGET_BYTES)]);
}
if (!bases.length) {
  console.log(`classify bench: ${FIXTURES} not found (../shared beside the project); using a synthetic agent body`);
  bases.push(['synthetic-agent', padTo(syntheticAgent(), TARGET_BYTES)]);
}

const requests: ChatRequest[] = [];
for (const [, base] of bases) for (let t = 0; t < TASKS.length; t++) for (let v = 0; v < 3; v++) requests.push(withTask(base, TASKS[t], v));
const sizes = requests.map((r) => JSON.stringify(r).length);
const classifier = new KeywordClassifier({ toolsPolicy: policy });

for (let i = 0; i < 2_000; i++) classifier.classify(requests[i % requests.length], CATEGORIES); // warm-up (JIT, caches)

const times = new Float64Array(ITERATIONS);
let n = 0;
const start = performance.now();
for (; n < ITERATIONS; n++) {
  const request = requests[n % requests.length];
  const t0 = performance.now();
  classifier.classify(request, CATEGORIES);
  times[n] = performance.now() - t0;
  if ((n & 1023) === 0 && performance.now() - start > TIME_LIMIT_MS) break;
}
const elapsed = performance.now() - start;
const sorted = Array.from(times.subarray(0, n)).sort((a, b) => a - b);
const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
const us = (ms: number) => `${(ms * 1000).toFixed(1)} µs`;
console.log(`classify bench: ${n} calls over ${requests.length} agent bodies (${bases.map(([b]) => b).join(', ')}), policy ${policy}`);
console.log(`body size: min ${Math.min(...sizes)} B, max ${Math.max(...sizes)} B`);
console.log(`p50 ${us(q(0.5))}   p90 ${us(q(0.9))}   p99 ${us(q(0.99))}   max ${us(sorted[sorted.length - 1])}   mean ${us(elapsed / n)}   (${(n / (elapsed / 1000)).toFixed(0)} calls/s)`);
console.log(`target p99 ≤ 200 µs: ${q(0.99) <= 0.2 ? 'met' : 'NOT met'}`);
