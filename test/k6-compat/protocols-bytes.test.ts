/**
 * data_sent / data_received include the bytes of WebSocket sessions (k6/ws, k6/websockets, the
 * native API) and gRPC connections, as k6's dialer counts every connection a VU dials: the sums
 * equal what the server's TCP sockets read and wrote (the same TCP streams seen from the other
 * end), over cleartext and over TLS (TLS records and handshakes included).
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  type CountingServer,
  startCountingGrpcServer,
  startCountingWsServer,
} from './helpers/counting-servers.js';
import { checkCounts, metricValue, runCorpus } from './helpers/run-corpus.js';

let server: CountingServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/**
 * The run's data_sent / data_received against the server's socket counters, less what the server
 * wrote that the client never read (`neverRead`).
 */
async function expectServerBytes(
  run: Awaited<ReturnType<typeof runCorpus>>,
  peer: CountingServer,
  neverRead = 0,
) {
  await peer.allClosed();
  const { read, written } = peer.bytes();
  expect(read).toBeGreaterThan(0);
  expect(metricValue(run, 'data_sent', 'count')).toBe(read);
  expect(metricValue(run, 'data_received', 'count')).toBe(written - neverRead);
}

describe('data_sent / data_received of WebSocket and gRPC connections', () => {
  for (const tls of [false, true]) {
    it(`k6/ws and k6/websockets echo sessions${tls ? ' over wss:// (TLS handshake and records included)' : ''}: the server sockets' bytes, handshakes and frames included`, async () => {
      const peer = await startCountingWsServer(tls);
      server = peer;
      const run = await runCorpus('bytes/ws-echo-bytes.js', 'http://unused', {
        env: [`WS_URL=${peer.address}`],
        insecureSkipTLSVerify: tls,
      });
      expect(run.scriptErrors).toEqual([]);
      expect(checkCounts(run, 'k6/ws 101')).toEqual({ passes: 4, fails: 0 });
      expect(checkCounts(run, 'k6/websockets echo')).toEqual({ passes: 4, fails: 0 });
      expect(peer.connections()).toBe(8);
      // k6/ws closes the TCP connection right after its close frame: what the server wrote after
      // its last echo (its answer to the close frame, over TLS also its close_notify) is never
      // read by k6, so never counted.
      await peer.allClosed();
      const afterLastEcho = peer.afterLastEcho?.() ?? 0;
      expect(afterLastEcho).toBeGreaterThanOrEqual(4 * 4);
      if (!tls) expect(afterLastEcho).toBe(4 * 4); // 4 sessions × a 4-byte close frame (1001)
      await expectServerBytes(run, peer, afterLastEcho);
    });
  }

  it('the native ws API', async () => {
    const peer = await startCountingWsServer(false);
    server = peer;
    const run = await runCorpus('bytes/native-ws-bytes.ts', 'http://unused', {
      env: [`WS_URL=${peer.address}`],
    });
    expect(run.scriptErrors).toEqual([]);
    expect(checkCounts(run, 'native echo')).toEqual({ passes: 3, fails: 0 });
    await expectServerBytes(run, peer);
  });

  for (const tls of [false, true]) {
    it(`gRPC unary calls and a bidi stream on a connection kept over iterations${tls ? ', over TLS' : ''}`, async () => {
      const peer = await startCountingGrpcServer(tls);
      server = peer;
      const run = await runCorpus('bytes/grpc-unary-bytes.js', 'http://unused', {
        env: [`GRPC_ADDR=${peer.address}`, `PLAINTEXT=${tls ? '0' : '1'}`],
      });
      expect(run.scriptErrors).toEqual([]);
      expect(checkCounts(run, 'OK')).toEqual({ passes: 30, fails: 0 });
      expect(checkCounts(run, 'two echoes')).toEqual({ passes: 6, fails: 0 });
      expect(peer.connections()).toBe(2);
      await expectServerBytes(run, peer);
      // Reported at the end of iterations, with the iteration's tags (scenario, root group).
      expect(run.totals.summarize('data_sent', { scenario: 'unary', group: '' })?.sum).toBe(
        peer.bytes().read,
      );
    });
  }
  for (const tls of [false, true]) {
    it(`gRPC connections opened in setup() and teardown() and never closed: counted when the function ends${tls ? ', over TLS' : ''}`, async () => {
      const peer = await startCountingGrpcServer(tls);
      server = peer;
      const run = await runCorpus('bytes/grpc-setup-bytes.js', 'http://unused', {
        env: [`GRPC_ADDR=${peer.address}`, `PLAINTEXT=${tls ? '0' : '1'}`],
      });
      expect(run.scriptErrors).toEqual([]);
      expect(checkCounts(run, 'setup OK', '::setup')).toEqual({ passes: 3, fails: 0 });
      expect(checkCounts(run, 'teardown OK', '::teardown')).toEqual({ passes: 1, fails: 0 });
      expect(peer.connections()).toBe(2);
      // Both connections are still open: the server's counters are what they moved so far (the
      // last frames the client wrote may still be on their way to the server's socket).
      await expect
        .poll(() => peer.bytes().read, { timeout: 2000 })
        .toBe(metricValue(run, 'data_sent', 'count'));
      expect(metricValue(run, 'data_received', 'count')).toBe(peer.bytes().written);
      const setupSent = run.totals.summarize('data_sent', { group: '::setup' })?.sum ?? 0;
      const teardownSent = run.totals.summarize('data_sent', { group: '::teardown' })?.sum ?? 0;
      expect(setupSent).toBeGreaterThan(0);
      expect(teardownSent).toBeGreaterThan(0);
      expect(setupSent + teardownSent).toBe(peer.bytes().read);
    });
  }
});
