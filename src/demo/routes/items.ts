/** GET /items (a page of items with their sellers; holds the N+1 bottleneck) and GET /items/:id. */
import { type DemoHandler, PAGE_SIZE } from '../app.js';
import { requireUserId } from '../web/auth.js';
import { HttpError } from '../web/http-error.js';
import { parseId, parseIntParam } from '../web/query-params.js';

/** A page of items with their category, newest id first (primary-key order: healthy). */
export const ITEMS_PAGE_SQL = `SELECT i.id, i.title, i.price_cents, i.created_at, i.seller_id,
  c.id AS category_id, c.name AS category_name
FROM items AS i JOIN categories AS c ON c.id = i.category_id
ORDER BY i.id DESC LIMIT $1 OFFSET $2`;

/** The query the N+1 repeats once per item. */
export const SELLER_BY_ID_SQL = 'SELECT id, name FROM users WHERE id = $1';

/** The fix of the N+1: the page and its sellers in one query. */
export const ITEMS_PAGE_WITH_SELLERS_SQL = `SELECT i.id, i.title, i.price_cents, i.created_at, i.seller_id,
  c.id AS category_id, c.name AS category_name, u.name AS seller_name
FROM items AS i JOIN categories AS c ON c.id = i.category_id JOIN users AS u ON u.id = i.seller_id
ORDER BY i.id DESC LIMIT $1 OFFSET $2`;

/** One item with category and seller, by primary key. */
export const ITEM_BY_ID_SQL = `SELECT i.id, i.title, i.description, i.price_cents, i.stock, i.created_at,
  i.seller_id, u.name AS seller_name, c.id AS category_id, c.name AS category_name
FROM items AS i JOIN categories AS c ON c.id = i.category_id JOIN users AS u ON u.id = i.seller_id
WHERE i.id = $1`;

/** A row of the item queries. */
export interface ItemRow {
  id: number;
  title: string;
  price_cents: number;
  created_at: Date;
  seller_id: number;
  seller_name?: string;
  category_id: number;
  category_name: string;
}

/** The JSON shape of an item in listings. */
export function toItemJson(row: ItemRow) {
  return {
    id: row.id,
    title: row.title,
    priceCents: row.price_cents,
    createdAt: row.created_at,
    category: { id: row.category_id, name: row.category_name },
    seller: { id: row.seller_id, name: row.seller_name ?? null },
  };
}

/**
 * The planted bottleneck: one query per item for its seller, awaited one after another, so a
 * page of 20 items costs 21 database round trips.
 */
async function attachSellersOneByOne(app: Parameters<DemoHandler>[0]['app'], rows: ItemRow[]) {
  for (const row of rows) {
    // redline-demo: bottleneck n-plus-one
    const [seller] = await app.db.query<{ id: number; name: string }>(SELLER_BY_ID_SQL, [
      row.seller_id,
    ]);
    row.seller_name = seller?.name;
  }
}

/** Handles `GET /items?limit=20&offset=0` (Bearer token required). */
export const listItems: DemoHandler = async ({ req, url, app }) => {
  requireUserId(req, app.signer);
  const limit = parseIntParam(url, 'limit', PAGE_SIZE.default, 1, PAGE_SIZE.max);
  const offset = parseIntParam(url, 'offset', 0, 0, 1_000_000);
  if (app.planted.nPlusOne) {
    const rows = await app.db.query<ItemRow>(ITEMS_PAGE_SQL, [limit, offset]);
    await attachSellersOneByOne(app, rows);
    return { body: { items: rows.map(toItemJson), page: { limit, offset } } };
  }
  // Fixed: one JOIN, and every user asks for the same newest page, so it is served from a
  // short-lived cache (app.ts READ_CACHE_TTL_MS; concurrent misses share one query).
  const items = await app.caches.itemPages.get(`${limit}:${offset}`, async () =>
    (await app.db.query<ItemRow>(ITEMS_PAGE_WITH_SELLERS_SQL, [limit, offset])).map(toItemJson),
  );
  return { body: { items, page: { limit, offset } } };
};

/** Handles `GET /items/:id` (public; primary-key lookup: healthy). */
export const getItem: DemoHandler = async ({ params, app }) => {
  const id = parseId(params['id']);
  const [row] = await app.db.query<ItemRow & { description: string; stock: number }>(
    ITEM_BY_ID_SQL,
    [id],
  );
  if (!row) throw new HttpError(404, 'not_found', `item ${id} does not exist`);
  return { body: { ...toItemJson(row), description: row.description, stock: row.stock } };
};
