// What a category must look like, over REST and in categories/*.json: zod shapes, plus the
// checks zod cannot make alone (a pattern that compiles, a chain whose providers exist).
import { z } from 'zod';
import type { CategoryDefinition } from '../classify/category.ts';

/** `direct` is what a `provider/model` request is recorded under; a category of that name would be ambiguous. */
const RESERVED = new Set(['direct']);

export const categoryName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'a category name is 1-64 lowercase letters, digits, _ or -, starting with a letter or digit')
  .refine((name) => !RESERVED.has(name), { message: 'this name is reserved' });

const keyword = z.union([
  z.string().trim().min(1),
  z.object({ term: z.string().trim().min(1), weight: z.number().finite() }).strict(),
  z
    .object({ pattern: z.string().min(1), weight: z.number().finite() })
    .strict()
    .superRefine((rule, ctx) => {
      try {
        new RegExp(rule.pattern, 'im');
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: `pattern does not compile: ${(error as Error).message}`, path: ['pattern'] });
      }
    }),
]);

const chain = z.array(z.string().min(3).max(200)).min(1).max(20);

/** POST /config/category: description and keywords may be left out (kept on update, empty on create). */
export const categoryBodySchema = z.object({
  name: categoryName,
  description: z.string().max(2000).optional(),
  keywords: z.array(keyword).max(2000).optional(),
  models: chain,
});

/** A categories/*.json file. */
export const categoryFileSchema = z.object({
  name: categoryName,
  description: z.string().max(2000),
  keywords: z.array(keyword).max(2000),
  chain,
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
    chain: body.models,
  };
}
