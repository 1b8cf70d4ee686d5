// Overview: requests, success rate, cost and latency over time, split by category, target or
// provider; the split's totals; the share of each classifier method; cache savings when /metrics has them.
import { useMemo } from './vendor-preact-hooks.mjs';
import { Chart } from './chart.js';
import { Loading, fmt, html, useApi } from './lib.js';

const WINDOWS = ['1h', '24h', '7d', '30d'];
const SPLITS = ['category', 'target', 'provider'];
/** Lines drawn per chart; the rest are summed as "other". */
const TOP = 6;

export function Overview({ params, go }) {
  const window = WINDOWS.includes(params.get('window')) ? params.get('window') : '24h';
  const split = SPLITS.includes(params.get('split')) ? params.get('split') : 'category';
  const { data, error } = useApi(`/metrics/series?window=${window}&split=${split}`);
  const metrics = useApi(`/metrics?window=${window}`);
  const set = (key, value) => {
    const next = new URLSearchParams(params);
    next.set(key, value);
    go(`overview?${next}`);
  };
  const charts = useMemo(() => (data ? chartData(data) : null), [data]);
  const saved = metrics.data?.cache ? cacheSaved(metrics.data.cache) : null;

  return html`<section>
    <div class="toolbar">
      <h1>Overview</h1>
      <div class="segmented" role="group" aria-label="Window">
        ${WINDOWS.map((w) => html`<button type="button" aria-pressed=${w === window} onClick=${() => set('window', w)}>${w}</button>`)}
      </div>
      <label class="inline">Split by <select value=${split} onChange=${(e) => set('split', e.target.value)}>
        ${SPLITS.map((s) => html`<option value=${s}>${s}</option>`)}
      </select></label>
    </div>
    ${!data ? html`<${Loading} error=${error} />` : html`
      <div class="kpis" data-window-ms=${data.window_ms} data-split=${data.split}>
        <${Kpi} label="Requests" value=${fmt.int(data.summary.requests)} />
        <${Kpi} label="Success rate" value=${fmt.pct(data.summary.success_rate)} />
        <${Kpi} label="Cost" value=${fmt.usd(data.summary.cost_usd)} />
        <${Kpi} label="p50 latency" value=${fmt.ms(data.summary.p50_ms)} />
        <${Kpi} label="p95 latency" value=${fmt.ms(data.summary.p95_ms)} />
        ${saved !== null && html`<${Kpi} label="Saved by the cache" value=${fmt.usd(saved)} />`}
      </div>
      <p class="muted small">Buckets of ${bucketText(data.bucket_ms)} · ${fmt.time(data.from)} to ${fmt.time(data.to)}</p>
      <div class="charts">
        <${Chart} title=${`Requests by ${split}`} x=${data.buckets} series=${charts.requests} format=${(v) => fmt.int(Math.round(v))} />
        <${Chart} title="Success rate" x=${data.buckets} series=${charts.success} format=${(v) => fmt.pct(v)} />
        <${Chart} title=${`Cost (USD) by ${split}`} x=${data.buckets} series=${charts.cost} format=${(v) => fmt.usd(v)} />
        <${Chart} title="Latency" x=${data.buckets} series=${charts.latency} format=${(v) => fmt.ms(v)} />
      </div>
      <div class="two-col">
        <div class="card">
          <h2>By ${split}</h2>
          <div class="table-wrap"><table>
            <thead><tr><th>${split}</th><th class="num">requests</th><th class="num">success</th><th class="num">cost</th><th class="num">p50</th><th class="num">p95</th></tr></thead>
            <tbody>${data.breakdown.map((b) => html`<tr>
              <td>${b.key}</td><td class="num">${fmt.int(b.requests)}</td><td class="num">${fmt.pct(b.success_rate)}</td>
              <td class="num">${fmt.usd(b.cost_usd)}</td><td class="num">${fmt.ms(b.p50_ms)}</td><td class="num">${fmt.ms(b.p95_ms)}</td></tr>`)}
            </tbody></table></div>
        </div>
        <div class="card">
          <h2>Classifier methods</h2>
          <${Shares} counts=${data.classifier_methods} />
        </div>
      </div>`}
  </section>`;
}

function Kpi({ label, value }) {
  return html`<div class="kpi card"><div class="kpi-label">${label}</div><div class="kpi-value">${value}</div></div>`;
}

function Shares({ counts }) {
  const entries = Object.entries(counts).sort((a, b) => b[1] - a[1]);
  const total = entries.reduce((s, [, n]) => s + n, 0);
  if (!total) return html`<p class="muted">No requests in this window.</p>`;
  return html`<ul class="shares">${entries.map(([method, n]) => html`<li>
    <span class="share-label">${method}</span>
    <span class="bar"><span style=${{ width: `${(n / total) * 100}%` }}></span></span>
    <span class="num">${fmt.pct(n / total)}</span></li>`)}</ul>`;
}

function chartData(data) {
  const keys = data.breakdown.map((b) => b.key);
  const top = keys.slice(0, TOP);
  const rest = keys.slice(TOP);
  const pick = (field) => {
    const lines = top.map((k) => ({ label: k, values: data.series[k][field] }));
    if (rest.length) lines.push({ label: 'other', values: data.buckets.map((_, i) => rest.reduce((s, k) => s + data.series[k][field][i], 0)) });
    return lines;
  };
  return {
    requests: pick('requests'),
    cost: pick('cost_usd'),
    success: [{ label: 'success rate', values: data.totals.success_rate }],
    latency: [
      { label: 'p50', values: data.totals.p50_ms },
      { label: 'p95', values: data.totals.p95_ms },
    ],
  };
}

/** The cache's saving in USD, whichever name the cache reports it under. */
function cacheSaved(cache) {
  const v = cache.saved_usd ?? cache.saved_cost_usd ?? cache.cost_saved_usd;
  return typeof v === 'number' ? v : null;
}

function bucketText(ms) {
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000} d`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  return `${ms / 60_000} min`;
}
