// GET /cache: the response cache's settings, contents and counts. DELETE /cache empties it, or
// one category's entries with ?category=.
import { Hono } from 'hono';
import { categoryName } from './category-schema.ts';
import { errorResponse, invalidRequest } from './openai-error.ts';
import { storeRead, storeWrite } from './store-unavailable.ts';

export interface CacheAdmin {
  stats(): Promise<Record<string, unknown>>;
  clear(category?: string): Promise<number>;
}

export function cacheRoutes(cache: CacheAdmin): Hono {
  const app = new Hono();

  app.get('/cache', async (c) => c.json(await storeRead('GET /cache', () => cache.stats()), 200, { 'cache-control': 'no-store' }));

  app.delete('/cache', async (c) => {
    const category = c.req.query('category');
    // `direct` is where provider/model requests are kept, so it can be cleared though it is no category name.
    if (category !== undefined && category !== 'direct' && !categoryName.safeParse(category).success) {
      return errorResponse(c, invalidRequest(`category "${category}" is not a category name`, 'category', 'invalid_value'));
    }
    const deleted = await storeWrite('DELETE /cache', () => cache.clear(category));
    return c.json({ deleted, category: category ?? null });
  });

  return app;
}
