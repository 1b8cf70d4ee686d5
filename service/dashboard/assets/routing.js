// Routing: every category with its chain, editable (reorder, add, remove targets), custom
// categories added and deleted, the classifier's settings; each change says what it did, and the
// audit log below shows it landed. All through the /config REST routes.
import { useEffect, useState } from './vendor-preact-hooks.mjs';
import { Loading, api, boot, fmt, html, useApi } from './lib.js';

export function Routing() {
  const config = useApi('/config');
  const audit = useApi('/config/audit?limit=12');
  const [notice, setNotice] = useState(null);
  const changed = (text) => {
    setNotice({ ok: true, text });
    config.reload();
    audit.reload();
  };
  const failed = (error) => setNotice({ ok: false, text: error.message });
  if (!config.data) return html`<section><h1>Routing</h1><${Loading} error=${config.error} /></section>`;
  const { categories, classifier, providers } = config.data;
  const groups = config.data.groups ?? [];
  const known = [...new Set([...categories.flatMap((c) => c.chain), ...groups.map((g) => `group:${g.name}`)])].sort();
  const ctx = { changed, failed, known };

  return html`<section>
    <div class="toolbar"><h1>Routing</h1></div>
    ${notice && html`<p class=${notice.ok ? 'notice' : 'error'} role="status">${notice.text}</p>`}
    <datalist id="known-targets">${known.map((t) => html`<option value=${t} />`)}${providers.map((p) => html`<option value=${`${p.name}/`} />`)}</datalist>
    <div class="categories">${categories.map((c) => html`<${CategoryCard} key=${c.name} category=${c} ctx=${ctx} />`)}</div>
    ${groups.length > 0 && html`<${Groups} groups=${groups} categories=${categories} />`}
    <div class="two-col">
      <${NewCategory} ctx=${ctx} />
      ${classifier && html`<${ClassifierSettings} settings=${classifier} ctx=${ctx} />`}
    </div>
    <div class="card">
      <h2>Audit log</h2>
      ${!audit.data ? html`<${Loading} error=${audit.error} />` : html`<ul class="audit">${audit.data.entries.map((e) => html`<li>
        <span class="muted">${fmt.time(e.ts)}</span> <code>${e.route}</code> ${describeChange(e.old_value, e.new_value)}</li>`)}</ul>`}
    </div>
  </section>`;
}

function CategoryCard({ category, ctx }) {
  const [chain, setChain] = useState(category.chain);
  const [adding, setAdding] = useState('');
  const [confirming, setConfirming] = useState(false);
  useEffect(() => setChain(category.chain), [category.chain.join('\n')]);
  const dirty = chain.join('\n') !== category.chain.join('\n');
  const move = (i, by) => {
    const next = [...chain];
    [next[i], next[i + by]] = [next[i + by], next[i]];
    setChain(next);
  };
  const save = () =>
    api('/config/category', { method: 'POST', body: { name: category.name, chain } }).then(
      (r) => ctx.changed(`${category.name}: chain ${r.previous.chain.join(' → ')} is now ${r.category.chain.join(' → ')}`),
      ctx.failed,
    );
  const remove = () =>
    api(`/config/category/${encodeURIComponent(category.name)}`, { method: 'DELETE' }).then((r) => ctx.changed(`category ${r.deleted} deleted`), ctx.failed);
  const builtIn = boot.builtIns.includes(category.name);
  const keywords = category.keywords.map((k) => (typeof k === 'string' ? k : (k.term ?? `/${k.pattern}/`)));

  return html`<article class="card category" data-category=${category.name}>
    <header><h2>${category.name}</h2>${builtIn ? html`<span class="badge">built-in</span>` : html`<span class="badge custom">custom</span>`}</header>
    ${category.description && html`<p class="muted small description" title=${category.description}>${category.description}</p>`}
    ${keywords.length > 0 && html`<p class="small keywords" title=${keywords.join(', ')}>${keywords.length} keywords: ${keywords.slice(0, 8).join(', ')}${keywords.length > 8 ? ', …' : ''}</p>`}
    <ol class="chain">${chain.map((t, i) => html`<li>
      <code>${t}</code>
      <span class="chain-actions">
        <button type="button" class="icon" title="Move up" aria-label=${`Move ${t} up`} disabled=${i === 0} onClick=${() => move(i, -1)}>↑</button>
        <button type="button" class="icon" title="Move down" aria-label=${`Move ${t} down`} disabled=${i === chain.length - 1} onClick=${() => move(i, 1)}>↓</button>
        <button type="button" class="icon" title="Remove" aria-label=${`Remove ${t}`} disabled=${chain.length === 1} onClick=${() => setChain(chain.filter((_, j) => j !== i))}>✕</button>
      </span></li>`)}</ol>
    <form class="add-target" onSubmit=${(e) => { e.preventDefault(); if (adding.trim()) { setChain([...chain, adding.trim()]); setAdding(''); } }}>
      <input list="known-targets" placeholder="provider/model" aria-label=${`Add a target to ${category.name}`} value=${adding} onInput=${(e) => setAdding(e.target.value)} />
      <button type="submit">Add</button>
    </form>
    <div class="row">
      <button type="button" class="primary" disabled=${!dirty} onClick=${save}>Save chain</button>
      ${dirty && html`<button type="button" onClick=${() => setChain(category.chain)}>Undo</button>`}
      ${!builtIn && (confirming
        ? html`<button type="button" class="danger" onClick=${remove}>Delete ${category.name}?</button><button type="button" onClick=${() => setConfirming(false)}>Keep</button>`
        : html`<button type="button" class="danger-outline" onClick=${() => setConfirming(true)}>Delete</button>`)}
    </div>
  </article>`;
}

