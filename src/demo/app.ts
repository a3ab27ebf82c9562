/** The demo application's shared state, handed to every route handler. */
import type { DemoDatabase } from './database/database.js';
import type { RequestLog } from './middleware/request-log.js';
import type { DemoBottleneckSwitches } from './switches.js';
import type { TokenSigner } from './web/auth.js';
import type { RouteContext, RouteHandler } from './web/router.js';
import { TtlCache } from './web/ttl-cache.js';

/** Default and maximum page sizes of the paginated routes. */
export const PAGE_SIZE = { default: 20, max: 100 } as const;

/**
 * How long the fixed demo serves a cached read (ms). No demo route writes items or categories
 * (POST /orders only inserts an order), so the TTL alone bounds how stale a reply can be: a writer
 * outside the service (a re-seed of a `--database-url` database) is seen within 5 s. Repeats of one
 * key drop to one query per 5 s, below the probe's cache-candidate rate (10 in 10 s).
 */
export const READ_CACHE_TTL_MS = 5_000;

/** Entries each read cache holds at most (pages are small: 20-100 rows). */
export const READ_CACHE_MAX_ENTRIES = 256;

/**
 * The fixed demo's read caches (used only where the route's bottleneck is fixed): the item
 * listing's pages and the category route's slug lookups and newest-items pages.
 */
export interface DemoReadCaches {
  /** `GET /items` pages with their sellers, by `limit:offset`. */
  itemPages: TtlCache<unknown[]>;
  /** Category rows by slug (`undefined` caches an unknown slug: its 404 costs no query either). */
  categoryBySlug: TtlCache<{ id: number; name: string } | undefined>;
  /** A category's newest items, by `categoryId:limit`. */
  categoryItems: TtlCache<unknown[]>;
}

/** Creates empty read caches with the demo's TTL and bound. */
export function createReadCaches(ttlMs = READ_CACHE_TTL_MS): DemoReadCaches {
  const options = { ttlMs, maxEntries: READ_CACHE_MAX_ENTRIES };
  return {
    itemPages: new TtlCache(options),
    categoryBySlug: new TtlCache(options),
    categoryItems: new TtlCache(options),
  };
}

/** State shared by the routes of one demo server. */
export interface DemoApp {
  db: DemoDatabase;
  signer: TokenSigner;
  /** Which bottlenecks are planted (true) or fixed (false). */
  planted: Readonly<DemoBottleneckSwitches>;
  requestLog: RequestLog;
  /** Read caches of the fixed routes (see {@link DemoReadCaches}). */
  caches: DemoReadCaches;
}

/** A route handler of the demo. */
export type DemoHandler = RouteHandler<DemoApp>;
/** The context a demo route handler receives. */
export type DemoContext = RouteContext<DemoApp>;
