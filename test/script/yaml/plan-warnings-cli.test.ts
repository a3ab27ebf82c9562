/**
 * `redline run plan.yaml` shows the warnings of the k6 options check (an option Redline ignores, a
 * threshold setting without effect) as it does for a script, at the plan's own file:line:column,
 * and the run still completes (exit 0). Built CLI, real HTTP server on loopback, a 1 s run.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpServer, type TestServer } from '../../helpers/servers.js';
import { runCli } from '../../k6-compat/helpers/run-corpus.js';

let server: TestServer;
const dir = mkdtempSync(join(tmpdir(), 'redline-yaml-warn-'));

beforeAll(async () => {
  server = await startHttpServer((_req, res) => res.end('{}'));
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('redline run plan.yaml: k6 option warnings', () => {
  it('prints each warning with the plan line and column of its key; the run completes, exit 0', async () => {
    writeFileSync(
      join(dir, 'plan.yaml'),
      `target: ${server.url}
vus: 1
duration: 1s
thresholds:
  http_req_failed: [{ threshold: "rate<0.5", delayAbortEval: 1s }]
options:
  linger: true
flow:
  - get: /
  - think: 50ms
`,
    );
    const out = await runCli(['run', 'plan.yaml', '--quiet'], { cwd: dir, timeoutMs: 60_000 });
    expect(out.stderr).toContain(
      'redline: warning: plan.yaml:5:46: thresholds.http_req_failed[0].delayAbortEval: has no effect without abortOnFail: true\n',
    );
    expect(out.stderr).toContain(
      'redline: warning: plan.yaml:7:3: options.linger: ignored: Redline has no API server to keep alive after the test\n',
    );
    // Shown once each (not again through the generated options).
    expect(out.stderr.match(/linger/g)).toHaveLength(1);
    expect(out.code).toBe(0);
    expect(server.count()).toBeGreaterThan(0);
  });
});
