// What every page shares: htm bound to Preact, the JSON client (with the CSRF header), formatters
// and a hook that loads JSON and reloads it on demand.
import { h } from './vendor-preact.mjs';
import { useCallback, useEffect, useState } from './vendor-preact-hooks.mjs';
import htm from './vendor-htm.mjs';

export const html = htm.bind(h);
export const boot = JSON.parse(document.getElementById('boot').textContent);

export class ApiError extends Error {}

/** A JSON request to the gateway's admin API; changes carry the session's CSRF token. */
export async function api(path, { method = 'GET', body } = {}) {
  const headers = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (boot.csrf) headers['x-csrf-token'] = boot.csrf;
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin' });
  // An expired session: the page reloads into the sign-in form.
  if (res.status === 401 && boot.signedIn) location.reload();
  const data = await res.json().catch(() => null);
  if (!res.ok) throw new ApiError(data?.error?.message ?? `HTTP ${res.status}`);
  return data;
}

/** { data, error, loading, reload } for a GET that re-runs when `path` changes. */
export function useApi(path) {
  const [state, setState] = useState({ data: null, error: null, loading: true });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    api(path).then(
      (data) => live && setState({ data, error: null, loading: false }),
      (error) => live && setState({ data: null, error: error.message, loading: false }),
    );
    return () => { live = false; };
  }, [path, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { ...state, reload };
}

export function Loading({ error }) {
  return error ? html`<p class="error" role="alert">${error}</p>` : html`<p class="muted">Loading…</p>`;
}

export const fmt = {
  int: (n) => (n ?? 0).toLocaleString('en-US'),
  pct: (r) => (r === null || r === undefined ? '–' : `${(r * 100).toFixed(r >= 0.999 || r === 0 ? 0 : 1)} %`),
  usd: (v) => (v === null || v === undefined ? '–' : v >= 100 ? `$${v.toFixed(0)}` : v >= 1 ? `$${v.toFixed(2)}` : `$${v.toFixed(4)}`),
  ms: (v) => (v === null || v === undefined ? '–' : v >= 10_000 ? `${(v / 1000).toFixed(1)} s` : `${Math.round(v)} ms`),
  time: (ts) => new Date(ts).toLocaleString('en-GB', { dateStyle: 'short', timeStyle: 'medium' }),
  ago: (ts) => {
    const s = Math.round((Date.now() - ts) / 1000);
    if (s < 60) return `${s}s ago`;
    if (s < 3600) return `${Math.round(s / 60)} min ago`;
    if (s < 86400) return `${Math.round(s / 3600)} h ago`;
    return `${Math.round(s / 86400)} d ago`;
  },
};

/** The hash route: `#/requests/abc?x=1` → { page: 'requests', rest: ['abc'], params }. */
export function parseHash(hash) {
  const [path, query = ''] = hash.replace(/^#\/?/, '').split('?');
  const [page = 'overview', ...rest] = path.split('/').map(decodeURIComponent);
  return { page: page || 'overview', rest, params: new URLSearchParams(query) };
}

export function useHash() {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const on = () => setHash(location.hash);
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return parseHash(hash);
}
