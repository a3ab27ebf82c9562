/** The probe's Prometheus side port: route latency histograms, DB time, event-loop lag and pool gauges. */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HelloRecord } from '../../src/probe/index.js';
import { optionalBinary } from '../helpers/require-binary.js';
import { createPgDatabase, pgExec } from './pg-scratch.js';
import { getMany, ROOT, startProbedApp } from './probe-harness.js';

let db: { url: string; drop: () => Promise<void> };

beforeAll(async () => {
  db = await createPgDatabase('rl_metrics');
  await pgExec(db.url, [readFileSync(join(ROOT, 'test/fixtures/apps/db/schema.sql'), 'utf8')]);
}, 60_000);

afterAll(async () => {
  await db?.drop();
});

describe('probe /metrics', () => {
  it('serves valid Prometheus text with the route histogram and pool gauges', async () => {
    const app = await startProbedApp('authors-join.mjs', {
      DATABASE_URL: db.url,
      REDLINE_PROBE_METRICS_PORT: '0',
    });
    try {
      await getMany(app.port, '/authors', 3);
      const hello = JSON.parse(
        readFileSync(app.reportFile, 'utf8').split('\n')[0] as string,
      ) as HelloRecord;
      expect(hello.metricsPort).toBeGreaterThan(0);
      const body = await (await fetch(`http://127.0.0.1:${hello.metricsPort}/metrics`)).text();
      expect(body).toMatch(
        /redline_http_request_duration_seconds_count\{method="GET",route="\/authors",status="200"\} 3/,
      );
      expect(body).toMatch(/redline_request_db_seconds_count\{route="\/authors"\} 3/);
      expect(body).toMatch(/redline_db_queries_total\{driver="pg"\} 3/);
      expect(body).toMatch(/redline_db_pool_connections\{driver="pg",pool="1",state="total"\} \d/);
      expect(body).toContain('redline_event_loop_lag_seconds');
      const promtool = optionalBinary('promtool');
      if (promtool) {
        const check = spawnSync(promtool, ['check', 'metrics'], {
          input: body,
          encoding: 'utf8',
        });
        expect(check.status, check.stdout + check.stderr).toBe(0);
      }
    } finally {
      await app.stop();
    }
  });
});
