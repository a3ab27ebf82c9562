/** The demo's route table and a machine-readable list of its routes (for audits that build a load profile). */
import type { DemoApp } from '../app.js';
import type { Route } from '../web/router.js';
import { listCategories, listCategoryItems } from './categories.js';
import { listRecentRequests } from './debug.js';
import { getHealth } from './health.js';
import { getItem, listItems } from './items.js';
import { login } from './login.js';
import { createOrder, listOrders } from './orders.js';
import { getMe } from './users.js';

/** Every route of the demo service. */
export const DEMO_ROUTE_TABLE: readonly Route<DemoApp>[] = [
  { method: 'GET', pattern: '/health', handler: getHealth },
  { method: 'POST', pattern: '/auth/login', handler: login },
  { method: 'GET', pattern: '/users/me', handler: getMe },
  { method: 'GET', pattern: '/items', handler: listItems },
  { method: 'GET', pattern: '/items/:id', handler: getItem },
  { method: 'GET', pattern: '/categories', handler: listCategories },
  { method: 'GET', pattern: '/categories/:slug/items', handler: listCategoryItems },
  { method: 'GET', pattern: '/orders', handler: listOrders },
  { method: 'POST', pattern: '/orders', handler: createOrder },
  { method: 'GET', pattern: '/debug/requests', handler: listRecentRequests },
];

/** A route as documented for other tools: pattern, an example request, whether it needs a token. */
export interface DemoRouteInfo {
  method: 'GET' | 'POST';
  pattern: string;
  /** A concrete path (with query) that succeeds against the default seed. */
  example: string;
  /** A JSON body for the example (POST routes). */
  body?: Record<string, unknown>;
  auth: boolean;
  /** The planted bottleneck id on this route, if any. */
  bottleneck?: string;
}

/** The routes with working examples (the example k6 flow first). */
export const DEMO_ROUTES: readonly DemoRouteInfo[] = [
  {
    method: 'POST',
    pattern: '/auth/login',
    example: '/auth/login',
    body: { email: 'test@example.com', password: 'password123' },
    auth: false,
    bottleneck: 'sync-hash',
  },
  { method: 'GET', pattern: '/users/me', example: '/users/me', auth: true },
  {
    method: 'GET',
    pattern: '/items',
    example: '/items?limit=20',
    auth: true,
    bottleneck: 'n-plus-one',
  },
  { method: 'GET', pattern: '/items/:id', example: '/items/42', auth: false },
  { method: 'GET', pattern: '/categories', example: '/categories', auth: false },
  {
    method: 'GET',
    pattern: '/categories/:slug/items',
    example: '/categories/books/items?limit=20',
    auth: false,
    bottleneck: 'missing-index',
  },
  { method: 'GET', pattern: '/orders', example: '/orders', auth: true, bottleneck: 'unpaginated' },
  {
    method: 'POST',
    pattern: '/orders',
    example: '/orders',
    body: { itemId: 42, quantity: 1 },
    auth: true,
  },
  { method: 'GET', pattern: '/debug/requests', example: '/debug/requests?limit=20', auth: true },
  { method: 'GET', pattern: '/health', example: '/health', auth: false },
];
