// The Gemini API takes the model in the URL path (`/v1beta/models/{model}:generateContent`), and the
// SDK puts the id there as it is: a client's `../../admin/x?y=1#` would leave /models and carry the
// API key elsewhere. Ids that try to leave their segment are refused; anything else is encoded.
import { ProviderError } from '../provider-error.ts';

/** Characters that end or escape a path segment, and a pre-encoded `%`. */
const SEGMENT_BREAKERS = /[/?#%\\]/;
const PREFIXES = ['models/', 'tunedModels/'];

/** Why the id cannot be a Gemini model path segment, or null. */
export function geminiModelIdProblem(model: string): string | null {
  const name = withoutPrefix(model);
  if (!name) return 'it is empty';
  if (name === '.' || name === '..') return 'it is a dot segment';
  if (SEGMENT_BREAKERS.test(name)) return "it contains '/', '?', '#', '%' or '\\', which would move the request elsewhere on the host";
  return null;
}

/**
 * The path the SDK should call for `model`: `models/<encoded id>` (or the caller's `tunedModels/…`).
 * Given with its prefix, the SDK uses it as is. Throws ProviderError 'invalid-request' (a 400 to the
 * client, not counted against the target) for an id that tries to leave its segment.
 */
export function geminiModelPath(provider: string, model: string): string {
  const problem = geminiModelIdProblem(model);
  if (problem) {
    throw new ProviderError({
      provider,
      kind: 'invalid-request',
      status: 400,
      type: 'invalid_request_error',
      code: 'invalid_model',
      param: 'model',
      message: `${JSON.stringify(model.slice(0, 100))} is not a Gemini model id: ${problem}`,
    });
  }
  const prefix = PREFIXES.find((p) => model.startsWith(p)) ?? 'models/';
  return `${prefix}${encodeURIComponent(withoutPrefix(model))}`;
}

function withoutPrefix(model: string): string {
  const prefix = PREFIXES.find((p) => model.startsWith(p));
  return prefix ? model.slice(prefix.length) : model;
}
