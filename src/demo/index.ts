/** Public surface of the bundled demo service: start it, and the metadata of its planted bottlenecks. */

export {
  DEMO_BOTTLENECKS,
  type DemoBottleneck,
  type DemoBottleneckId,
  type DemoBottleneckLocation,
  findPackageRoot,
  getDemoBottleneck,
  locateDemoBottleneck,
} from './bottlenecks.js';
export { DEMO_READY_PREFIX } from './cli-options.js';
export type { DemoDatabaseKind, DemoQueryEvent, DemoQueryListener } from './database/database.js';
export {
  CREATE_MISSING_INDEX_SQL,
  DEFAULT_DEMO_SCHEMA,
  DROP_MISSING_INDEX_SQL,
  MISSING_INDEX_NAME,
} from './database/schema.js';
export { DEFAULT_SEED, DEMO_CATEGORIES, type DemoSeedSpec } from './database/seed.js';
export { defaultSeedCacheRoot } from './database/seed-cache.js';
export { REQUEST_LOG_CAPACITY } from './middleware/request-log.js';
export { DEMO_PASSWORD, DEMO_USER, PASSWORD_HASH_ITERATIONS } from './password.js';
export { CATEGORY_ITEMS_EXAMPLE_PARAMS, CATEGORY_ITEMS_SQL } from './routes/categories.js';
export { DEMO_ROUTES, type DemoRouteInfo } from './routes/index.js';
export { ITEMS_PAGE_SQL, ITEMS_PAGE_WITH_SELLERS_SQL, SELLER_BY_ID_SQL } from './routes/items.js';
export { ALL_ORDERS_SQL, ORDERS_PAGE_SQL } from './routes/orders.js';
export { type DemoServerHandle, type DemoServerOptions, startDemoServer } from './start.js';
export { type DemoBottleneckSwitches, resolveSwitches, SWITCH_NAMES } from './switches.js';
