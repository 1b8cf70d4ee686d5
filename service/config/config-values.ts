// Readers for single settings, each refusing a value the gateway could not run with, in a message
// that names the setting. A bad value stops the start; it never fails later or runs silently.
import { isIP } from 'node:net';

/** Node clamps a timer above 2^31−1 ms to 1 ms, so a longer one would fire at once. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** PORT: a whole number from 1 to 65535. */
export function portFrom(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !Number.isInteger(n) || n < 1 || n > 65535) throw new ConfigError(`${name} must be a whole number from 1 to 65535, got "${value}"`);
  return n;
}

/** HOST: an IP address or a host name (whether the name resolves is known only when listening). */
export function hostFrom(value: string | undefined, fallback: string, name: string): string {
  if (value === undefined || value === '') return fallback;
  const label = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
  if (isIP(value) || new RegExp(`^${label}(?:\\.${label})*\\.?$`).test(value)) return value;
  throw new ConfigError(`${name} must be an IP address or a host name, got "${value}"`);
}

export interface DurationBounds {
  /** The least sensible value for this timer, in ms. */
  min: number;
  max?: number;
}

/** A timer setting in whole milliseconds, within what the timer can mean and what Node can schedule. */
export function durationMsFrom(value: string | undefined, fallback: number, name: string, { min, max = MAX_TIMER_MS }: DurationBounds): number {
  if (value === undefined || value === '') return fallback;
  return checkDurationMs(Number(value), name, { min, max }, value);
}

/** The same bounds for a number that came from a file rather than the environment. */
export function checkDurationMs(n: number, name: string, { min, max = MAX_TIMER_MS }: DurationBounds, shown: unknown = n): number {
  if (!Number.isInteger(n) || n < min || n > max) throw new ConfigError(`${name} must be a whole number of milliseconds from ${min} to ${max}, got "${shown}"`);
  return n;
}

/** A positive number within [min, max]. */
export function numberFrom(value: string | undefined, fallback: number, name: string, min: number, max: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || n > max) throw new ConfigError(`${name} must be a number from ${min} to ${max}, got "${value}"`);
  return n;
}

/**
 * A comma-separated list of keys. Set but naming none (`' , ,'`) is refused: the operator meant to
 * require keys, and running open instead would be silent.
 */
export function keyListFrom(value: string | undefined, name: string): string[] {
  if (value === undefined || value === '') return [];
  const keys = value.split(',').map((k) => k.trim()).filter(Boolean);
  if (keys.length === 0) throw new ConfigError(`${name} is set but names no key; unset it to run without client keys`);
  return keys;
}

/** An allow-list of browser origins (`https://app.example.com`), each exactly as a browser sends it. */
export function corsOriginsFrom(value: string | undefined, name: string): string[] {
  if (value === undefined || value.trim() === '') return [];
  return value.split(',').map((entry) => entry.trim()).filter(Boolean).map((entry) => {
    let origin: string | null = null;
    try {
      origin = new URL(entry).origin;
    } catch {
      // reported below
    }
    if (origin !== entry || !/^https?:/.test(entry)) throw new ConfigError(`${name}: "${entry}" is not an origin (scheme://host[:port], no path or trailing slash)`);
    return entry;
  });
}

/** Why a base URL cannot be used (not http(s), or carrying credentials), or null when it can. */
export function baseUrlProblem(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `is not a URL: "${value}"`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `must be an http:// or https:// URL, got "${url.protocol}"`;
  // Credentials here would be shown in GET /config and the logs; keys belong in apiKey / apiKeyEnv.
  if (url.username || url.password) return 'must not contain credentials (user:password@); put the key in apiKey or apiKeyEnv';
  return null;
}

/** An environment base URL, checked. */
export function baseUrlFrom(value: string | undefined, name: string): string | undefined {
  if (value === undefined || value === '') return undefined;
  const problem = baseUrlProblem(value);
  if (problem) throw new ConfigError(`${name} ${problem}`);
  return value;
}

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** Why a configured request header cannot be sent (RFC 9110 token name; no CR, LF or NUL, Latin-1 only), or null. */
export function headerProblem(name: string, value: string): string | null {
  if (!HEADER_NAME.test(name)) return `"${name}" is not a valid header name`;
  if (/[\r\n\0]/.test(value)) return `header "${name}" contains CR, LF or NUL`;
  if (/[^\t\x20-\x7e\x80-\xff]/.test(value)) return `header "${name}" has a character a header cannot carry`;
  return null;
}

/** Header values from the environment, checked; unset ones are left out. */
export function headersFrom(values: Record<string, { env: string; value: string | undefined }>): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [header, { env, value }] of Object.entries(values)) {
    if (!value) continue;
    const problem = headerProblem(header, value);
    if (problem) throw new ConfigError(`${env}: ${problem}`);
    headers[header] = value;
  }
  return headers;
}
