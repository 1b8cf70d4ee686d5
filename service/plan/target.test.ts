import { describe, expect, it } from 'vitest';
import { chainProblem, modelIdProblem, parseTarget } from './target.ts';

describe('modelIdProblem', () => {
  it('accepts real model ids', () => {
    for (const id of ['openai/gpt-4o', 'openrouter/moonshotai/kimi-k2.5', 'ollama/hf.co/user/repo:Q4_K_M', 'google/gemini-2.5-flash', 'x/modèle']) {
      expect(modelIdProblem(id)).toBeNull();
    }
  });

  it('refuses control characters, characters no header can carry, and absurd lengths', () => {
    expect(modelIdProblem('openai/gpt\r\nx-injected: 1')).toMatch(/control character/);
    expect(modelIdProblem('openai/gpt\u0000')).toMatch(/control character/);
    expect(modelIdProblem('openai/gpt\u0085')).toMatch(/control character/);
    expect(modelIdProblem('openai/gpt-☃')).toMatch(/Latin-1/);
    expect(modelIdProblem(`openai/${'a'.repeat(300)}`)).toMatch(/longer than 256/);
    expect(modelIdProblem('')).toMatch(/empty/);
  });

  it('makes parseTarget and chainProblem refuse such ids', () => {
    expect(parseTarget('openai/gpt\n')).toBeNull();
    expect(parseTarget('openai/gpt-4o')).toEqual({ id: 'openai/gpt-4o', provider: 'openai', model: 'gpt-4o' });
    expect(chainProblem(['openai/gpt\n'], () => true)).toMatch(/control character/);
  });
});
