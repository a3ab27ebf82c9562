/**
 * db top on a real PostgreSQL with pg_stat_statements preloaded (the suite's private server, see
 * test/helpers/private-servers.ts): after a short load run the deliberately slow query ranks first.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resetTopQueries, topQueries } from '../../src/db/index.js';
import { runQuickTest } from '../../src/engine/index.js';
import { statsPostgres } from '../helpers/private-servers.js';
import { createPgDatabase, pgExec } from './pg-scratch.js';
import { ROOT, startProbedApp } from './probe-harness.js';

const server = statsPostgres();
let db: { url: string; drop: () => Promise<void> };
let bare: { url: string; drop: () => Promise<void> };

describe.skipIf(server.skipReason !== '')(`db top on PostgreSQL ${server.skipReason}`, () => {
  beforeAll(async () => {
    db = await createPgDatabase('rl_top', server.base);
    bare = await createPgDatabase('rl_top_bare', server.base);
    const [preload] = await pgExec(db.url, [
      "SELECT current_setting('shared_preload_libraries') AS v",
    ]);
    if (!String(preload?.[0]?.['v']).includes('pg_stat_statements')) {
      throw new Error(
        `pg_stat_statements is not preloaded on ${server.base}: the private server of test/setup/private-servers.ts preloads it`,
      );
    }
    await pgExec(db.url, [
      'CREATE EXTENSION IF NOT EXISTS pg_stat_statements',
      readFileSync(join(ROOT, 'test/fixtures/apps/db/schema.sql'), 'utf8'),
    ]);
  }, 60_000);

  afterAll(async () => {
    await db?.drop();
    await bare?.drop();
  });

  it('ranks the deliberately slow query first after a short load run', async () => {
    await resetTopQueries({ db: db.url });
    const app = await startProbedApp('top-pg.mjs', { DATABASE_URL: db.url }, false);
    try {
      const { totals } = await runQuickTest({
        url: `http://127.0.0.1:${app.port}/mixed`,
        connections: 4,
        requests: 40,
        timeoutMs: 20_000,
      });
      expect(totals).toBeDefined();
    } finally {
      await app.stop();
    }
    const result = await topQueries({ db: db.url, limit: 5, explain: 1 });
    expect(result.source).toBe('pg_stat_statements');
    expect(result.queries[0]?.query).toContain('JOIN orders o2');
    expect(result.queries[0]?.calls).toBe(40);
    expect(result.queries[0]?.share).toBeGreaterThan(0.5);
    const fast = result.queries.find((q) =>
      q.query.startsWith('SELECT total FROM orders WHERE id'),
    );
    expect(fast?.calls).toBe(200);
    expect(result.queries[0]?.findings).toBeDefined();
  });

  it('says exactly how to enable pg_stat_statements when the extension is missing', async () => {
    const error = await topQueries({ db: bare.url }).catch((e) => e);
    expect(error.code).toBe('DB_STATS_UNAVAILABLE');
    expect(error.exitCode).toBe(72);
    expect(error.hint).toContain('CREATE EXTENSION pg_stat_statements');
  });
});
