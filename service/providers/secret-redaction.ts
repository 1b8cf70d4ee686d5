// Keeps the gateway's own credentials out of any upstream text it passes on or stores. An upstream
// may echo the key it was sent ("Incorrect API key provided: Bearer sk-…"); that text reaches
// clients, the request log and /metrics. Every credential the gateway holds is registered once
// (the provider registry does it as it is built), and every ProviderError redacts on construction.

const REDACTED = '[redacted]';
/** Shorter values would redact ordinary words; no real key is this short. */
const MIN_SECRET_LENGTH = 8;
const SUMMARY_LENGTH = 200;

const secrets = new Set<string>();
/** Longest first, so a key is replaced before any registered value it contains. */
let ordered: string[] = [];

/** Things that look like credentials whether or not they were registered: another tenant's key is no better to leak. */
const CREDENTIAL_SHAPES: Array<[RegExp, string]> = [
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{7,}[A-Za-z0-9_~+/=-]/gi, `$1 ${REDACTED}`],
  [/\bsk-[A-Za-z0-9_-]{8,}/g, REDACTED],
  [/\bAIza[0-9A-Za-z_-]{20,}/g, REDACTED],
];

export function registerSecret(value: string): void {
  if (typeof value !== 'string') return;
  const trimmed = value.trim();
  const forms = [trimmed, encodeURIComponent(trimmed)];
  // An Authorization-style value: the token alone is as secret as the whole header.
  const scheme = /^(?:Bearer|Basic|Token)\s+(\S+)$/i.exec(trimmed);
  if (scheme) forms.push(scheme[1]);
  let added = false;
  for (const form of forms) {
    if (form.length < MIN_SECRET_LENGTH || secrets.has(form)) continue;
    secrets.add(form);
    added = true;
  }
  if (added) ordered = [...secrets].sort((a, b) => b.length - a.length);
}

export function redactSecrets(text: string): string {
  if (typeof text !== 'string' || text === '') return text;
  let out = text;
  for (const secret of ordered) if (out.includes(secret)) out = out.replaceAll(secret, REDACTED);
  for (const [shape, replacement] of CREDENTIAL_SHAPES) out = out.replace(shape, replacement);
  return out;
}

/**
 * A copy of an upstream value (error metadata) with every string redacted. Bounded: deeper than
 * `maxDepth` or wider than `maxEntries` per level is cut, since it came from the upstream too.
 */
export function redactValue(value: unknown, maxDepth = 8, maxEntries = 100): unknown {
  if (typeof value === 'string') return redactSecrets(value);
  if (value === null || typeof value !== 'object') return typeof value === 'function' || typeof value === 'symbol' ? undefined : value;
  if (maxDepth <= 0) return '[truncated]';
  if (Array.isArray(value)) return value.slice(0, maxEntries).map((v) => redactValue(v, maxDepth - 1, maxEntries));
  const out: Record<string, unknown> = {};
  let n = 0;
  for (const [key, v] of Object.entries(value)) {
    if (n++ >= maxEntries) break;
    out[redactSecrets(key)] = redactValue(v, maxDepth - 1, maxEntries);
  }
  return out;
}

/**
 * A short plain-text line for an error body that is not the provider's JSON: an HTML page
 * (a proxy's 502, a CDN's block page) becomes its title or heading, anything else its first
 * ~200 characters with whitespace collapsed. Redacted, with no markup left.
 */
export function summariseErrorBody(body: string, contentType?: string): string {
  const text = typeof body === 'string' ? body : '';
  const html = /html|xml/i.test(contentType ?? '') || /^\s*</.test(text);
  let summary = html ? htmlSummary(text) : text;
  summary = summary.replace(/[\u0000-\u001f\u007f]+/g, ' ').replace(/\s+/g, ' ').trim();
  if (!summary) return html ? 'an HTML error page' : 'an empty body';
  summary = redactSecrets(summary);
  return summary.length > SUMMARY_LENGTH ? `${summary.slice(0, SUMMARY_LENGTH - 1)}…` : summary;
}

function htmlSummary(page: string): string {
  // Only the head of a page is looked at: a title or heading is near the top, and the page may be
  // megabytes. indexOf rather than lazy regexes, so a page full of unclosed tags stays linear.
  const head = page.slice(0, 64 * 1024);
  const lower = head.toLowerCase();
  const title = element(head, lower, 'title') ?? element(head, lower, 'h1');
  const text = title ?? withoutElements(head, lower, ['script', 'style']);
  return decodeEntities(text.replace(/<[^>]*>?/g, ' ')).replace(/[<>]/g, ' ');
}

/** The text inside the first `<name …>…</name>`, or undefined. */
function element(text: string, lower: string, name: string): string | undefined {
  const open = lower.indexOf(`<${name}`);
  if (open === -1) return undefined;
  const start = lower.indexOf('>', open);
  const end = start === -1 ? -1 : lower.indexOf(`</${name}`, start);
  return end === -1 ? undefined : text.slice(start + 1, end);
}

function withoutElements(text: string, lower: string, names: string[]): string {
  let out = '';
  let at = 0;
  // Where each element next opens; -1 once it opens no more, so no search runs twice over the same text.
  const opens = new Map(names.map((n) => [n, lower.indexOf(`<${n}`)]));
  for (;;) {
    let next = -1;
    let name = '';
    for (const [n, i] of opens) {
      const found = i !== -1 && i < at ? lower.indexOf(`<${n}`, at) : i;
      opens.set(n, found);
      if (found !== -1 && (next === -1 || found < next)) [next, name] = [found, n];
    }
    if (next === -1) return out + text.slice(at);
    out += `${text.slice(at, next)} `;
    const close = lower.indexOf(`</${name}`, next);
    const after = close === -1 ? -1 : lower.indexOf('>', close);
    if (after === -1) return out;
    at = after + 1;
  }
}

function decodeEntities(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|#39|nbsp);/g, (_, name: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", nbsp: ' ' })[name] ?? ' ');
}

/** For tests: forget every registered secret. */
export function clearSecretsForTest(): void {
  secrets.clear();
  ordered = [];
}
