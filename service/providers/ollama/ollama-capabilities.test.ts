import { describe, expect, it } from 'vitest';
import { capabilitiesFromShow, modelNamesFromTags } from './ollama-capabilities.ts';

describe('ollama capabilities', () => {
  it('lists model names from /api/tags', () => {
    expect(modelNamesFromTags({ models: [{ name: 'deepseek-r1:latest' }, { model: 'llama3.2:latest' }, {}] })).toEqual(['deepseek-r1:latest', 'llama3.2:latest']);
    expect(modelNamesFromTags({})).toEqual([]);
  });

  it('reads tools, vision and the context length from /api/show', () => {
    expect(capabilitiesFromShow({ capabilities: ['completion', 'tools', 'thinking'], model_info: { 'general.architecture': 'qwen2', 'qwen2.context_length': 131072 } })).toEqual({
      tools: true,
      streaming: true,
      images: false,
      contextWindow: 131072,
    });
    expect(capabilitiesFromShow({ capabilities: ['completion', 'vision'], model_info: new Map([['gemma3.context_length', 32768]]) })).toEqual({ tools: false, streaming: true, images: true, contextWindow: 32768 });
    expect(capabilitiesFromShow({})).toEqual({ tools: false, streaming: true, images: false });
  });
});
