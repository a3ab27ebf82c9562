/**
 * The protocol of a failed request, as k6 reports it: k6 sets `res.proto` and the `proto` tag from
 * the response, so a request that got none (refused, TLS error, RST_STREAM, GOAWAY with an error,
 * reset mid-body, timeout) has `proto` '' and samples without a `proto` tag, over HTTP/1.1 and
 * HTTP/2, alone and in http.batch. Answered requests keep `HTTP/2.0` / `HTTP/1.1`. Real servers on
 * 127.0.0.1 (node:http2, node:net); script 42-failed-proto.js.
 */
import { once } from 'node:events';
import { constants, createSecureServer, type ServerHttp2Stream } from 'node:http2';
import { type AddressInfo, createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { selfSignedCertificate } from '../helpers/certificates.js';
import { type H2TestServer, startH2Server } from '../helpers/h2-servers.js';
import { type CorpusRun, checkCounts, runCorpus } from './helpers/run-corpus.js';

let h2: H2TestServer | undefined;
let other: { close(): void } | undefined;
const sockets = new Set<Socket>();
afterEach(async () => {
  for (const s of sockets) s.destroy();
  sockets.clear();
  other?.close();
  other = undefined;
  await h2?.close();
  h2 = undefined;
});

/** The `proto` tag of each http_reqs series, by whether the request was answered (status not 0). */
function protoTags(run: CorpusRun): { answered: (string | undefined)[]; failed: (string | undefined)[] } {
  const answered: (string | undefined)[] = [];
  const failed: (string | undefined)[] = [];
  for (const s of run.totals.series.values()) {
    if (s.metric !== 'http_reqs' || s.sum === 0) continue;
    (s.tags['status'] === '0' ? failed : answered).push(s.tags['proto']);
  }
  return { answered, failed };
}

/** Runs script 42 against `url` and checks what every request of a run with failures reports. */
async function runFailing(url: string, proto: string, env: string[] = []): Promise<CorpusRun> {
  const run = await runCorpus('42-failed-proto.js', url, { env: [`PROTO=${proto}`, ...env] });
  expect(run.scriptErrors).toEqual([]);
  const failedChecks = checkCounts(run, 'failed: proto is empty');
  expect(failedChecks?.fails).toBe(0);
  expect(failedChecks?.passes).toBeGreaterThan(0);
  expect(checkCounts(run, 'failed: error code set')).toEqual({ passes: failedChecks?.passes, fails: 0 });
  expect(checkCounts(run, 'answered: proto of the response')?.fails ?? 0).toBe(0);
  const tags = protoTags(run);
  expect(tags.failed.length).toBeGreaterThan(0);
  expect(tags.failed.every((p) => p === undefined)).toBe(true);
  expect(tags.answered.every((p) => p === proto)).toBe(true);
  return run;
}

/** A port nothing listens on (bound, then closed). */
async function closedPort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A TCP server on 127.0.0.1 whose sockets are closed after each test. */
async function tcpServer(onSocket: (socket: Socket) => void): Promise<string> {
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    onSocket(socket);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  other = server;
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('a failed request has no protocol (k6: proto from the response)', () => {
  it('HTTP/2 RST_STREAM before the response: proto "", no proto tag; the answered ones HTTP/2.0', async () => {
    h2 = await startH2Server({ tls: true, behaviour: 'rst', every: 2 });
    const run = await runFailing(h2.url, 'HTTP/2.0');
    expect(run.result.errors).toEqual({ reset: 2 });
    expect(checkCounts(run, 'answered: proto of the response')).toEqual({ passes: 2, fails: 0 });
  });

  it('HTTP/2 RST_STREAM after the headers (mid-body): failed without a protocol', async () => {
    const server = createSecureServer({ ...selfSignedCertificate({ ec: true }), allowHTTP1: false });
    server.on('stream', (stream: ServerHttp2Stream, headers) => {
      stream.on('error', () => {});
      stream.respond({ ':status': 200, 'content-length': '100' });
      if (headers[':path'] === '/b2') {
        stream.write('partial', () => setTimeout(() => stream.close(constants.NGHTTP2_INTERNAL_ERROR), 20));
      } else stream.end('x'.repeat(100));
    });
    server.on('secureConnection', (s: Socket) => sockets.add(s));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    other = server;
    const port = (server.address() as AddressInfo).port;
    const run = await runFailing(`https://127.0.0.1:${port}`, 'HTTP/2.0');
    expect(run.result.errors).toEqual({ reset: 1 });
  });

  it('HTTP/2 GOAWAY with an error code: the cut streams fail without a protocol', async () => {
    h2 = await startH2Server({ tls: true, behaviour: 'goaway', goawayAfter: 2, goawayCode: 2, goawaySessions: 99 });
    const run = await runFailing(h2.url, 'HTTP/2.0');
    expect(Object.keys(run.result.errors)).toEqual(['reset']);
  });

  it('HTTP/2 timeout (a server that never answers): 1050 without a protocol', async () => {
    h2 = await startH2Server({ tls: true, behaviour: 'hang' });
    const run = await runFailing(h2.url, 'HTTP/2.0', ['TIMEOUT=300ms']);
    expect(run.result.errors).toEqual({ timeout: 4 });
  });

  it('HTTPS TLS error (untrusted certificate, before ALPN): no protocol', async () => {
    h2 = await startH2Server({ tls: true });
    const run = await runFailing(h2.url, 'HTTP/2.0', ['VERIFY=1']);
    expect(run.result.errors).toEqual({ tls: 4 });
    expect(h2.count()).toBe(0);
  });

  it('HTTPS and HTTP refused ports: no protocol', async () => {
    const port = await closedPort();
    const tls = await runFailing(`https://127.0.0.1:${port}`, 'HTTP/2.0');
    expect(Object.keys(tls.result.errors)).toEqual(['refused']);
    const plain = await runFailing(`http://127.0.0.1:${port}`, 'HTTP/1.1');
    expect(Object.keys(plain.result.errors)).toEqual(['refused']);
  });

  it('HTTP/1.1 reset mid-body and timeout: no protocol; the answered ones HTTP/1.1', async () => {
    let n = 0;
    const url = await tcpServer((socket) => {
      // One request per data event (small GETs): the second is reset mid-body, the third hangs.
      socket.on('data', () => {
        n++;
        if (n === 2) {
          socket.write('HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\npartial');
          setTimeout(() => socket.resetAndDestroy(), 20);
        } else if (n === 3) {
          // never answered: the request's timeout ends it
        } else socket.write('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok');
      });
    });
    const run = await runFailing(url, 'HTTP/1.1', ['TIMEOUT=500ms']);
    expect(run.result.errors).toEqual({ reset: 1, timeout: 1 });
    expect(checkCounts(run, 'answered: proto of the response')).toEqual({ passes: 2, fails: 0 });
  });
});
