// Cost of the request log: add() on the request path, a flush per row (insert + roll-up trigger) at
// several batch sizes, and GET /metrics's query over a log of --rows requests. Bounded: fixed counts.
//
//   node bench/request-log-bench.ts [--rows 300000]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { openDatabase } from '../service/store/database.ts';
import { queryMetrics } from '../service/store/metrics-query.ts';
import { RequestLog, type RequestRecord } from '../service/store/request-log.ts';

const args = process.argv.slice(2);
const ROWS = Number(args.includes('--rows') ? args[args.indexOf('--rows') + 1] : '300000');
const dir = mkdtempSync(path.join(tmpdir(), 'request-log-bench-'));
const db = openDatabase(path.join(dir, 'router.db'));
const log = new RequestLog(db, { flushDelayMs: 60_000 });

let next = 0;
const record = (): RequestRecord => ({
  id: `bench-${next++}`, ts: Date.now(), category: 'code', classifierMethod: 'keyword', requestedModel: 'router', target: `p${next % 3}/m${next % 7}`,
  status: 200, outcome: 'ok', attempts: [{ target: 'p/m', outcome: 'ok', ms: 40 }], totalMs: 40 + (next % 900), ttfbMs: 12, promptTokens: 1200, completionTokens: 300,
  cachedTokens: 0, reasoningTokens: 0, costUsd: 0.0021, costSource: 'pricing', stream: true, usageEstimated: false, userAgent: 'openai-node/7', error: null,
});

const records = Array.from({ length: 10_000 }, record);
let t = performance.now();
for (const r of records) log.add(r);
console.log(`add(): ${(((performance.now() - t) * 1e6) / records.length).toFixed(0)} ns/row`);
log.flush();

// Medians: a WAL checkpoint now and then makes single flushes slow, the mean is printed beside.
for (const batch of [1, 8, 64, 512]) {
  const samples: number[] = [];
  for (let i = 0; i < Math.ceil(8192 / batch); i++) {
    for (let k = 0; k < batch; k++) log.add(record());
    const s = performance.now();
    log.flush();
    samples.push((performance.now() - s) * 1000);
  }
  samples.sort((a, b) => a - b);
  const median = samples[samples.length >> 1];
  const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
  console.log(`flush, batches of ${batch}: median ${median.toFixed(0)} µs/flush (${(median / batch).toFixed(1)} µs/row), mean ${(mean / batch).toFixed(1)} µs/row`);
}

// A week of traffic (one request every 2 s) written through the log, which keeps the roll-ups.
const have = db.prepare('SELECT COUNT(*) FROM requests').pluck().get() as number;
const now = Date.now();
for (let n = 0; n < ROWS - have; n++) {
  log.add({ ...record(), id: `seed-${n}`, ts: now - n * 2000, category: `cat${n % 6}`, target: `prov${n % 3}/model${n % 7}`, outcome: n % 10 === 0 ? 'error' : 'ok', totalMs: 50 + (n % 1000) });
  if (log.pending === 10_000) log.flush();
}
log.flush();
for (const [label, windowMs] of [['all', null], ['24h', 86_400_000], ['1h', 3_600_000]] as const) {
  const samples: number[] = [];
  for (let i = 0; i < 9; i++) {
    t = performance.now();
    queryMetrics(db, windowMs);
    samples.push(performance.now() - t);
  }
  console.log(`/metrics query over ${ROWS} rows, window ${label}: median ${samples.sort((a, b) => a - b)[4].toFixed(1)} ms`);
}
log.close();
db.close();
rmSync(dir, { recursive: true, force: true });
