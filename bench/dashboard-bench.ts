// How fast the dashboard's pages and their JSON answer over a seeded request log.
//   node bench/dashboard-bench.ts [--rows 100000] [--runs 15]
// Seeds a fresh database (test/support/seed-request-log.ts), starts the gateway in-process with an
// admin key, signs in as the browser does, and times every request each page makes (median and
// worst of --runs), plus deep keyset paging. Target: every answer under 300 ms at 100k rows.
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { seedRequestLog } from '../test/support/seed-request-log.ts';
import { fakeKeys, fakeProviders, startGateway } from '../test/support/start-gateway.ts';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const ROWS = arg('rows', 100_000);
const RUNS = arg('runs', 15);
const CHAINS = {
  conversation: ['edge/mistral-small@text', 'openai/gpt-4o-mini@text'],
  code: ['openai/gpt-4.1@text', 'local/qwen2.5-coder@text'],
  reasoning: ['openai/o4-mini@text', 'local/qwen3@text'],
  tools: ['openai/gpt-4o-mini@tool', 'local/llama3.1@text'],
};

const dir = mkdtempSync(path.join(tmpdir(), 'dashboard-bench-'));
const seedStart = performance.now();
const seeded = seedRequestLog(path.join(dir, 'router.db'), { count: ROWS, chains: CHAINS });
console.log(`seeded ${ROWS.toLocaleString('en-US')} requests in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`);

const unused = 'http://127.0.0.1:9/v1';
const gw = await startGateway({
  dir,
  routerConfig: fakeProviders({ openai: unused, local: unused, edge: unused }),
  env: { ...fakeKeys(['openai', 'local', 'edge']), ROUTER_ADMIN_KEY: 'bench-admin-key' },
  chains: CHAINS,
});
try {
  const signIn = await fetch(`${gw.url}/dashboard/sign-in`, { method: 'POST', body: new URLSearchParams({ key: 'bench-admin-key' }), redirect: 'manual' });
  const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0];
  if (!cookie) throw new Error(`sign-in failed: ${signIn.status}`);

  const time = async (url: string): Promise<{ median: number; worst: number; bytes: number }> => {
    const ms: number[] = [];
    let bytes = 0;
    for (let i = 0; i < RUNS + 1; i++) {
      const t = performance.now();
      const res = await fetch(`${gw.url}${url}`, { headers: { cookie } });
      const body = await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`${url}: ${res.status} ${Buffer.from(body).toString().slice(0, 200)}`);
      if (i > 0) ms.push(performance.now() - t); // the first run warms SQLite's page cache
      bytes = body.byteLength;
    }
    ms.sort((a, b) => a - b);
    return { median: ms[Math.floor(ms.length / 2)], worst: ms.at(-1)!, bytes };
  };

  const from24h = Date.now() - 86_400_000;
  const pages: Record<string, string[]> = {
    'page shell': ['/dashboard', '/dashboard/assets/app.js', '/dashboard/assets/vendor-uplot.mjs'],
    overview: ['/metrics/series?window=1h&split=category', '/metrics/series?window=24h&split=category', '/metrics/series?window=7d&split=target', '/metrics/series?window=30d&split=provider', '/metrics?window=24h', '/metrics?window=30d'],
    routing: ['/config', '/config/audit?limit=12'],
    health: ['/providers', '/circuit-breaker'],
    requests: [
      `/requests?limit=50&since=${from24h}`,
      '/requests?limit=50',
      '/requests?limit=50&category=code',
      '/requests?limit=50&outcome=error',
      '/requests?limit=50&status=499',
      '/requests?limit=50&target=local/qwen3@text',
      '/requests?limit=50&user_agent=codex',
      '/requests?limit=50&user_agent=no-such-agent',
      `/requests?limit=50&id=${seeded.ids[Math.floor(ROWS / 2)]}`,
      `/requests/${seeded.ids[Math.floor(ROWS / 3)]}`,
    ],
  };
  const rows: Array<[string, string, number, number, number]> = [];
  for (const [page, urls] of Object.entries(pages)) {
    for (const url of urls) {
      const r = await time(url);
      rows.push([page, url.length > 70 ? `${url.slice(0, 67)}…` : url, r.median, r.worst, r.bytes]);
    }
  }

  // Keyset paging: page 200 costs what page 1 does.
  const depth = Math.min(200, Math.floor(ROWS / 50) - 1);
  let cursor: string | null = null;
  const pageMs: number[] = [];
  for (let i = 0; i < depth; i++) {
    const t = performance.now();
    const res: { next_cursor: string | null } = await (await fetch(`${gw.url}/requests?limit=50${cursor ? `&cursor=${cursor}` : ''}`, { headers: { cookie } })).json();
    pageMs.push(performance.now() - t);
    cursor = res.next_cursor;
  }
  rows.push(['requests', `page 1 → ${depth} (first, last)`, pageMs[0], pageMs.at(-1)!, 0]);

  console.log(`\n${'page'.padEnd(10)} ${'request'.padEnd(70)} ${'median'.padStart(8)} ${'worst'.padStart(8)} ${'bytes'.padStart(9)}`);
  for (const [page, url, median, worst, bytes] of rows) {
    console.log(`${page.padEnd(10)} ${url.padEnd(70)} ${`${median.toFixed(1)}ms`.padStart(8)} ${`${worst.toFixed(1)}ms`.padStart(8)} ${String(bytes).padStart(9)}`);
  }
  console.log(`\nload average during the run: ${loadavg().map((l) => l.toFixed(1)).join(' ')} (the machine has 2 cores; figures above 2 mean other work shared them)`);
  const over = rows.filter(([, , , worst]) => worst >= 300);
  console.log(over.length === 0 ? `\nevery answer under 300 ms at ${ROWS.toLocaleString('en-US')} rows` : `\n${over.length} answer(s) at or over 300 ms`);
} finally {
  await gw.close();
  rmSync(dir, { recursive: true, force: true });
}
