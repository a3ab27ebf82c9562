/**
 * k6's documentation examples for HTTP/2, WebSocket (k6/ws and k6/websockets) and gRPC (unary,
 * server, client and bidi streaming) run as the documentation writes them, against real local
 * servers: the only edit is the target (the documentation's public host, or 127.0.0.1:10000,
 * replaced by the local server's address when the test copies the script). Each run's summary has
 * k6's metric names. Scripts: test/k6-compat/scripts/docs/ (written after the documentation's
 * examples, call for call; log texts and sample data are their own).
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CliOverrides } from '../../src/config/cli-overrides.js';
import { runScriptTest } from '../../src/engine/script-run/run-script.js';
import { type H2TestServer, startH2Server } from '../helpers/h2-servers.js';
import { type DocsGrpcServer, startDocsGrpcServer } from './helpers/docs-grpc-server.js';
import { checkCounts, type CorpusRun, metricValue } from './helpers/run-corpus.js';
import { startWsServer, type WsTestServer } from './helpers/ws-server.js';

const DOCS = fileURLToPath(new URL('./scripts/docs/', import.meta.url));
let dir: string;
let h2: H2TestServer | undefined;
let grpcServer: DocsGrpcServer | undefined;
let wsServer: WsTestServer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'redline-k6-docs-'));
  cpSync(join(DOCS, 'definitions'), join(dir, 'definitions'), { recursive: true });
  wsServer = await startWsServer();
});
afterAll(async () => {
  await wsServer.close();
  rmSync(dir, { recursive: true, force: true });
});
afterEach(async () => {
  await h2?.close();
  await grpcServer?.close();
  h2 = undefined;
  grpcServer = undefined;
  delete process.env['GODEBUG'];
});

/** Copies docs/<name> with `from` (the documentation's target) replaced by `to`, and runs it. */
async function runDocsExample(
  name: string,
  from: string,
  to: string,
  cli: CliOverrides = {},
): Promise<CorpusRun & { source: string }> {
  const original = readFileSync(join(DOCS, name), 'utf8');
  expect(original.split(from).length, `${name} names ${from} once`).toBe(2);
  const source = original.replace(from, to);
  const path = join(dir, name);
  writeFileSync(path, source);
  const warnings: string[] = [];
  const scriptErrors: string[] = [];
  const run = await runScriptTest({
    scriptPath: path,
    cli,
    workers: 1,
    onWarning: (w) => warnings.push(w),
    onScriptError: (message, stack) => scriptErrors.push(`${message}\n${stack}`),
  });
  return { ...run, warnings, scriptErrors, source };
}

/** The metric names a run recorded. */
function metricNames(run: CorpusRun): string[] {
  return Object.keys(run.result.metrics);
}

