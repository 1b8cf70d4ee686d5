import { describe, expect, it } from 'vitest';
import { geminiModelIdProblem, geminiModelPath } from './gemini-model-id.ts';
import { ProviderError } from '../provider-error.ts';

describe('geminiModelPath', () => {
  it('gives the ids Gemini has their models/ path, keeping a given prefix', () => {
    expect(geminiModelPath('g', 'gemini-2.5-flash')).toBe('models/gemini-2.5-flash');
    expect(geminiModelPath('g', 'models/gemini-2.5-pro')).toBe('models/gemini-2.5-pro');
    expect(geminiModelPath('g', 'tunedModels/my-model-123')).toBe('tunedModels/my-model-123');
  });

  it('encodes characters that are not path characters', () => {
    expect(geminiModelPath('g', 'text:Bonjour tout')).toBe('models/text%3ABonjour%20tout');
  });

  it('refuses anything that could move the request elsewhere on the host', () => {
    for (const id of ['../../../admin/x?y=1#', '..', 'models/..', 'models/../x', 'a/b', 'gemini?alt=json', 'gemini#x', 'gemini%2F..', 'a\\b', '', 'models/']) {
      expect(geminiModelIdProblem(id), id).not.toBeNull();
    }
  });

  it("throws an 'invalid-request' ProviderError with status 400", () => {
    let error: unknown;
    try {
      geminiModelPath('gemini', '../admin');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ kind: 'invalid-request', status: 400, isRequestError: true });
  });
});
