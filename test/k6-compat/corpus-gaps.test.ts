/**
 * Gaps the public k6 corpus (bench/k6-corpus) exposed, each run unchanged against local
 * servers: named `k6/execution` exports, k6/http's constants on the default export, `group()`
 * used without import, `require('k6/http')` in a CommonJS remote module, and TLS under `--host`
 * naming the script's host.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeSelfSignedCertificate } from '../helpers/certificates.js';
import { ocspResponseDer } from '../helpers/ocsp-der.js';
import { type K6Server, startK6Server } from './helpers/k6-server.js';
import { checkCounts, corpusScript, metricValue, runCli, runCorpus } from './helpers/run-corpus.js';

let server: K6Server;
beforeAll(async () => {
  server = await startK6Server();
});
afterAll(() => server.close());

describe('gaps found by the k6 corpus', () => {
  it('k6/execution: named vu, scenario and instance exports read live values', async () => {
    const run = await runCorpus('corpus-gaps/execution-named.js', server.url);
    expect(run.scriptErrors).toEqual([]);
    expect(run.exitCode).toBe(0);
    for (const name of [
      'scenario.iterationInTest is the current one',
      'scenario.name',
      'vu.idInTest is the VU',
      'vu.iterationInScenario is __ITER',
      'instance reads exec.instance',
    ]) {
      expect({ name, counts: checkCounts(run, name) }).toEqual({ name, counts: { passes: 6, fails: 0 } });
    }
    // Each of the 6 iterations saw its own iterationInTest (0..5), not the init-time value.
    for (let i = 0; i < 6; i++) {
      expect(run.totals.summarize('iteration_in_test', { i: String(i) })?.sum).toBe(1);
    }
  });

  it('per-VU init across scenarios: each VU of each scenario has its own module state', async () => {
    const run = await runCorpus('corpus-gaps/per-vu-init-scenarios.js', server.url);
    expect(run.scriptErrors).toEqual([]);
    expect(run.exitCode).toBe(0);
    for (const s of ['a', 'b']) {
      expect(checkCounts(run, `${s}: module state is this VU's own`)).toEqual({ passes: 6, fails: 0 });
      expect(checkCounts(run, `${s}: token set in init`)).toEqual({ passes: 6, fails: 0 });
    }
    // One init copy per VU: 2 VUs in each scenario.
    expect(run.totals.summarize('init_copies')?.sum).toBe(4);
    for (const owner of ['a/1', 'a/2', 'b/3', 'b/4']) {
      expect({ owner, n: run.totals.summarize('init_copies', { owner })?.sum }).toEqual({ owner, n: 1 });
    }
  });

  it('exec.test.options has k6 shape: shortcuts become scenarios.default', async () => {
    const run = await runCorpus('corpus-gaps/test-options.js', server.url);
    expect(run.scriptErrors).toEqual([]);
    expect(run.exitCode).toBe(0);
    for (const name of ['scenarios.default is ramping-vus', 'stages as written', 'thresholds as written', 'read-only']) {
      const counts = checkCounts(run, name);
      expect({ name, fails: counts?.fails }).toEqual({ name, fails: 0 });
      expect(counts?.passes).toBeGreaterThan(0);
    }
  });

  it('k6/http: TLS_* and OCSP_* constants are on the default export', async () => {
    const run = await runCorpus('corpus-gaps/http-constants.js', server.url, { iterations: 1 });
    expect(run.exitCode).toBe(0);
    expect(checkCounts(run, 'TLS constants on the default export')).toEqual({ passes: 1, fails: 0 });
    expect(checkCounts(run, 'OCSP constants on the default export')).toEqual({ passes: 1, fails: 0 });
  });

  it('group() without import: a ReferenceError in each iteration, as in k6 (not a refusal)', async () => {
    const run = await runCorpus('corpus-gaps/undeclared-group.js', server.url, { iterations: 3 });
    expect(run.exitCode).toBe(0);
    expect(run.scriptErrors.length).toBeGreaterThanOrEqual(1);
    expect(run.scriptErrors[0]).toMatch(/ReferenceError: group is not defined/);
    expect(metricValue(run, 'iterations', 'count')).toBe(3);
    expect(metricValue(run, 'http_reqs', 'count') ?? 0).toBe(0);
  });

  it('a CommonJS remote module can require("k6/http") and patch it for the script', async () => {
    const mirror = corpusScript('corpus-gaps/mirror/');
    const result = await runCli([
      'run', corpusScript('corpus-gaps/require-k6-remote.js'), '--quiet', '-i', '2',
      '--no-remote-modules', '--module-mirror', `https://modules.example.test/=${mirror}`,
      '-e', `BASE_URL=${server.url}`,
    ]);
    expect(result.stderr).not.toMatch(/error in an iteration/);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/✓ header added by the patched http\.get/);
    expect(result.stdout).toMatch(/✓ require\("k6\/execution"\) works/);
  });

  it("requests inside a describe() copied from k6chaijs (not jslib's URL) are refused with the reason, before the run", async () => {
    const mirror = corpusScript('corpus-gaps/mirror/');
    const result = await runCli([
      'run', corpusScript('corpus-gaps/describe-requests.js'), '--quiet', '-i', '1',
      '--no-remote-modules', '--module-mirror', `https://modules.example.test/=${mirror}`,
      '-e', `BASE_URL=${server.url}`,
    ]);
    expect(result.code).toBe(107);
    expect(result.stderr).toMatch(/describe-requests\.js:7:\d+/);
    expect(result.stderr).toMatch(/a describe\(\) that is not jslib's k6chaijs and that Redline cannot see into/);
    expect(result.stderr).toMatch(/import describe from https:\/\/jslib\.k6\.io\/k6chaijs\/<version>\/index\.js/);
  });
});

describe('TLS under --host names the script host', () => {
  let dir: string;
  let tls: Server;
  let port: number;
  const sockets = new Set<Socket>();
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'redline-corpus-tls-'));
    const { certPath, keyPath } = writeSelfSignedCertificate(dir, {
      cn: 'api.corpus.test',
      altName: 'DNS:api.corpus.test',
    });
    tls = createServer(
      { key: readFileSync(keyPath), cert: readFileSync(certPath) },
      (req, res) => {
        // The SNI the client sent, so a wrong name shows as a failed check, not a hang.
        res.end((req.socket as unknown as { servername?: string }).servername ?? '');
      },
    );
    // Staples a good OCSP response (the parser does not check signatures, as k6 without issuer).
    const stapled = ocspResponseDer({
      status: 'good',
      producedAt: '2025-12-01T10:00:00Z',
      thisUpdate: '2025-12-01T09:00:00Z',
      nextUpdate: '2025-12-08T09:00:00Z',
    });
    tls.on('OCSPRequest', (_cert: Buffer, _issuer: Buffer, done: (e: Error | null, r?: Buffer) => void) =>
      done(null, stapled),
    );
    tls.on('connection', (s: Socket) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    await new Promise<void>((resolve) => tls.listen(0, '127.0.0.1', resolve));
    port = (tls.address() as AddressInfo).port;
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => tls.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  it('verifies the certificate against the name in the script (as k6 hosts), not the address', async () => {
    const result = await runCli(
      [
        'run', corpusScript('corpus-gaps/tls-host-name.js'), '--quiet', '-i', '1',
        '--host', `https://api.corpus.test=https://127.0.0.1:${port}`,
      ],
      { env: { NODE_EXTRA_CA_CERTS: join(dir, 'cert.pem') } },
    );
    expect(result.stderr).not.toMatch(/request failed/);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/✓ status is 200/);
    expect(result.stdout).toMatch(/✓ over TLS/);
  });

  it('response.ocsp reads the stapled OCSP response, as k6', async () => {
    const result = await runCli(
      [
        'run', corpusScript('corpus-gaps/ocsp.js'), '--quiet', '-i', '1',
        '--host', `https://api.corpus.test=https://127.0.0.1:${port}`, '-e', `BASE_URL=${server.url}`,
      ],
      { env: { NODE_EXTRA_CA_CERTS: join(dir, 'cert.pem') } },
    );
    expect(result.stderr).not.toMatch(/error in an iteration/);
    expect(result.code).toBe(0);
    for (const name of ['is OCSP response good', 'OCSP times', 'OCSP revocation fields as k6', 'plain HTTP has no OCSP status']) {
      expect(result.stdout).toContain(`✓ ${name}`);
    }
  });
});