describe("k6's documentation examples, unchanged but for the target", () => {
  it('HTTP/2 (examples/http2): ALPN h2 over TLS, res.proto HTTP/2.0, proto tag', async () => {
    h2 = await startH2Server({ tls: true });
    const run = await runDocsExample('http2.js', 'https://quickpizza.grafana.com', h2.url, {
      insecureSkipTLSVerify: true,
    });
    expect(run.scriptErrors).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(checkCounts(run, 'status is 200')).toEqual({ passes: 1, fails: 0 });
    expect(checkCounts(run, 'protocol is HTTP/2')).toEqual({ passes: 1, fails: 0 });
    expect(run.totals.summarize('http_reqs', { proto: 'HTTP/2.0' })?.sum).toBe(1);
    expect(metricNames(run)).toEqual(expect.arrayContaining(['http_reqs', 'http_req_duration', 'http_req_tls_handshaking']));
  });

  it("HTTP/2 forced off (k6 users' GODEBUG=http2client=0): the same script goes over HTTP/1.1", async () => {
    h2 = await startH2Server({ tls: true });
    process.env['GODEBUG'] = 'http2client=0';
    // node:http2's secure server refuses HTTP/1.1 (allowHTTP1 false): the request fails without
    // a protocol, the check on HTTP/2 fails; nothing reached the server as HTTP/2.
    const run = await runDocsExample('http2.js', 'https://quickpizza.grafana.com', h2.url, {
      insecureSkipTLSVerify: true,
    });
    expect(checkCounts(run, 'protocol is HTTP/2')).toEqual({ passes: 0, fails: 1 });
    expect(run.totals.summarize('http_reqs', { proto: 'HTTP/2.0' })?.sum ?? 0).toBe(0);
    expect(h2.count()).toBe(0);
  });

  it('k6/ws (several handlers on one event): ping every second, close after 2 s; k6 ws_* metrics', async () => {
    const run = await runDocsExample('k6-ws.js', 'ws://echo.websocket.org', `${wsServer.url}/echo`);
    expect(run.scriptErrors).toEqual([]);
    expect(checkCounts(run, 'status is 101')).toEqual({ passes: 1, fails: 0 });
    expect(metricNames(run)).toEqual(
      expect.arrayContaining(['ws_connecting', 'ws_session_duration', 'ws_msgs_sent', 'ws_msgs_received', 'ws_sessions', 'ws_ping']),
    );
    expect(metricValue(run, 'ws_sessions', 'count')).toBe(1);
    // Date.now() sent on open and echoed back.
    expect(metricValue(run, 'ws_msgs_sent', 'count')).toBe(1);
    expect(metricValue(run, 'ws_msgs_received', 'count')).toBe(1);
    expect(metricValue(run, 'ws_ping', 'count')).toBeGreaterThanOrEqual(1);
    expect(run.totals.summarize('ws_sessions', { my_tag: 'hello' })?.sum).toBe(1);
  });

  it('k6/websockets (four sockets per VU, global timers, jslib k6-utils): every socket closes; ws_* metrics', async () => {
    const run = await runDocsExample('websockets.js', 'wss://quickpizza.grafana.com/ws', `${wsServer.url}/echo`);
    expect(run.scriptErrors).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(metricValue(run, 'iterations', 'count')).toBe(1);
    expect(metricValue(run, 'ws_sessions', 'count')).toBe(4);
    expect(metricValue(run, 'ws_session_duration', 'count')).toBe(4);
    // SET_NAME and LEAVE per socket (SAY only when its 2-8 s interval fires before leaving).
    expect(metricValue(run, 'ws_msgs_sent', 'count')).toBeGreaterThanOrEqual(8);
    expect(metricValue(run, 'ws_msgs_received', 'count')).toBe(metricValue(run, 'ws_msgs_sent', 'count'));
    expect(metricNames(run)).toEqual(
      expect.arrayContaining(['ws_connecting', 'ws_session_duration', 'ws_msgs_sent', 'ws_msgs_received', 'ws_sessions']),
    );
  });

  it('gRPC unary (TLS by default, definitions/hello.proto): StatusOK, grpc_req_duration', async () => {
    grpcServer = await startDocsGrpcServer(true);
    const run = await runDocsExample('grpc-unary.js', '127.0.0.1:10000', grpcServer.addr, {
      insecureSkipTLSVerify: true,
    });
    expect(run.scriptErrors).toEqual([]);
    expect(checkCounts(run, 'status is OK')).toEqual({ passes: 1, fails: 0 });
    expect(grpcServer.calls('SayHello')).toBe(1);
    expect(metricValue(run, 'grpc_req_duration', 'count')).toBe(1);
  });

  it('gRPC server streaming (reflection, ListFeatures with null params): grpc_streams, messages received', async () => {
    grpcServer = await startDocsGrpcServer();
    const run = await runDocsExample('grpc-server-stream.js', '127.0.0.1:10000', grpcServer.addr);
    expect(run.scriptErrors).toEqual([]);
    expect(grpcServer.calls('ListFeatures')).toBe(1);
    expect(metricValue(run, 'grpc_streams', 'count')).toBe(1);
    expect(metricValue(run, 'grpc_streams_msgs_sent', 'count')).toBe(1);
    // Three of the server's four features lie in the example's rectangle.
    expect(metricValue(run, 'grpc_streams_msgs_received', 'count')).toBe(3);
  });

  it('gRPC client streaming (RecordRoute, a sleep between writes): the summary arrives, every point counted', async () => {
    grpcServer = await startDocsGrpcServer();
    const run = await runDocsExample('grpc-client-stream.js', '127.0.0.1:10000', grpcServer.addr);
    expect(run.scriptErrors).toEqual([]);
    expect(grpcServer.calls('RecordRoute')).toBe(1);
    expect(grpcServer.streamedIn()).toBe(3);
    expect(metricValue(run, 'grpc_streams', 'count')).toBe(1);
    expect(metricValue(run, 'grpc_streams_msgs_sent', 'count')).toBe(3);
    expect(metricValue(run, 'grpc_streams_msgs_received', 'count')).toBe(1);
  });

  it('gRPC bidi streaming (RouteChat): each note answered; k6 grpc_* metric names', async () => {
    grpcServer = await startDocsGrpcServer();
    const run = await runDocsExample('grpc-bidi-stream.js', '127.0.0.1:10000', grpcServer.addr);
    expect(run.scriptErrors).toEqual([]);
    expect(metricValue(run, 'grpc_streams_msgs_sent', 'count')).toBe(3);
    expect(metricValue(run, 'grpc_streams_msgs_received', 'count')).toBe(3);
    expect(metricNames(run)).toEqual(
      expect.arrayContaining(['grpc_streams', 'grpc_streams_msgs_sent', 'grpc_streams_msgs_received']),
    );
  });
});
