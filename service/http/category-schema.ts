// What a category must look like, over REST and in categories/*.json: zod shapes, plus the
// checks zod cannot make alone (a pattern that compiles and cannot freeze the process, a chain whose
// providers exist).
import { z } from 'zod';
import type { CategoryDefinition } from '../classify/category.ts';
import { compileOperatorPattern } from '../classify/operator-pattern.ts';

/** `direct` is what a `provider/model` request is recorded under; a category of that name would be ambiguous. */
const RESERVED = new Set(['direct']);

export const categoryName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'a category name is 1-64 lowercase letters, digits, _ or -, starting with a letter or digit')
  .refine((name) => !RESERVED.has(name), { message: 'this name is reserved' });

export const keyword = z.union([
  z.string().trim().min(1),
  z.object({ term: z.string().trim().min(1), weight: z.number().finite() }).strict(),
  z
    .object({ pattern: z.string().min(1), weight: z.number().finite() })
    .strict()
    .superRefine((rule, ctx) => {
      try {
        compileOperatorPattern(rule.pattern, { ignoreCase: true, multiline: true });
      } catch (error) {
        const message = error instanceof SyntaxError ? `pattern does not compile: ${error.message}` : (error as Error).message;
        ctx.addIssue({ code: 'custom', message, path: ['pattern'] });
      }
    }),
]);

export const chain = z.array(z.string().min(3).max(200)).min(1).max(20);

/** The response cache for one category: `ttlSeconds` 0 keeps it out; `toolLoops` caches turns that answer a tool result. */
export const categoryCacheSchema = z
  .object({
    ttlSeconds: z.number().int().min(0).max(365 * 86_400),
    toolLoops: z.boolean().optional(),
  })
  .strict();

/**
 * POST /config/category: description and keywords may be left out (kept on update, empty on create).
 * The chain is `chain`, as GET /config and the files name it, so what GET returns can be posted
 * back; `models` is kept as an alias.
 */
export const categoryBodySchema = withChainAlias(
  z.object({
    name: categoryName,
    description: z.string().max(2000).optional(),
    keywords: z.array(keyword).max(2000).optional(),
    chain: chain.optional(),
    models: chain.optional(),
    /** Kept on update when left out; null removes it. */
    cache: categoryCacheSchema.nullable().optional(),
  }),
);

/** Requires one of `chain` or `models` (the same list if both), and gives it as `chain`. */
export function withChainAlias<T extends z.ZodObject<{ chain: z.ZodOptional<typeof chain>; models: z.ZodOptional<typeof chain> }>>(schema: T) {
  return schema
    .superRefine((body, ctx) => {
      const { chain: given, models } = body as { chain?: string[]; models?: string[] };
      if (!given && !models) ctx.addIssue({ code: 'custom', message: 'a chain is required (`chain`, or its alias `models`): 1-20 provider/model targets', path: ['chain'] });
      if (given && models && JSON.stringify(given) !== JSON.stringify(models)) ctx.addIssue({ code: 'custom', message: '`chain` and its alias `models` differ; send one of them', path: ['models'] });
    })
    .transform((body) => {
      const { models, ...rest } = body as z.infer<T> & { chain?: string[]; models?: string[] };
      return { ...rest, chain: (body.chain ?? models) as string[], chainParam: body.chain ? 'chain' : 'models' };
    });
}

/** A categories/*.json file. */
export const categoryFileSchema = z.object({
  name: categoryName,
  description: z.string().max(2000),
  keywords: z.array(keyword).max(2000),
  chain,
  cache: categoryCacheSchema.optional(),
});

export type CategoryBody = z.infer<typeof categoryBodySchema>;

/** The first zod issue as `path: message`, for a 400. */
export function firstIssue(error: z.ZodError): { message: string; param: string | null } {
  const issue = error.issues[0];
  const param = issue.path.join('.') || null;
  return { message: param ? `${param}: ${issue.message}` : issue.message, param };
}

export function toDefinition(body: CategoryBody, existing: CategoryDefinition | undefined): CategoryDefinition {
  return {
    name: body.name,
    description: body.description ?? existing?.description ?? '',
    keywords: body.keywords ?? existing?.keywords ?? [],
    chain: body.chain,
    ...cacheOf(body.cache === null ? undefined : (body.cache ?? existing?.cache)),
  };
}

function cacheOf(cache: CategoryDefinition['cache']): Pick<CategoryDefinition, 'cache'> {
  return cache ? { cache } : {};
}
