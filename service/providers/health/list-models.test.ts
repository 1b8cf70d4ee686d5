import { describe, expect, it } from 'vitest';
import { isListed } from './list-models.ts';

describe('isListed', () => {
  it('matches ids exactly, and an Ollama model without a tag as :latest', () => {
    const ollama = new Set(['llama3.2:latest', 'qwen2.5-coder:7b']);
    expect(isListed('ollama', 'llama3.2', ollama)).toBe(true);
    expect(isListed('ollama', 'llama3.2:latest', ollama)).toBe(true);
    expect(isListed('ollama', 'qwen2.5-coder', ollama)).toBe(false);
    expect(isListed('ollama', 'qwen2.5-coder:7b', ollama)).toBe(true);
    expect(isListed('openai', 'gpt-4o', new Set(['gpt-4o-mini']))).toBe(false);
    expect(isListed('openai', 'gpt-4o', new Set(['gpt-4o']))).toBe(true);
  });
});
