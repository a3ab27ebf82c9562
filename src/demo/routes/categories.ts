/** GET /categories and GET /categories/:slug/items (newest items of a category; holds the missing-index bottleneck). */
import { type DemoHandler, PAGE_SIZE } from '../app.js';
import { HttpError } from '../web/http-error.js';
import { parseIntParam } from '../web/query-params.js';
import { type ItemRow, toItemJson } from './items.js';

/** All categories (30 rows). */
export const CATEGORIES_SQL = 'SELECT id, slug, name FROM categories ORDER BY name';

/** A category by slug (unique index: healthy). */
export const CATEGORY_BY_SLUG_SQL = 'SELECT id, slug, name FROM categories WHERE slug = $1';

/**
 * The newest items of one category. Without `items (category_id, created_at DESC)` PostgreSQL
 * reads the whole items table and sorts; with it, an index scan stops after `$2` rows.
 * Parameters: `$1` category id, `$2` limit.
 */
export const CATEGORY_ITEMS_SQL = `SELECT i.id, i.title, i.price_cents, i.created_at, i.seller_id,
  u.name AS seller_name, i.category_id
FROM items AS i JOIN users AS u ON u.id = i.seller_id
WHERE i.category_id = $1
ORDER BY i.created_at DESC LIMIT $2`;

/**
 * Example parameters for {@link CATEGORY_ITEMS_SQL} against the default seed: category 1
 * (`books`), 20 rows. A database profiler can `EXPLAIN ANALYZE` the query with them.
 */
export const CATEGORY_ITEMS_EXAMPLE_PARAMS: readonly [number, number] = [1, 20];

/** Handles `GET /categories` (public). */
export const listCategories: DemoHandler = async ({ app }) => {
  const rows = await app.db.query<{ id: number; slug: string; name: string }>(CATEGORIES_SQL);
  return { body: { categories: rows } };
};

/** Handles `GET /categories/:slug/items?limit=20` (public). */
export const listCategoryItems: DemoHandler = async ({ params, url, app }) => {
  const limit = parseIntParam(url, 'limit', PAGE_SIZE.default, 1, PAGE_SIZE.max);
  const slug = params['slug'] ?? '';
  if (app.planted.missingIndex) {
    const category = await findCategory(app, slug);
    // redline-demo: bottleneck missing-index
    const rows = await app.db.query<ItemRow>(CATEGORY_ITEMS_SQL, [category.id, limit]);
    const items = rows.map((row) => toItemJson({ ...row, category_name: category.name }));
    return { body: { category: { id: category.id, slug, name: category.name }, items } };
  }
  // Fixed: the index serves the query, and the 30 categories' lookups and newest pages are read
  // again and again by every visitor, so both come from short-lived caches (app.ts
  // READ_CACHE_TTL_MS; concurrent misses share one query).
  const { categoryBySlug, categoryItems } = app.caches;
  const category = await findCategory(app, slug, (load) => categoryBySlug.get(slug, load));
  const items = await categoryItems.get(`${category.id}:${limit}`, async () =>
    (await app.db.query<ItemRow>(CATEGORY_ITEMS_SQL, [category.id, limit])).map((row) =>
      toItemJson({ ...row, category_name: category.name }),
    ),
  );
  return { body: { category: { id: category.id, slug, name: category.name }, items } };
};

type CategoryRow = { id: number; name: string } | undefined;

/** The category of `slug` (through `cached` when given); 404 when there is none. */
async function findCategory(
  app: Parameters<DemoHandler>[0]['app'],
  slug: string,
  cached: (load: () => Promise<CategoryRow>) => Promise<CategoryRow> = (load) => load(),
): Promise<{ id: number; name: string }> {
  const category = await cached(async () => {
    const [row] = await app.db.query<{ id: number; name: string }>(CATEGORY_BY_SLUG_SQL, [slug]);
    return row;
  });
  if (!category) throw new HttpError(404, 'not_found', `category '${slug}' does not exist`);
  return category;
}
