/**
 * HTTP/2 in scripts, against real node:http2 servers with a fresh self-signed certificate: a
 * k6-documentation-style script negotiates h2 via ALPN (res.proto, the `proto` tag), http.batch
 * multiplexes on one connection per VU, an HTTP/1.1-only TLS server falls back to HTTP/1.1, and
 * `REDLINE_HTTP2=0` / k6's `GODEBUG=http2client=0` force HTTP/1.1, `noConnectionReuse` gives each
 * request its own connection and trailers are read with the headers.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { createSecureServer } from 'node:http2';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunResultFile } from '../../src/results/run-result.js';
import { selfSignedCertificate } from '../helpers/certificates.js';
import { http2FromEnv } from '../../src/script/vu-http/http-settings.js';
import { type H2TestServer, startH2Server } from '../helpers/h2-servers.js';
import { startTlsServer, type TlsServer } from './helpers/tls-server.js';
import {
  checkCounts,
  corpusScript,
  runCorpus,
  spawnCli,
  thresholdOk,
} from './helpers/run-corpus.js';

let h2: H2TestServer | undefined;
let h1: TlsServer | undefined;
let other: Server | undefined;
afterEach(async () => {
  other?.close();
  other = undefined;
  await h2?.close();
  await h1?.close();
  h2 = undefined;
  h1 = undefined;
  delete process.env['REDLINE_HTTP2'];
});

describe('HTTP/2 in scripts', () => {
  it('37 negotiates h2 via ALPN: proto HTTP/2.0, proto tag, batch multiplexed on one connection', async () => {
    h2 = await startH2Server({ tls: true });
    const run = await runCorpus('37-http2.js', h2.url);
    expect(run.scriptErrors).toEqual([]);
    for (const name of ['status is 200', 'protocol is HTTP/2', 'body', 'content-type header'])
      expect(checkCounts(run, name)).toEqual({ passes: 4, fails: 0 });
    expect(checkCounts(run, 'batch answered over HTTP/2')).toEqual({ passes: 4, fails: 0 });
    expect(thresholdOk(run, 'http_reqs{proto:HTTP/2.0}', 'count>=16')).toBe(true);
    expect(run.result.metrics['http_reqs']!.values['count']).toBe(16);
    expect(h2.count()).toBe(16);
    // One VU: one connection for all iterations, the batch's three requests as streams on it.
    expect(h2.sessions()).toBe(1);
  });

  it('51 async API: concurrent http.asyncRequest calls of one VU are streams on one connection, in flight together', async () => {
    h2 = await startH2Server({ tls: true, delayMs: 50 });
    const run = await runCorpus('51-http2-async.js', h2.url);
    expect(run.scriptErrors).toEqual([]);
    expect(checkCounts(run, 'all answered over HTTP/2')).toEqual({ passes: 2, fails: 0 });
    expect(run.result.metrics['http_reqs']!.values['count']).toBe(8);
    expect(h2.count()).toBe(8);
    expect(h2.sessions()).toBe(1);
    expect(h2.maxInFlight()).toBe(4);
  });

  it('39 noConnectionReuse: one connection per request, as Go single-use HTTP/2 connections; trailers read', async () => {
    h2 = await startH2Server({ tls: true, trailers: { 'x-checksum': 'c0ffee' } });
    const run = await runCorpus('39-http2-options.js', h2.url);
    expect(run.scriptErrors).toEqual([]);
    for (const name of ['status is 200', 'protocol is HTTP/2', 'trailer read', 'batch answered over HTTP/2'])
      expect(checkCounts(run, name)).toEqual({ passes: 3, fails: 0 });
    expect(run.result.metrics['http_reqs']!.values['count']).toBe(9);
    expect(h2.count()).toBe(9);
    expect(h2.sessions()).toBe(9);
    expect(run.result.metrics['http_req_failed']!.values['rate']).toBe(0);
  });

  it('39 with connection reuse (the default): all requests of the VU on one connection', async () => {
    h2 = await startH2Server({ tls: true, trailers: { 'x-checksum': 'c0ffee' } });
    const run = await runCorpus('39-http2-options.js', h2.url, { env: ['REUSE=1'] });
    expect(checkCounts(run, 'trailer read')).toEqual({ passes: 3, fails: 0 });
    expect(h2.count()).toBe(9);
    expect(h2.sessions()).toBe(1);
  });

  it('falls back to HTTP/1.1 when the TLS server does not offer h2 (ALPN)', async () => {
    h1 = await startTlsServer();
    const run = await runCorpus('37-http2.js', h1.url);
    expect(checkCounts(run, 'status is 200')).toEqual({ passes: 4, fails: 0 });
    expect(checkCounts(run, 'protocol is HTTP/2')).toEqual({ passes: 0, fails: 4 });
    expect(thresholdOk(run, 'http_reqs{proto:HTTP/2.0}', 'count>=16')).toBe(false);
    expect(run.result.metrics['http_req_failed']!.values['rate']).toBe(0);
  });

  it('REDLINE_HTTP2=0 forces HTTP/1.1 (k6 users: GODEBUG=http2client=0)', async () => {
    h1 = await startTlsServer();
    process.env['REDLINE_HTTP2'] = '0';
    const run = await runCorpus('37-http2.js', h1.url);
    expect(checkCounts(run, 'protocol is HTTP/2')).toEqual({ passes: 0, fails: 4 });
    expect(checkCounts(run, 'status is 200')).toEqual({ passes: 4, fails: 0 });
    expect(http2FromEnv({ GODEBUG: 'x=1,http2client=0' })).toBe(false);
    expect(http2FromEnv({ GODEBUG: 'http2client=0', REDLINE_HTTP2: '1' })).toBe(true);
    expect(http2FromEnv({})).toBe(true);
  });

  it('38 RST_STREAM: status 0 with error_code 1639, counted as `reset`; the others answered', async () => {
    h2 = await startH2Server({ tls: true, behaviour: 'rst', every: 3 });
    const run = await runCorpus('38-http2-hostile.js', h2.url, { env: ['MODE=rst'] });
    expect(run.scriptErrors).toEqual([]);
    expect(checkCounts(run, 'answered or reset')).toEqual({ passes: 6, fails: 0 });
    expect(checkCounts(run, 'reset')).toEqual({ passes: h2.resets(), fails: 6 - h2.resets() });
    expect(h2.resets()).toBe(2);
    expect(run.result.errors).toEqual({ reset: 2 });
  });

  it('38 GOAWAY mid-batch: streams above the last stream id are resent on a new connection', async () => {
    h2 = await startH2Server({ tls: true, behaviour: 'goaway', goawayAfter: 3, goawaySessions: 1 });
    const run = await runCorpus('38-http2-hostile.js', h2.url, { env: ['MODE=goaway'] });
    expect(run.scriptErrors).toEqual([]);
    expect(checkCounts(run, 'all answered after GOAWAY')).toEqual({ passes: 1, fails: 0 });
    const retries = run.result.metrics['http_req_retries']?.values['count'] ?? 0;
    expect(retries).toBeGreaterThan(0);
    expect(run.result.metrics['http_reqs']!.values['count']).toBe(5);
    expect(h2.count()).toBe(5 + retries);
    expect(h2.sessions()).toBe(2);
  });

  it('41 a session that never comes up: the request waiting for it ends at its timeout (1050)', async () => {
    // Accepts TCP and never answers the TLS handshake: the request stays queued on its session.
    const sockets: import('node:net').Socket[] = [];
    other = createServer((socket) => sockets.push(socket));
    other.on('close', () => {
      for (const socket of sockets) socket.destroy();
    });
    other.listen(0, '127.0.0.1');
    await once(other, 'listening');
    const port = (other.address() as import('node:net').AddressInfo).port;
    const run = await runCorpus('41-http2-session-timeout.js', `https://127.0.0.1:${port}`, {
      env: ['CODE=1050'],
    });
    // The iteration went on to its check: the timeout ended the request (it used to be dropped
    // from the session's queue unreported, and the VU waited until the test's end).
    expect(checkCounts(run, 'failed without a response')).toEqual({ passes: 1, fails: 0 });
    expect(checkCounts(run, 'error code 1050')).toEqual({ passes: 1, fails: 0 });
    expect(run.result.metrics['iterations']?.values['count']).toBe(1);
    expect(run.result.errors).toEqual({ timeout: 1 });
  });

  it('41 a server refusing the missing client certificate: a TLS error, not a wait for the timeout', async () => {
    const client = selfSignedCertificate({ cn: 'redline-client' });
    const server = createSecureServer({
      ...selfSignedCertificate(),
      requestCert: true,
      rejectUnauthorized: true,
      ca: [client.cert],
    });
    server.on('stream', (stream) => {
      stream.respond({ ':status': 200 });
      stream.end('ok');
    });
    other = server as unknown as Server;
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const port = (server.address() as import('node:net').AddressInfo).port;
    // A timeout longer than any test: only the TLS alert can end the request.
    const run = await runCorpus('41-http2-session-timeout.js', `https://127.0.0.1:${port}`, {
      env: ['CODE=1310', 'TIMEOUT=10m'],
    });
    expect(checkCounts(run, 'failed without a response')).toEqual({ passes: 1, fails: 0 });
    // The alert is classified as HTTP/1.1 classifies it (an untrusted certificate, 1310).
    expect(checkCounts(run, 'error code 1310')).toEqual({ passes: 1, fails: 0 });
    expect(run.result.errors).toEqual({ tls: 1 });
    expect(run.result.metrics['iterations']?.values['count']).toBe(1);
  });

  for (const workers of ['1', '2'])
  it(`38 Ctrl-C with streams in flight (built CLI, --workers ${workers}): exit 105, every stream counted as interrupted`, async () => {
    h2 = await startH2Server({ tls: true, behaviour: 'hang' });
    const dir = mkdtempSync(join(tmpdir(), 'redline-h2-signal-'));
    try {
      const json = join(dir, 'result.json');
      const cli = spawnCli(
        ['run', corpusScript('38-http2-hostile.js'), '--workers', workers, '-q', '--json', json, '-e', 'MODE=hang', '-e', `BASE_URL=${h2.url}`],
        { cwd: dir },
      );
      const deadline = Date.now() + 30_000;
      while (h2.count() < 6 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      cli.child.kill('SIGINT');
      const out = await cli.done;
      expect(out.code, out.stderr).toBe(105);
      const result = JSON.parse(readFileSync(json, 'utf8')) as RunResultFile;
      expect(h2.count()).toBe(6);
      expect(result.metrics['http_reqs']?.values['count']).toBe(6);
      expect(result.errors).toEqual({ interrupted: 6 });
      // Each worker's last per-second snapshot, cut by Ctrl-C, is in the merged timeline.
      expect(result.timeline.reduce((n, p) => n + p.requests, 0)).toBe(6);
      expect(result.timeline.reduce((n, p) => n + p.failed, 0)).toBe(6);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
