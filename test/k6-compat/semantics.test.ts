/**
 * k6 semantics found wrong or missing on a corpus of public scripts (issue 15 §3), each checked
 * against a local server: form bodies, crypto hashers, metric constructors without `new`, ...
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderSummaryText } from '../../src/outputs/summary/summary-text.js';
import { writeSelfSignedCertificate } from '../helpers/certificates.js';
import { startHttpServer } from '../helpers/servers.js';
import { startK6Server, type K6Server } from './helpers/k6-server.js';
import { checkCounts, metricValue, runCorpus } from './helpers/run-corpus.js';

let server: K6Server;
beforeAll(async () => {
  server = await startK6Server();
});
afterAll(() => server.close());

/** Every check of the run passed `times` times and never failed; there are `count` checks. */
function expectAllChecks(
  run: Awaited<ReturnType<typeof runCorpus>>,
  count: number,
  times: number,
): void {
  expect(run.scriptErrors).toEqual([]);
  expect(run.result.checks.map((c) => `${c.name}: ${c.passes}/${c.fails}`)).toEqual(
    run.result.checks.map((c) => `${c.name}: ${times}/0`),
  );
  expect(run.result.checks).toHaveLength(count);
}

describe('k6 semantics: request bodies', () => {
  it('form bodies repeat array keys, sort keys, escape as Go and send nested values empty with a warning', async () => {
    server.reset();
    const run = await runCorpus('semantics/form-bodies.js', server.url);
    expect(run.exitCode).toBe(0);
    expectAllChecks(run, 4, 1);
    const forms = server.seen.filter((r) =>
      String(r.headers['content-type']).startsWith('application/x-www-form-urlencoded'),
    );
    expect(forms).toHaveLength(3);
    expect(forms[0]?.body).toBe('size=large&topping=onion&topping=bacon');
    const nested = run.warnings.filter((w) => w.includes('nested'));
    expect(nested).toHaveLength(2);
    expect(nested[0]).toContain('"user"');
    expect(nested[1]).toContain('"list"');
  });

  it('warnings raised in worker threads reach the run once each', async () => {
    const run = await runCorpus('semantics/form-bodies.js', server.url, { iterations: 4 }, 2);
    expect(run.exitCode).toBe(0);
    expect(run.warnings.filter((w) => w.includes('nested'))).toHaveLength(2);
  });
});

describe('k6 semantics: k6/crypto and k6/metrics', () => {
  it('digest() twice and update() after digest as Go hashes; Trend/Counter/Rate/Gauge without new', async () => {
    const run = await runCorpus('semantics/crypto-metrics.js', server.url);
    expect(run.exitCode).toBe(0);
    expectAllChecks(run, 7, 2);
    expect(metricValue(run, 'plain_trend', 'count')).toBe(2);
    expect(metricValue(run, 'plain_counter', 'count')).toBe(4);
    expect(metricValue(run, 'plain_rate', 'rate')).toBe(1);
    expect(metricValue(run, 'plain_gauge', 'value')).toBe(7);
    expect(metricValue(run, 'new_trend', 'count')).toBe(2);
    expect(run.result.metrics['plain_trend']?.contains).toBe('time');
    expect(run.result.thresholds.map((t) => t.ok)).toEqual([true, true]);
    expect(checkCounts(run, 'digest twice gives the same value')).toEqual({ passes: 2, fails: 0 });
  });
});

describe('k6 semantics: options and thresholds', () => {
  it('ignores k6 command-line settings and unknown names in options with a warning; judges empty (sub-)metrics as k6', async () => {
    const run = await runCorpus('semantics/options-thresholds.js', server.url);
    // avg>0 on an empty sub-metric reads avg=0 and fails, as in k6: exit 99.
    expect(run.exitCode).toBe(99);
    expect(metricValue(run, 'http_reqs', 'count')).toBe(2);
    const ignored = run.warnings.filter((w) => w.includes('ignored'));
    expect(ignored.map((w) => w.split(':')[0])).toEqual([
      'options.logOutput',
      'options.logFormat',
      'options.myAppConfig',
    ]);
    expect(
      run.result.thresholds.map((t) => [t.metric, t.expression, t.ok, t.observed ?? null]),
    ).toEqual([
      ['http_req_duration{status:500}', 'p(95)<100', true, 0],
      ['http_req_duration{name:nothing}', 'avg>0', false, 0],
      ['never_counter', 'count<1', true, 0],
      ['never_rate', 'rate>0.5', true, null],
    ]);
  });
});

