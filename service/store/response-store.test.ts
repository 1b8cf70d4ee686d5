import { describe, expect, it } from 'vitest';
import { openDatabase } from './database.ts';
import { ResponseStore } from './response-store.ts';

describe('ResponseStore', () => {
  it('gives back what was stored until it expires', () => {
    const store = new ResponseStore(openDatabase(':memory:'), 1000);
    store.save('resp_1', [{ type: 'message', role: 'user', content: 'hi' }], 10_000);
    expect(store.load('resp_1', 10_500)).toEqual([{ type: 'message', role: 'user', content: 'hi' }]);
    expect(store.load('resp_1', 11_001)).toBeUndefined();
    expect(store.load('resp_unknown', 10_500)).toBeUndefined();
  });
});
