import { describe, expect, it } from 'vitest';
import { nearestKey } from './config-file.ts';

describe('nearestKey', () => {
  const keys = ['type', 'baseURL', 'apiKeyEnv', 'apiKey', 'headers', 'options'];
  it('finds the key a typo or a different case meant', () => {
    expect(nearestKey('baseUrl', keys)).toBe('baseURL');
    expect(nearestKey('base_url', keys)).toBe('baseURL');
    expect(nearestKey('apikey', keys)).toBe('apiKey');
    expect(nearestKey('header', keys)).toBe('headers');
  });
  it('suggests nothing for a key unlike any known one', () => {
    expect(nearestKey('categories', keys)).toBeNull();
    expect(nearestKey('x', keys)).toBeNull();
  });
});