describe('k6 semantics: sub-metrics named by thresholds without any threshold', () => {
  it("'metric{tag:value}': [] keeps the sub-metric in the result and the summary; one without samples is left out", async () => {
    server.reset();
    const run = await runCorpus('semantics/empty-thresholds.js', server.url);
    expect(run.exitCode).toBe(0);
    expect(metricValue(run, 'http_reqs', 'count')).toBe(6);
    expect(metricValue(run, 'http_reqs{name:ok}', 'count')).toBe(3);
    expect(metricValue(run, 'outcomes', 'count')).toBe(9);
    expect(metricValue(run, 'outcomes{kind:good}', 'count')).toBe(3);
    expect(run.result.metrics['outcomes{kind:never}']).toBeUndefined();
    // The one real threshold is still the only one judged.
    expect(run.result.thresholds.map((t) => t.metric)).toEqual(['http_req_duration{status:200}']);
    expect(run.result.metrics['http_req_duration{status:200}']?.type).toBe('trend');
    const summary = renderSummaryText(run.result);
    expect(summary).toMatch(/^ {6}\{ kind:good \}\.+: 3 /m);
    expect(summary).toMatch(/^ {6}\{ name:ok \}\.+: 3 /m);
    expect(summary).not.toContain('kind:never');
  });
});

describe('k6 semantics: the transform follows arrays of functions, check() predicates and describe()', () => {
  it('runs the random-flow pattern, a request inside check() and a k6chaijs-style describe() unchanged', async () => {
    server.reset();
    const run = await runCorpus('semantics/flows-checks.js', server.url);
    expect(run.exitCode).toBe(0);
    expectAllChecks(run, 5, 4);
    // Per iteration: 1 indexed flow + 1 randomItem flow + 2 in the loop + 1 named + 1 in the
    // check + 1 described.
    expect(metricValue(run, 'http_reqs', 'count')).toBe(28);
    const browse = run.totals.summarize('http_reqs', { name: 'browse' })?.sum ?? 0;
    const buy = run.totals.summarize('http_reqs', { name: 'buy' })?.sum ?? 0;
    expect(browse + buy).toBe(16);
    expect(browse).toBeGreaterThanOrEqual(6);
    expect(buy).toBeGreaterThanOrEqual(6);
    expect(run.totals.summarize('http_reqs', { name: 'in-check' })?.sum).toBe(4);
    expect(checkCounts(run, 'described ok', '::chai-style')).toEqual({ passes: 4, fails: 0 });
    expect(run.totals.summarize('group_duration', { group: '::chai-style' })?.count).toBe(4);
  });
});

const PAGE = `<!doctype html><html><head><title>t</title></head><body>
<h1>Shop</h1>
<ul class="items"><li data-id="1">Alpha</li><li data-id="2">Beta</li><li data-id="3">Gamma</li></ul>
<table><tr><td>cell</td></tr></table>
<form id="order" method="post" action="/echo-form">
  <input type="hidden" name="csrf" value="tok-42">
  <select name="size"><option value="s">S</option><option value="m" selected>M</option></select>
  <select name="extras" multiple><option selected>x</option><option>y</option><option value="z" selected>Z</option></select>
  <input type="checkbox" name="gift">
  <input type="text" name="off" disabled="disabled" value="no">
  <textarea name="note">hello</textarea>
  <input type="submit" name="go" value="buy">
</form>
<form id="search" action="/echo-form"><input name="q" value="shoes"></form>
<a href="/other">other</a> <a class="next" href="echo-form?page=2">next</a>
</body></html>`;

describe('k6 semantics: k6/html, response.html(), submitForm() and clickLink()', () => {
  it('parses pages with selections and elements as k6, submits forms and follows links', async () => {
    const seen: string[] = [];
    const site = await startHttpServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        seen.push(`${req.method} ${req.url}`);
        if (req.url?.includes('echo-form')) {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(
            JSON.stringify({
              method: req.method,
              url: req.url,
              body: Buffer.concat(chunks).toString(),
            }),
          );
          return;
        }
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end(PAGE);
      });
    });
    try {
      const run = await runCorpus('semantics/html.js', server.url, {
        env: { HTML_URL: `${site.url}/shop/index.html` },
      });
      expect(run.exitCode).toBe(0);
      expectAllChecks(run, 22, 2);
      expect(metricValue(run, 'http_reqs', 'count')).toBe(8);
      expect(seen.filter((r) => r.startsWith('POST /echo-form'))).toHaveLength(2);
      expect(seen).toContain('GET /shop/echo-form?page=2');
    } finally {
      await site.close();
    }
  });
});

describe('k6 semantics: cookie jar', () => {
  it('jar.set() with a domain stores the cookie as Go\'s jar does; a foreign domain is dropped with a warning', async () => {
    server.reset();
    const run = await runCorpus('semantics/cookie-jar.js', server.url, {
      hosts: [`httpbin.org=127.0.0.1:${server.port}`],
    });
    expect(run.exitCode).toBe(0);
    expectAllChecks(run, 4, 2);
    expect(server.seen.filter((r) => r.path === '/cookies').map((r) => r.headers.cookie)).toEqual([
      'session=abc; wide=w',
      'session=abc; wide=w',
    ]);
    const dropped = run.warnings.filter((w) => w.includes('stored nothing'));
    expect(dropped).toHaveLength(1);
    expect(dropped[0]).toContain('its domain "example.org" is not the host "httpbin.org"');
  });
});

