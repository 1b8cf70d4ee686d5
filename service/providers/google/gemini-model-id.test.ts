import { describe, expect, it } from 'vitest';
import { assertGeminiModelId, isGeminiModelId } from './gemini-model-id.ts';
import { ProviderError } from '../provider-error.ts';

describe('isGeminiModelId', () => {
  it('accepts the ids Gemini has', () => {
    for (const id of ['gemini-2.5-flash', 'gemini-2.0-flash-001', 'models/gemini-2.5-pro', 'tunedModels/my-model-123', 'gemini-3-pro-preview']) expect(isGeminiModelId(id)).toBe(true);
  });

  it('refuses anything that could move the request elsewhere on the host', () => {
    for (const id of ['../../../admin/x?y=1#', '..', 'models/../x', 'a/b', 'gemini?alt=json', 'gemini#x', 'gemini%2F..', 'gemini:countTokens', ' gemini', '']) {
      expect(isGeminiModelId(id)).toBe(false);
    }
  });

  it("throws an 'invalid-request' ProviderError with status 400", () => {
    let error: unknown;
    try {
      assertGeminiModelId('gemini', '../admin');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ kind: 'invalid-request', status: 400, isRequestError: true });
  });
});
