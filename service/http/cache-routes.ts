// GET /cache: the response cache's settings, contents and counts. DELETE /cache empties it, or
// one category's entries with ?category=.
import { Hono } from 'hono';
import { categoryName } from './category-schema.ts';
import { errorResponse, invalidRequest } from './openai-error.ts';

export interface CacheAdmin {
  stats(): Record<string, unknown>;
  clear(category?: string): number;
}

export function cacheRoutes(cache: CacheAdmin): Hono {
  const app = new Hono();

  app.get('/cache', (c) => c.json(cache.stats(), 200, { 'cache-control': 'no-store' }));

  app.delete('/cache', (c) => {
    const category = c.req.query('category');
    // `direct` is where provider/model requests are kept, so it can be cleared though it is no category name.
    if (category !== undefined && category !== 'direct' && !categoryName.safeParse(category).success) {
      return errorResponse(c, invalidRequest(`category "${category}" is not a category name`, 'category', 'invalid_value'));
    }
    return c.json({ deleted: cache.clear(category), category: category ?? null });
  });

  return app;
}
