/** GET /orders (the user's orders; holds the unpaginated bottleneck) and POST /orders. */
import { type DemoHandler, PAGE_SIZE } from '../app.js';
import { requireUserId } from '../web/auth.js';
import { readBodyFields } from '../web/body.js';
import { HttpError } from '../web/http-error.js';
import { parseIntParam } from '../web/query-params.js';

const ORDER_COLUMNS = `o.id, o.item_id, i.title AS item_title, o.quantity, o.total_cents, o.status, o.created_at
FROM orders AS o JOIN items AS i ON i.id = o.item_id
WHERE o.user_id = $1
ORDER BY o.created_at DESC, o.id DESC`;

/** Every order of a user, newest first: the planted bottleneck (no LIMIT). */
export const ALL_ORDERS_SQL = `SELECT ${ORDER_COLUMNS}`;

/** The fix: one page of a user's orders. */
export const ORDERS_PAGE_SQL = `SELECT ${ORDER_COLUMNS} LIMIT $2 OFFSET $3`;

/** Creates an order priced from the item, returning it. */
export const CREATE_ORDER_SQL = `INSERT INTO orders (user_id, item_id, quantity, total_cents, status, created_at)
SELECT $1::int, i.id, $3::int, $3::int * i.price_cents, 'pending', now() FROM items AS i WHERE i.id = $2::int
RETURNING id, item_id, quantity, total_cents, status, created_at`;

interface OrderRow {
  id: number;
  item_id: number;
  item_title?: string;
  quantity: number;
  total_cents: number;
  status: string;
  created_at: Date;
}

function toOrderJson(row: OrderRow) {
  return {
    id: row.id,
    item: { id: row.item_id, title: row.item_title ?? null },
    quantity: row.quantity,
    totalCents: row.total_cents,
    status: row.status,
    createdAt: row.created_at,
  };
}

/** Handles `GET /orders` (Bearer token required); paginated only when the bottleneck is fixed. */
export const listOrders: DemoHandler = async ({ req, url, app }) => {
  const userId = requireUserId(req, app.signer);
  if (app.planted.unpaginated) {
    // redline-demo: bottleneck unpaginated
    const rows = await app.db.query<OrderRow>(ALL_ORDERS_SQL, [userId]);
    return { body: { orders: rows.map(toOrderJson) } };
  }
  const limit = parseIntParam(url, 'limit', PAGE_SIZE.default, 1, PAGE_SIZE.max);
  const offset = parseIntParam(url, 'offset', 0, 0, 1_000_000);
  const rows = await app.db.query<OrderRow>(ORDERS_PAGE_SQL, [userId, limit, offset]);
  const next = rows.length === limit ? offset + limit : null;
  return { body: { orders: rows.map(toOrderJson), page: { limit, offset, next } } };
};

/** Handles `POST /orders` with `{ itemId, quantity }` (Bearer token required); 201 with the order. */
export const createOrder: DemoHandler = async ({ req, app }) => {
  const userId = requireUserId(req, app.signer);
  const fields = await readBodyFields(req);
  const itemId = Number(fields['itemId']);
  const quantity = fields['quantity'] === undefined ? 1 : Number(fields['quantity']);
  if (!Number.isInteger(itemId) || itemId < 1 || itemId > 2_147_483_647) {
    throw new HttpError(400, 'invalid_field', "'itemId' must be a positive integer");
  }
  if (!Number.isInteger(quantity) || quantity < 1 || quantity > 100) {
    throw new HttpError(400, 'invalid_field', "'quantity' must be an integer from 1 to 100");
  }
  const [row] = await app.db.query<OrderRow>(CREATE_ORDER_SQL, [userId, itemId, quantity]);
  if (!row) throw new HttpError(404, 'not_found', `item ${itemId} does not exist`);
  return { status: 201, body: toOrderJson(row) };
};
