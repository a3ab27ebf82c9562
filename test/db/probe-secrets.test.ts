/**
 * The probe's report never records a secret: routes are templates (query strings dropped, token
 * path segments replaced), queries are normalised (literals and parameters become `?`). A PGlite
 * app (in-process, no server needed) receives requests with a token in the query and the path
 * and runs queries with a password as a literal and as a parameter, repeated to raise findings.
 */
import { describe, expect, it } from 'vitest';
import { getMany, startProbedApp } from './probe-harness.js';

describe('probe report redaction', () => {
  it('holds no secret from URLs, SQL literals or SQL parameters', async () => {
    // PGlite boots a WASM PostgreSQL in the app: allow it a minute on a busy 2-core machine.
    const app = await startProbedApp(
      'secrets-pglite.mjs',
      { REDLINE_PROBE_N1_MS: '1' },
      true,
      80_000,
    );
    const path = '/session/SECRETY24a8f3e2d1c0b9a87?access_token=SECRET_X23&page=2';
    expect(await getMany(app.port, path, 3)).toEqual([200, 200, 200]);
    const report = await app.stop();
    const text = JSON.stringify(report);
    expect(report.stats?.routes.map((r) => r.route)).toEqual(['GET /session/:token']);
    expect(report.findings.length).toBeGreaterThan(0);
    expect([...new Set(text.match(/SECRET[A-Z0-9_]*/g) ?? [])]).toEqual([]);
  }, 150_000);
});
