// Health: each target's breaker (state, failure rate in the rolling window, recent transitions,
// a reset), the cool-downs a 429 started, and each provider's status.
import { useState } from './vendor-preact-hooks.mjs';
import { Loading, api, fmt, html, useApi } from './lib.js';

export function Health() {
  const providers = useApi('/providers');
  const config = useApi('/config');
  const breakers = useApi('/circuit-breaker');
  const [notice, setNotice] = useState(null);
  const reload = () => {
    providers.reload();
    breakers.reload();
  };
  const reset = (target) =>
    api(`/circuit-breaker/reset/${target.split('/').map(encodeURIComponent).join('/')}`, { method: 'POST' }).then(
      (r) => {
        setNotice({ ok: true, text: `${r.target}: breaker reset, now ${r.state.replace('_', '-')}` });
        reload();
      },
      (error) => setNotice({ ok: false, text: error.message }),
    );
  if (!providers.data || !breakers.data) return html`<section><h1>Health</h1><${Loading} error=${providers.error ?? breakers.error} /></section>`;
  const events = breakers.data.events;
  const cooldowns = breakers.data.cooldowns ?? [];
  const cooling = new Set(cooldowns.map((c) => c.target));
  const groupBreakers = breakers.data.breakers.filter((b) => b.target.startsWith('group:'));
  const timeouts = Object.fromEntries(breakers.data.breakers.map((b) => [b.target, b.timeouts]));

  return html`<section>
    <div class="toolbar"><h1>Health</h1><button type="button" onClick=${reload}>Refresh</button></div>
    ${notice && html`<p class=${notice.ok ? 'notice' : 'error'} role="status">${notice.text}</p>`}
    ${config.data && html`<p class="muted small">${breakerRule(config.data.breaker)}</p>`}
    ${cooldowns.length > 0 && html`<div class="card"><h2>Cool-downs</h2><ul>${cooldowns.map((c) => html`<li><code>${c.target}</code> skipped until ${fmt.time(c.until)} (Retry-After)</li>`)}</ul></div>`}
    ${groupBreakers.length > 0 && html`<article class="card provider" data-provider="groups">
      <header><h2>Deployment groups</h2><span class="muted small">each deployment behind its own breaker</span></header>
      <div class="table-wrap"><table class="breakers">
        <thead><tr><th>deployment</th><th>breaker</th><th class="num">failure rate</th><th class="num">calls</th><th class="num">rejected</th><th>recent transitions</th><th></th></tr></thead>
        <tbody>${groupBreakers.map((b) => html`<${BreakerRow} t=${b} categories=${[]} events=${events} timeouts=${timeouts} cooling=${cooling} reset=${reset} />`)}</tbody></table></div>
    </article>`}
    ${sorted(providers.data.providers).map((p) => html`<article class="card provider" data-provider=${p.name}>
      <header><h2>${p.name}</h2>
        <span class="muted small">${p.type}${p.base_url ? ` · ${p.base_url}` : ''}</span>
        <${ProviderStatus} provider=${p} />
      </header>
      ${p.targets.length === 0 ? html`<p class="muted small">No chain names this provider.</p>` : html`<div class="table-wrap"><table class="breakers">
        <thead><tr><th>target</th><th>breaker</th><th class="num">failure rate</th><th class="num">calls</th><th class="num">rejected</th><th>recent transitions</th><th></th></tr></thead>
        <tbody>${p.targets.map((t) => html`<${BreakerRow} t=${t} categories=${t.categories} events=${events} timeouts=${timeouts} cooling=${cooling} reset=${reset} />`)}</tbody></table></div>`}
    </article>`)}
  </section>`;
}

function BreakerRow({ t, categories, events, timeouts, cooling, reset }) {
  const mine = events.filter((e) => e.target === t.target).slice(0, 3);
  const rate = t.fires ? t.failures / t.fires : null;
  return html`<tr data-target=${t.target}>
    <td><code>${t.target}</code><div class="muted small">${categories.join(', ') || (t.target.startsWith('group:') ? '' : 'direct')}${t.listed === false ? html` · <span class="warn-text">the provider does not list this model</span>` : ''}</div></td>
    <td><span class=${`state state-${t.state}`}>${t.state.replace('_', '-')}</span></td>
    <td class="num">${fmt.pct(rate)}<div class="muted small">${t.failures} of ${t.fires}${timeouts[t.target] ? `, ${timeouts[t.target]} timed out` : ''}</div></td>
    <td class="num">${fmt.int(t.fires)}</td>
    <td class="num">${fmt.int(t.rejects)}</td>
    <td class="small">${mine.length ? mine.map((e) => html`<div>${e.state.replace('_', '-')} <span class="muted">${fmt.ago(e.ts)}</span></div>`) : html`<span class="muted">none</span>`}</td>
    <td>${(t.state !== 'closed' || t.fires > 0 || cooling.has(t.target)) && html`<button type="button" onClick=${() => reset(t.target)} aria-label=${`Reset ${t.target}`}>Reset</button>`}</td>
  </tr>`;
}

/** The background probe's verdict when the gateway probes providers; otherwise key and breakers. */
function ProviderStatus({ provider: p }) {
  const h = p.health;
  if (h && typeof h.status === 'string' && h.status !== 'not_configured') {
    const cls = h.status === 'up' ? 'state-closed' : h.status === 'down' ? 'state-open' : 'state-half_open';
    return html`<span class=${`state ${cls}`} title=${h.reason ?? ''}>${h.status}</span>
      <span class="muted small">${h.reason ? `${h.reason} · ` : ''}${h.last_check ? `checked ${fmt.ago(Date.parse(h.last_check))}` : 'not checked yet'}${typeof h.latency_ms === 'number' ? ` in ${fmt.ms(h.latency_ms)}` : ''}${typeof h.models_seen === 'number' ? ` · ${h.models_seen} models listed` : ''}</span>`;
  }
  const open = p.breakers.open + p.breakers.half_open;
  return html`<span class=${`state ${!p.configured ? 'state-open' : open ? 'state-half_open' : 'state-closed'}`}>${!p.configured ? 'no key' : open ? `${open} open` : 'ok'}</span>`;
}

/** Providers with an open breaker first, then those the chains use, then configured ones, then those without a key. */
function sorted(providers) {
  const rank = (p) => (p.breakers.open + p.breakers.half_open > 0 ? 0 : p.targets.length > 0 ? 1 : p.configured ? 2 : 3);
  return [...providers].sort((a, b) => rank(a) - rank(b));
}

/** The breaker settings in words, so a failure rate can be read against them. */
function breakerRule(b) {
  const seconds = (ms) => `${Math.round(ms / 100) / 10} s`;
  return `A breaker opens when more than ${b.errorThresholdPercentage} % of at least ${b.volumeThreshold} calls fail within ${seconds(b.rollingCountTimeout)}, then lets one probe through after ${seconds(b.resetTimeout)}.`;
}