/** Deployment groups a chain can name as `group:<name>` (changed over /config/group). */
function Groups({ groups, categories }) {
  return html`<div class="card" aria-label="Deployment groups">
    <h2>Deployment groups</h2>
    <div class="table-wrap"><table>
      <thead><tr><th>group</th><th>strategy</th><th>deployments</th><th>named by</th><th>defined in</th></tr></thead>
      <tbody>${groups.map((g) => html`<tr data-group=${g.name}>
        <td><code>group:${g.name}</code></td><td>${g.strategy}</td>
        <td>${g.deployments.map((d) => html`<div><code>${d.target}</code>${d.name ? html` <span class="muted small">${d.name}</span>` : ''}${d.weight !== undefined ? html` <span class="muted small">weight ${d.weight}</span>` : ''}</div>`)}</td>
        <td>${categories.filter((c) => c.chain.includes(`group:${g.name}`)).map((c) => c.name).join(', ') || html`<span class="muted">no chain</span>`}</td>
        <td class="muted small">${g.source}</td></tr>`)}</tbody></table></div>
  </div>`;
}

function NewCategory({ ctx }) {
  const [form, setForm] = useState({ name: '', description: '', keywords: '', chain: '' });
  const field = (name) => ({ value: form[name], onInput: (e) => setForm({ ...form, [name]: e.target.value }) });
  const submit = (e) => {
    e.preventDefault();
    const split = (text) => text.split(/[,\n]/).map((s) => s.trim()).filter(Boolean);
    api('/config/category', { method: 'POST', body: { name: form.name.trim(), description: form.description, keywords: split(form.keywords), chain: split(form.chain) } }).then((r) => {
      setForm({ name: '', description: '', keywords: '', chain: '' });
      ctx.changed(`${r.created ? 'created' : 'replaced'} category ${r.category.name}: ${r.category.keywords.length} keywords, chain ${r.category.chain.join(' → ')}`);
    }, ctx.failed);
  };
  return html`<form class="card stacked" onSubmit=${submit} aria-label="New category">
    <h2>New category</h2>
    <label>Name <input required placeholder="translation" ...${field('name')} /></label>
    <label>Description <input placeholder="Translate text between languages" ...${field('description')} /></label>
    <label>Keywords <span class="muted small">(comma-separated)</span><input placeholder="translate, in french, übersetze" ...${field('keywords')} /></label>
    <label>Chain <span class="muted small">(comma-separated, first is tried first)</span><input required list="known-targets" placeholder="openai/gpt-4o-mini, ollama/llama3.1" ...${field('chain')} /></label>
    <button type="submit" class="primary">Add category</button>
  </form>`;
}

function ClassifierSettings({ settings, ctx }) {
  const [form, setForm] = useState(settings);
  useEffect(() => setForm(settings), [JSON.stringify(settings)]);
  const set = (name, value) => setForm({ ...form, [name]: value });
  const submit = (e) => {
    e.preventDefault();
    const patch = {};
    for (const k of ['mode', 'model', 'timeoutMs', 'hybridThreshold', 'toolsPolicy']) if (form[k] !== settings[k]) patch[k] = form[k];
    if (!Object.keys(patch).length) return ctx.changed('classifier: nothing changed');
    api('/config/classifier', { method: 'POST', body: patch }).then(
      (r) => ctx.changed(`classifier: ${Object.keys(patch).map((k) => `${k} ${JSON.stringify(r.previous[k])} → ${JSON.stringify(r[k])}`).join(', ')}`),
      ctx.failed,
    );
  };
  return html`<form class="card stacked" onSubmit=${submit} aria-label="Classifier settings">
    <h2>Classifier</h2>
    <label>Mode <select value=${form.mode} onChange=${(e) => set('mode', e.target.value)}>${['keyword', 'hybrid', 'llm'].map((m) => html`<option>${m}</option>`)}</select></label>
    <label>LLM target <input list="known-targets" placeholder="none" value=${form.model ?? ''} onInput=${(e) => set('model', e.target.value.trim() || null)} /></label>
    <label>Hybrid threshold <input type="number" min="0" max="1" step="0.05" value=${form.hybridThreshold} onInput=${(e) => set('hybridThreshold', Number(e.target.value))} /></label>
    <label>LLM timeout (ms) <input type="number" min="50" max="60000" step="50" value=${form.timeoutMs} onInput=${(e) => set('timeoutMs', Number(e.target.value))} /></label>
    <label>Tools policy <select value=${form.toolsPolicy} onChange=${(e) => set('toolsPolicy', e.target.value)}>${['auto', 'intent', 'present'].map((m) => html`<option>${m}</option>`)}</select></label>
    <button type="submit" class="primary">Save classifier settings</button>
  </form>`;
}

/** One audit row in words: which category, and what happened to its chain. */
function describeChange(before, after) {
  const name = (after ?? before)?.name;
  if (!name) return html`<span class="muted">settings changed</span>`;
  if (!before) return html`created <b>${name}</b>: ${after.chain?.join(' → ')}`;
  if (!after) return html`deleted <b>${name}</b>`;
  const a = before.chain?.join(' → ');
  const b = after.chain?.join(' → ');
  return a === b ? html`<b>${name}</b> updated` : html`<b>${name}</b>: ${a} <span class="muted">⇒</span> ${b}`;
}
