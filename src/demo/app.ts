/** The demo application's shared state, handed to every route handler. */
import type { DemoDatabase } from './database/database.js';
import type { RequestLog } from './middleware/request-log.js';
import type { DemoBottleneckSwitches } from './switches.js';
import type { TokenSigner } from './web/auth.js';
import type { RouteContext, RouteHandler } from './web/router.js';

/** Default and maximum page sizes of the paginated routes. */
export const PAGE_SIZE = { default: 20, max: 100 } as const;

/** State shared by the routes of one demo server. */
export interface DemoApp {
  db: DemoDatabase;
  signer: TokenSigner;
  /** Which bottlenecks are planted (true) or fixed (false). */
  planted: Readonly<DemoBottleneckSwitches>;
  requestLog: RequestLog;
}

/** A route handler of the demo. */
export type DemoHandler = RouteHandler<DemoApp>;
/** The context a demo route handler receives. */
export type DemoContext = RouteContext<DemoApp>;
