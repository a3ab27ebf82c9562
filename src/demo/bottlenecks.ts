/** Where each planted bottleneck lives (file, marker comment, function, route, fix), and a locator for its line. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ExitCode } from '../errors/exit-codes.js';
import { RedlineError } from '../errors/redline-error.js';
import { CREATE_MISSING_INDEX_SQL, MISSING_INDEX_NAME } from './database/schema.js';
import { CATEGORY_ITEMS_SQL } from './routes/categories.js';
import { SELLER_BY_ID_SQL } from './routes/items.js';
import { ALL_ORDERS_SQL } from './routes/orders.js';
import type { DemoBottleneckSwitches } from './switches.js';

/** Stable ids of the planted bottlenecks. */
export type DemoBottleneckId =
  | 'sync-hash'
  | 'n-plus-one'
  | 'missing-index'
  | 'unpaginated'
  | 'memory-leak';

/** Description of one planted bottleneck. */
export interface DemoBottleneck {
  id: DemoBottleneckId;
  /** The switch in {@link DemoBottleneckSwitches} (and `startDemoServer({ bottlenecks })`). */
  option: keyof DemoBottleneckSwitches;
  title: string;
  /** The route where it shows (`*` = every request). */
  route: string;
  /** Source file, relative to the package root. The statement is on the line after the marker. */
  file: string;
  /** Text of the marker comment (`// <marker>`) placed on the line just above the statement. */
  marker: string;
  /** The function containing the statement (what a CPU or heap profile shows). */
  functionName: string;
  /** What the fixed mode does instead. */
  fix: string;
  /** SQL involved, when the bottleneck is a query. */
  sql?: string;
  /** The `CREATE INDEX` that fixes it (missing-index only). */
  createIndex?: string;
  /** Name of that index. */
  indexName?: string;
}

const marker = (id: DemoBottleneckId) => `redline-demo: bottleneck ${id}`;

/** The five planted bottlenecks. */
export const DEMO_BOTTLENECKS: readonly DemoBottleneck[] = [
  {
    id: 'sync-hash',
    option: 'syncHash',
    title: 'Synchronous password hashing on login',
    route: 'POST /auth/login',
    file: 'src/demo/routes/login.ts',
    marker: marker('sync-hash'),
    functionName: 'verifyPasswordSync',
    fix: 'crypto.pbkdf2 (async, on the libuv thread pool)',
  },
  {
    id: 'n-plus-one',
    option: 'nPlusOne',
    title: 'N+1 queries in the item listing',
    route: 'GET /items',
    file: 'src/demo/routes/items.ts',
    marker: marker('n-plus-one'),
    functionName: 'attachSellersOneByOne',
    fix: 'one query joining users',
    sql: SELLER_BY_ID_SQL,
  },
  {
    id: 'missing-index',
    option: 'missingIndex',
    title: 'Missing index behind the category filter',
    route: 'GET /categories/:slug/items',
    file: 'src/demo/routes/categories.ts',
    marker: marker('missing-index'),
    functionName: 'listCategoryItems',
    fix: CREATE_MISSING_INDEX_SQL,
    sql: CATEGORY_ITEMS_SQL,
    createIndex: CREATE_MISSING_INDEX_SQL,
    indexName: MISSING_INDEX_NAME,
  },
  {
    id: 'unpaginated',
    option: 'unpaginated',
    title: 'Order history without pagination',
    route: 'GET /orders',
    file: 'src/demo/routes/orders.ts',
    marker: marker('unpaginated'),
    functionName: 'listOrders',
    fix: 'LIMIT/OFFSET pages (20 by default, 100 at most)',
    sql: ALL_ORDERS_SQL,
  },
  {
    id: 'memory-leak',
    option: 'memoryLeak',
    title: 'Unbounded in-memory request history',
    route: '*',
    file: 'src/demo/middleware/request-log.ts',
    marker: marker('memory-leak'),
    functionName: 'remember',
    fix: 'a ring buffer of the newest 100 requests',
  },
];

/** Looks a bottleneck up by id (throws on an unknown id). */
export function getDemoBottleneck(id: DemoBottleneckId): DemoBottleneck {
  const found = DEMO_BOTTLENECKS.find((b) => b.id === id);
  if (!found) throw new RedlineError('DEMO_UNKNOWN_BOTTLENECK', `unknown demo bottleneck '${id}'`);
  return found;
}

/** The package root (the directory with package.json above this module, in src/ or dist/). */
export function findPackageRoot(start = dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new RedlineError('DEMO_NO_ROOT', 'package root not found');
  }
}

/** A located bottleneck: the 1-based line of its statement and of its marker. */
export interface DemoBottleneckLocation {
  /** Path relative to the package root (`src/demo/…ts` or, compiled, `dist/demo/…js`). */
  file: string;
  absolutePath: string;
  /** Line of the offending statement (marker line + 1). */
  line: number;
  markerLine: number;
}

/**
 * Finds the marker of a bottleneck at run time, so tests never hard-code line numbers.
 * `compiled: true` searches the tsc output in dist/ (comments are kept there) instead of src/.
 */
export function locateDemoBottleneck(
  id: DemoBottleneckId,
  options: { root?: string; compiled?: boolean } = {},
): DemoBottleneckLocation {
  const bottleneck = getDemoBottleneck(id);
  const root = options.root ?? findPackageRoot();
  const file = options.compiled
    ? bottleneck.file.replace(/^src\//, 'dist/').replace(/\.ts$/, '.js')
    : bottleneck.file;
  const absolutePath = join(root, file);
  const lines = readFileSync(absolutePath, 'utf8').split('\n');
  const pattern = new RegExp(`//\\s*${bottleneck.marker}\\s*$`);
  const index = lines.findIndex((text) => pattern.test(text));
  if (index < 0) {
    throw new RedlineError(
      'DEMO_MARKER_MISSING',
      `marker '${bottleneck.marker}' not found in ${file}`,
      {
        exitCode: ExitCode.DataError,
      },
    );
  }
  return { file, absolutePath, line: index + 2, markerLine: index + 1 };
}
