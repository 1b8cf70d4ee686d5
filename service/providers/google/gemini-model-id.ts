// The Gemini API takes the model in the URL path (`/v1beta/models/{model}:generateContent`), so a
// model id is a path segment the client chose: `../../admin/x?y=1#` would leave /models and carry
// the API key elsewhere. Only the shapes Gemini's ids have are let through.
import { ProviderError } from '../provider-error.ts';

/** `gemini-2.5-flash`, `models/gemini-2.5-flash`, `tunedModels/my-model-123`: no dots at the start, no `/ ? # % :` inside. */
const GEMINI_MODEL_ID = /^(?:(?:models|tunedModels)\/)?[A-Za-z0-9][A-Za-z0-9._-]*$/;

export function isGeminiModelId(model: string): boolean {
  return GEMINI_MODEL_ID.test(model);
}

/** Throws ProviderError 'invalid-request' (a 400 to the client, not counted against the target) unless the id is safe in a path. */
export function assertGeminiModelId(provider: string, model: string): void {
  if (isGeminiModelId(model)) return;
  throw new ProviderError({
    provider,
    kind: 'invalid-request',
    status: 400,
    type: 'invalid_request_error',
    code: 'invalid_model',
    param: 'model',
    message: `${JSON.stringify(model.slice(0, 100))} is not a Gemini model id (letters, digits, '.', '_' and '-', optionally after "models/" or "tunedModels/")`,
  });
}
