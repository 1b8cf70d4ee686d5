// Printing for npm run bench: per-round tables, medians, and the closing table of targets, which is
// printed as Markdown so it can go into docs/PERFORMANCE.md as it stands.
import type { LoadResult } from './load-client.ts';

/** A load result plus the CPU all server processes spent per answered request while it ran. */
export type Measured = LoadResult & { serverCpuUs: number };
export type Round = Record<string, Measured>;

export interface Verdict {
  measure: string;
  measured: string;
  target: string;
  /** null when it could not be measured in this run. */
  met: boolean | null;
}

export const fixed = (x: number, digits = 2): string => (Number.isFinite(x) ? x.toFixed(digits) : '—');
export const thousands = (x: number): string => (Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : '—');

export function median(values: number[]): number {
  const finite = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (!finite.length) return Number.NaN;
  const mid = Math.floor(finite.length / 2);
  return finite.length % 2 ? finite[mid] : (finite[mid - 1] + finite[mid]) / 2;
}

/** Why a target's result cannot be used (most requests failed), or null when it can. */
export function unusable(r: Measured | undefined): string | null {
  if (!r) return 'not run';
  if (r.requests === 0 && r.errors === 0) return r.firstError ?? 'no requests completed';
  if (r.requests === 0 || r.errors > r.requests * 0.01) return `${r.errors} of ${r.requests + r.errors} requests failed (${r.firstError ?? 'no detail'})`;
  return null;
}

/** The per-round value of `pick`, or NaN for rounds where either side was unusable. */
export function perRound(rounds: Round[], pick: (round: Round) => number, ...needed: string[]): number[] {
  return rounds.map((round) => (needed.some((name) => unusable(round[name])) ? Number.NaN : pick(round)));
}

export function roundsText(values: number[], digits = 2, unit = ''): string {
  return `rounds: ${values.map((v) => `${fixed(v, digits)}${unit}`).join(', ')}`;
}

type Column = [header: string, cell: (r: Measured) => string];

export const THROUGHPUT_COLUMNS: Column[] = [
  ['req/s', (r) => thousands(r.rps)],
  ['p50 ms', (r) => fixed(r.p50)],
  ['p99 ms', (r) => fixed(r.p99)],
  ['server CPU µs/req', (r) => fixed(r.serverCpuUs, 0)],
  ['requests', (r) => String(r.requests)],
  ['errors', (r) => String(r.errors)],
];
export const PACED_COLUMNS: Column[] = [
  ['p50 ms', (r) => fixed(r.p50)],
  ['p99 ms', (r) => fixed(r.p99)],
  ['max ms', (r) => fixed(r.max)],
  ['achieved req/s', (r) => thousands(r.rps)],
  ['max send lag ms', (r) => fixed(r.maxSendLagMs)],
  ['errors', (r) => String(r.errors)],
];
export const FIRST_TOKEN_COLUMNS: Column[] = [
  ['first content p50 ms', (r) => fixed(r.firstContentP50, 3)],
  ['p99 ms', (r) => fixed(r.firstContentP99, 3)],
  ['whole stream p50 ms', (r) => fixed(r.p50, 3)],
  ['streams', (r) => String(r.requests)],
  ['errors', (r) => String(r.errors)],
];

/** One line per round and target; `extra` adds a ratio column (e.g. against the floor). */
export function printRounds(rounds: Round[], columns: Column[], extra?: [string, (round: Round, name: string) => string]): void {
  const headers = ['round', 'target', ...columns.map(([h]) => h), ...(extra ? [extra[0]] : [])];
  // A row is its cells, or for an unusable target its round, name and why.
  const rows: Array<{ cells: string[] } | { lead: string[]; note: string }> = [];
  rounds.forEach((round, i) => {
    for (const [name, r] of Object.entries(round)) {
      const problem = unusable(r);
      if (problem) rows.push({ lead: [String(i + 1), name], note: `unavailable: ${problem}` });
      else rows.push({ cells: [String(i + 1), name, ...columns.map(([, cell]) => cell(r)), ...(extra ? [extra[1](round, name)] : [])] });
    }
  });
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((row) => ('cells' in row ? row.cells[i] : (row.lead[i] ?? '')).length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(line(headers));
  for (const row of rows) console.log('cells' in row ? line(row.cells) : `${line(row.lead)}  ${row.note}`);
}

export function printVerdicts(verdicts: Verdict[]): void {
  console.log('| measure | measured | target | result |');
  console.log('|---|---|---|---|');
  const cell = (text: string) => text.replaceAll('|', '\\|');
  for (const v of verdicts) console.log(`| ${cell(v.measure)} | ${cell(v.measured)} | ${v.target} | ${v.met === null ? 'not measured' : v.met ? 'met' : '**not met**'} |`);
}
