/** GET /health: liveness without touching the database (the cheapest route, a throughput baseline). */
import type { DemoHandler } from '../app.js';

/** Handles `GET /health`. */
export const getHealth: DemoHandler = async ({ app }) => ({
  body: { status: 'ok', database: app.db.kind },
});
