import { describe, expect, it } from 'vitest';
import { newRequestId } from './request-id.ts';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('newRequestId', () => {
  it('gives RFC 9562 version 7 UUIDs that carry their millisecond', () => {
    const at = Date.UTC(2026, 10, 28, 12, 0, 0, 123);
    const id = newRequestId(at);
    expect(id).toMatch(UUID_V7);
    expect(parseInt(id.slice(0, 8) + id.slice(9, 13), 16)).toBe(at);
  });

  it('keeps increasing within a millisecond and when the clock steps back, and never repeats', () => {
    const at = Date.UTC(2027, 0, 1);
    const ids = [...Array.from({ length: 5000 }, () => newRequestId(at)), newRequestId(at - 1000), newRequestId(at + 1)];
    expect(new Set(ids).size).toBe(ids.length);
    for (let i = 1; i < ids.length; i++) expect(ids[i] > ids[i - 1]).toBe(true);
    for (const id of ids) expect(id).toMatch(UUID_V7);
  });
});
