import { describe, expect, it } from 'vitest';
import { MAX_TIMER_MS, baseUrlProblem, corsOriginsFrom, durationMsFrom, headerProblem, hostFrom, keyListFrom, portFrom } from './config-values.ts';

describe('portFrom', () => {
  it('takes whole numbers from 1 to 65535 and the fallback when unset', () => {
    expect(portFrom(undefined, 3456, 'PORT')).toBe(3456);
    expect(portFrom('', 3456, 'PORT')).toBe(3456);
    expect(portFrom('65535', 3456, 'PORT')).toBe(65535);
    for (const bad of ['0', '0.4', '99999', '-1', '1e3', 'http', ' ']) expect(() => portFrom(bad, 3456, 'PORT'), bad).toThrow(/^PORT must be/);
  });
});

describe('durationMsFrom', () => {
  it('refuses sub-millisecond values, values under the minimum and timers Node would clamp to 1 ms', () => {
    expect(durationMsFrom('100', 5, 'T', { min: 100 })).toBe(100);
    expect(durationMsFrom(String(MAX_TIMER_MS), 5, 'T', { min: 1 })).toBe(2147483647);
    for (const bad of ['0.5', '99', String(MAX_TIMER_MS + 1), '3000000000', 'Infinity', 'NaN', 'soon']) {
      expect(() => durationMsFrom(bad, 5, 'T', { min: 100 }), bad).toThrow(/^T must be a whole number of milliseconds from 100 to 2147483647/);
    }
  });
});

describe('hostFrom', () => {
  it('takes IPs and host names, not URLs or host:port', () => {
    for (const ok of ['127.0.0.1', '0.0.0.0', '::', '::1', 'localhost', 'gateway.internal', 'a-b.example.com.']) expect(hostFrom(ok, 'x', 'HOST')).toBe(ok);
    for (const bad of ['http://example.com', 'example.com:80', 'a b', '-x.example', 'a..b']) expect(() => hostFrom(bad, 'x', 'HOST'), bad).toThrow(/^HOST must be/);
  });
});

describe('keyListFrom', () => {
  it('splits and trims, treats unset as no keys, and refuses a value that names none', () => {
    expect(keyListFrom(undefined, 'K')).toEqual([]);
    expect(keyListFrom('', 'K')).toEqual([]);
    expect(keyListFrom(' a , b,,', 'K')).toEqual(['a', 'b']);
    for (const bad of [' , ,', ',', '   ']) expect(() => keyListFrom(bad, 'K'), JSON.stringify(bad)).toThrow(/^K is set but names no key/);
  });
});

describe('baseUrlProblem', () => {
  it('allows http(s) URLs without credentials', () => {
    expect(baseUrlProblem('https://api.example.com/v1')).toBeNull();
    expect(baseUrlProblem('http://10.0.0.5:8000/v1')).toBeNull();
    expect(baseUrlProblem('file:///etc/passwd')).toMatch(/http:\/\/ or https:\/\//);
    expect(baseUrlProblem('javascript:alert(1)')).toMatch(/http:\/\/ or https:\/\//);
    expect(baseUrlProblem('https://key@api.example.com')).toMatch(/credentials/);
    expect(baseUrlProblem('https://:pw@api.example.com')).toMatch(/credentials/);
    expect(baseUrlProblem('not a url')).toMatch(/not a URL/);
  });
});

describe('headerProblem', () => {
  it('refuses names that are not tokens and values a header cannot carry', () => {
    expect(headerProblem('X-Title', 'Agent fleet, café')).toBeNull();
    expect(headerProblem('X Title', 'a')).toMatch(/not a valid header name/);
    expect(headerProblem('X-A', 'a\r\nX-B: 1')).toMatch(/CR, LF or NUL/);
    expect(headerProblem('X-A', 'a\0')).toMatch(/CR, LF or NUL/);
    expect(headerProblem('X-A', 'snowman ☃')).toMatch(/cannot carry/);
  });
});

describe('corsOriginsFrom', () => {
  it('takes exact origins and refuses paths, trailing slashes and other schemes', () => {
    expect(corsOriginsFrom(' https://app.example.com, http://localhost:5173 ', 'C')).toEqual(['https://app.example.com', 'http://localhost:5173']);
    expect(corsOriginsFrom(undefined, 'C')).toEqual([]);
    for (const bad of ['https://app.example.com/', 'https://app.example.com/x', 'app.example.com', '*', 'ftp://x.example']) expect(() => corsOriginsFrom(bad, 'C'), bad).toThrow(/is not an origin/);
  });
});
