// GET/POST /config/classifier: the classifier's mode, LLM target, thresholds and tools policy,
// changed at runtime, stored, and in force from the next request.
import { Hono } from 'hono';
import { z } from 'zod';
import type { ProviderRegistry } from '../providers/provider-registry.ts';
import type { ConfigurableClassifier, ClassifierSettings } from '../classify/configurable-classifier.ts';
import { compileOperatorPattern } from '../classify/operator-pattern.ts';
import { chainProblem } from '../plan/target.ts';
import type { SettingsStorage } from '../store/settings-store.ts';
import { errorResponse, invalidRequest } from './openai-error.ts';
import { readJsonBody } from './read-json-body.ts';
import { storeWrite } from './store-unavailable.ts';

export const CLASSIFIER_SETTINGS_KEY = 'classifier';

/** The classifier's settings, any of them: over POST /config/classifier and in ROUTER_CONFIG's `classifier`. */
export const classifierPatchSchema = z
  .object({
    mode: z.enum(['keyword', 'llm', 'hybrid']),
    model: z.string().min(3).nullable(),
    timeoutMs: z.number().int().min(50).max(60_000),
    hybridThreshold: z.number().min(0).max(1),
    toolsPolicy: z.enum(['auto', 'intent', 'present']),
    boilerplatePatterns: z.array(z.string().max(2000)).max(100).nullable(),
  })
  .partial()
  .strict();

export interface ClassifierRouteDeps {
  classifier: ConfigurableClassifier;
  settings: SettingsStorage;
  providers: ProviderRegistry;
  maxBodyBytes: number;
}

export function classifierRoutes(deps: ClassifierRouteDeps): Hono {
  const app = new Hono();
  app.get('/config/classifier', (c) => c.json(deps.classifier.settings));
  app.post('/config/classifier', async (c) => {
    const parsed = classifierPatchSchema.safeParse(await readJsonBody(c, deps.maxBodyBytes));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const param = issue.path.join('.') || null;
      return errorResponse(c, invalidRequest(`${param ? `${param}: ` : ''}${issue.message}`, param, 'invalid_value'));
    }
    const next: ClassifierSettings = { ...deps.classifier.settings, ...parsed.data };
    if (next.model) {
      const problem = chainProblem([next.model], (name) => deps.providers.has(name));
      if (problem) return errorResponse(c, invalidRequest(problem, 'model', 'invalid_target'));
    }
    for (const pattern of next.boilerplatePatterns ?? []) {
      try {
        compileOperatorPattern(pattern, { ignoreCase: false, multiline: true });
      } catch (error) {
        const message = error instanceof SyntaxError ? `pattern /${pattern}/ does not compile: ${error.message}` : (error as Error).message;
        return errorResponse(c, invalidRequest(`boilerplatePatterns: ${message}`, 'boilerplatePatterns', 'invalid_value'));
      }
    }
    const previous = deps.classifier.settings;
    try {
      deps.classifier.apply(next);
    } catch (error) {
      return errorResponse(c, invalidRequest((error as Error).message, 'model', 'invalid_value'));
    }
    try {
      await storeWrite('POST /config/classifier', () => deps.settings.set(CLASSIFIER_SETTINGS_KEY, next, 'POST /config/classifier'));
    } catch (error) {
      // Not stored, so not in force: the next request classifies as before.
      deps.classifier.apply(previous);
      throw error;
    }
    return c.json({ ...next, previous });
  });
  return app;
}
