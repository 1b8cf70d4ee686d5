// Requests: the log with filters and keyset paging, and one request's detail: its classification
// (method, confidence, reasons), every attempt with its outcome and time, tokens, cost and TTFB.
import { useEffect, useState } from './vendor-preact-hooks.mjs';
import { Loading, fmt, html, useApi } from './lib.js';

const RANGES = { '1h': 3_600_000, '24h': 86_400_000, '7d': 7 * 86_400_000, '30d': 30 * 86_400_000 };
const FILTERS = ['range', 'category', 'target', 'status', 'outcome', 'user_agent', 'id'];

export function Requests({ params, go }) {
  const [cursors, setCursors] = useState([null]);
  const key = params.toString();
  useEffect(() => setCursors([null]), [key]);
  const cursor = cursors.at(-1);
  const query = new URLSearchParams({ limit: '50' });
  for (const f of FILTERS.slice(1)) if (params.get(f)) query.set(f, params.get(f));
  const range = params.get('range') ?? '24h';
  // Rounded to the minute so the page's URL (and its answer) stays the same for a minute.
  if (RANGES[range]) query.set('since', String(Math.floor((Date.now() - RANGES[range]) / 60_000) * 60_000));
  if (cursor) query.set('cursor', cursor);
  const { data, error, loading } = useApi(`/requests?${query}`);

  return html`<section>
    <div class="toolbar"><h1>Requests</h1></div>
    <${Filters} params=${params} go=${go} />
    ${!data ? html`<${Loading} error=${error} />` : html`<div class=${`card ${loading ? 'stale' : ''}`}>
      <div class="table-wrap"><table class="requests">
        <thead><tr><th>time</th><th>category</th><th>target</th><th>status</th><th class="num">attempts</th><th class="num">latency</th><th class="num">TTFB</th><th class="num">tokens</th><th class="num">cost</th></tr></thead>
        <tbody>${data.data.map((r) => html`<tr class="clickable" data-id=${r.id} onClick=${() => go(`requests/${encodeURIComponent(r.id)}`)}>
          <td><a href=${`#/requests/${encodeURIComponent(r.id)}`}>${fmt.time(r.ts)}</a></td>
          <td>${r.category ?? '–'}<div class="muted small">${r.classifier_method ?? ''}</div></td>
          <td><code>${r.target ?? '–'}</code></td>
          <td><span class=${`outcome outcome-${r.outcome}`}>${r.status} ${r.outcome}</span></td>
          <td class="num">${r.attempt_count}</td>
          <td class="num">${fmt.ms(r.total_ms)}</td>
          <td class="num">${fmt.ms(r.ttfb_ms)}</td>
          <td class="num">${r.prompt_tokens === null ? '–' : fmt.int((r.prompt_tokens ?? 0) + (r.completion_tokens ?? 0))}</td>
          <td class="num">${fmt.usd(r.cost_usd)}</td></tr>`)}
        </tbody></table></div>
      ${data.data.length === 0 && html`<p class="muted">${data.next_cursor ? 'No match among the latest rows examined; Older → looks further back.' : 'No request matches these filters.'}</p>`}
      <div class="row pager">
        <button type="button" disabled=${cursors.length === 1} onClick=${() => setCursors(cursors.slice(0, -1))}>← Newer</button>
        <span class="muted small">page ${cursors.length}</span>
        <button type="button" disabled=${!data.next_cursor} onClick=${() => setCursors([...cursors, data.next_cursor])}>Older →</button>
      </div></div>`}
  </section>`;
}

function Filters({ params, go }) {
  const config = useApi('/config');
  // Controlled fields: a re-render (the categories arriving) must not wipe what the operator typed.
  const initial = () => Object.fromEntries(FILTERS.map((f) => [f, params.get(f) ?? (f === 'range' ? '24h' : '')]));
  const [form, setForm] = useState(initial);
  useEffect(() => setForm(initial()), [params.toString()]);
  const field = (name) => ({ name, value: form[name], onInput: (e) => setForm((f) => ({ ...f, [name]: e.target.value })) });
  const submit = (e) => {
    e.preventDefault();
    const next = new URLSearchParams();
    for (const [k, v] of Object.entries(form)) if (String(v).trim()) next.set(k, String(v).trim());
    // An id names one request: its detail answers from the primary key, whatever its age.
    if (next.get('id')) return go(`requests/${encodeURIComponent(next.get('id'))}`);
    go(`requests?${next}`);
  };
  const categories = config.data?.categories.map((c) => c.name) ?? [];
  return html`<form class="card filters" onSubmit=${submit} aria-label="Filters">
    <label>Time <select ...${field('range')} onChange=${field('range').onInput}>${[...Object.keys(RANGES), 'all'].map((r) => html`<option value=${r}>${r === 'all' ? 'all time' : `last ${r}`}</option>`)}</select></label>
    <label>Category <select ...${field('category')} onChange=${field('category').onInput}><option value="">any</option>${[...categories, 'direct'].map((c) => html`<option>${c}</option>`)}</select></label>
    <label>Target <input list="filter-targets" placeholder="provider/model" ...${field('target')} /></label>
    <datalist id="filter-targets">${[...new Set(config.data?.categories.flatMap((c) => c.chain) ?? [])].map((t) => html`<option value=${t} />`)}</datalist>
    <label>Status <input inputmode="numeric" placeholder="503" size="4" ...${field('status')} /></label>
    <label>Outcome <select ...${field('outcome')} onChange=${field('outcome').onInput}><option value="">any</option>${['ok', 'error', 'client_closed', 'partial'].map((o) => html`<option>${o}</option>`)}</select></label>
    <label>User agent <input placeholder="contains…" ...${field('user_agent')} /></label>
    <label>Request id <input placeholder="exact id" ...${field('id')} /></label>
    <div class="row"><button type="submit" class="primary">Filter</button><button type="button" onClick=${() => go('requests')}>Clear</button></div>
  </form>`;
}

export function RequestDetail({ id }) {
  const { data: r, error } = useApi(`/requests/${encodeURIComponent(id)}`);
  if (!r) return html`<section><p><a href="#/requests">← Requests</a></p><${Loading} error=${error} /></section>`;
  const longest = Math.max(1, ...r.attempts.map((a) => a.ms ?? 0));
  return html`<section class="detail">
    <p><a href="#/requests">← Requests</a></p>
    <div class="toolbar"><h1>Request <code class="request-id">${r.id}</code></h1><span class=${`outcome outcome-${r.outcome}`}>${r.status} ${r.outcome}</span></div>
    <div class="two-col">
      <div class="card"><h2>Classification</h2><dl>
        <dt>Category</dt><dd>${r.category ?? '–'}</dd>
        <dt>Method</dt><dd>${r.classifier_method ?? '–'}</dd>
        <dt>Confidence</dt><dd>${typeof r.classification?.confidence === 'number' ? r.classification.confidence.toFixed(2) : '–'}</dd>
        <dt>Requested model</dt><dd><code>${r.requested_model ?? '–'}</code></dd></dl>
        <h3>Reasons</h3>
        ${r.classification?.reasons?.length ? html`<ul class="reasons">${r.classification.reasons.map((x) => html`<li>${x}</li>`)}</ul>` : html`<p class="muted small">None recorded.</p>`}
      </div>
      <div class="card"><h2>Answer</h2><dl>
        <dt>Time</dt><dd>${fmt.time(r.ts)}</dd>
        <dt>Served by</dt><dd><code>${r.target ?? '–'}</code></dd>
        <dt>Latency</dt><dd>${fmt.ms(r.total_ms)}</dd>
        <dt>Time to first byte</dt><dd>${fmt.ms(r.ttfb_ms)}</dd>
        <dt>Tokens</dt><dd>${r.prompt_tokens === null ? '–' : `${fmt.int(r.prompt_tokens)} in (${fmt.int(r.cached_tokens ?? 0)} cached) · ${fmt.int(r.completion_tokens)} out (${fmt.int(r.reasoning_tokens ?? 0)} reasoning)`}${r.usage_estimated ? ' · estimated' : ''}</dd>
        <dt>Cost</dt><dd>${fmt.usd(r.cost_usd)} <span class="muted small">${r.cost_source ?? ''}</span></dd>
        <dt>Stream</dt><dd>${r.stream ? 'yes' : 'no'}</dd>
        <dt>User agent</dt><dd class="small">${r.user_agent ?? '–'}</dd>
        ${r.error && html`<dt>Error</dt><dd class="error-text">${r.error}</dd>`}</dl>
      </div>
    </div>
    <div class="card"><h2>Attempts</h2>
      ${r.attempts.length === 0 ? html`<p class="muted small">No target was called.</p>` : html`<div class="table-wrap"><table class="attempts">
        <thead><tr><th>#</th><th>target</th><th>outcome</th><th class="num">status</th><th class="num">time</th><th class="timeline-col"></th><th>error</th></tr></thead>
        <tbody>${r.attempts.map((a, i) => html`<tr>
          <td>${i + 1}</td><td><code>${a.target}</code></td>
          <td><span class=${`outcome outcome-${a.outcome === 'ok' ? 'ok' : 'error'}`}>${a.outcome}</span></td>
          <td class="num">${a.status ?? '–'}</td><td class="num">${fmt.ms(a.ms)}</td>
          <td class="timeline-col"><span class="bar"><span style=${{ width: `${((a.ms ?? 0) / longest) * 100}%` }}></span></span></td>
          <td class="small">${a.error ?? ''}</td></tr>`)}</tbody></table></div>`}
    </div>
  </section>`;
}