describe('k6 semantics: digest authentication', () => {
  it("auth: 'digest' answers the server's challenge (RFC 7616, MD5 with qop=auth); both requests are measured as in k6", async () => {
    const md5 = (text: string) => createHash('md5').update(text).digest('hex');
    const realm = 'test@redline';
    const nonce = 'dcd98b7102dd2f0e8b11d0f600bfb0c093';
    const site = await startHttpServer((req, res) => {
      const header = req.headers.authorization ?? '';
      const fields = Object.fromEntries(
        [...header.matchAll(/(\w+)=(?:"([^"]*)"|([^\s,]+))/g)].map((m) => [m[1], m[2] ?? m[3]]),
      );
      const ha1 = md5(`user:${realm}:passwd`);
      const ha2 = md5(`${req.method}:${fields['uri']}`);
      const expected = md5(
        `${ha1}:${nonce}:${fields['nc']}:${fields['cnonce']}:${fields['qop']}:${ha2}`,
      );
      if (
        header.startsWith('Digest ') &&
        fields['uri'] === req.url &&
        fields['opaque'] === 'op-1' &&
        fields['response'] === expected
      ) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ authenticated: true, user: fields['username'] }));
        return;
      }
      res.writeHead(401, {
        'www-authenticate': `Digest realm="${realm}", qop="auth,auth-int", nonce="${nonce}", opaque="op-1", algorithm=MD5`,
      });
      res.end();
    });
    try {
      const run = await runCorpus('semantics/digest-auth.js', server.url, {
        env: { DIGEST_HOST: `127.0.0.1:${site.port}` },
      });
      expect(run.exitCode).toBe(0);
      expectAllChecks(run, 4, 2);
      // Per iteration: challenge + answer for each of the two logins.
      expect(metricValue(run, 'http_reqs', 'count')).toBe(8);
      expect(run.result.statusCodes).toEqual({ '200': 2, '401': 6 });
      // The challenges are expected; only the wrong password's final 401 fails.
      expect(metricValue(run, 'http_req_failed', 'passes')).toBe(2);
    } finally {
      await site.close();
    }
  });
});

/** A self-signed certificate and key in `dir`, with the subject CN `cn`. */
function certificate(dir: string, name: string, cn: string): { cert: string; key: string } {
  const { certPath, keyPath } = writeSelfSignedCertificate(dir, { cn }, `${name}-`);
  return { cert: certPath, key: keyPath };
}

describe('k6 semantics: TLS options', () => {
  it('tlsVersion, tlsCipherSuites (Go names) and tlsAuth (a client certificate) reach the TLS handshake', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'redline-k6sem-tls-'));
    const serverCert = certificate(dir, 'server', 'localhost');
    const clientCert = certificate(dir, 'client', 'redline-client');
    const https = createHttpsServer(
      {
        key: readFileSync(serverCert.key),
        cert: readFileSync(serverCert.cert),
        requestCert: true,
        rejectUnauthorized: false,
      },
      (req, res) => {
        const socket = req.socket as import('node:tls').TLSSocket;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            protocol: socket.getProtocol(),
            cipher: socket.getCipher().name,
            client: socket.getPeerCertificate().subject?.CN ?? null,
          }),
        );
      },
    );
    await new Promise<void>((resolve) => https.listen(0, '127.0.0.1', resolve));
    try {
      const port = (https.address() as AddressInfo).port;
      const run = await runCorpus('semantics/tls-options.js', server.url, {
        env: {
          TLS_URL: `https://127.0.0.1:${port}/`,
          CLIENT_CERT: clientCert.cert,
          CLIENT_KEY: clientCert.key,
        },
      });
      expect(run.exitCode).toBe(0);
      expectAllChecks(run, 6, 2);
    } finally {
      https.closeAllConnections();
      await new Promise((resolve) => https.close(resolve));
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('an unknown TLS version or cipher suite is an options error (exit 104) naming the value', async () => {
    const { checkPlan } = await import('../../src/config/build-plan.js');
    const { formatInputPath } = await import('../../src/util/input-reader.js');
    const result = checkPlan({
      scriptOptions: { tlsVersion: 'tls9', tlsCipherSuites: ['TLS_NOPE'], tlsAuth: [{ cert: 'x' }] },
    });
    expect(result.problems.map((p) => formatInputPath(p.path))).toEqual([
      'options.tlsVersion',
      'options.tlsCipherSuites[0]',
      'options.tlsAuth[0]',
    ]);
    expect(result.problems[0]?.message).toContain('unknown TLS version "tls9"');
  });
});
