/**
 * k6/net/grpc connect() against servers that cannot be reached or fail the TLS handshake, as k6
 * meets them (grpc-go's blocking dial with FailOnNonTempDialError, k6's default connect timeout
 * 60 s): a refused connect and a reset during the handshake throw at once with what happened; a
 * self-signed certificate (no insecureSkipTLSVerify) and a connection closed during the handshake
 * are retried until the timeout, the first throwing then with the verification error, the second
 * connecting on the next attempt; a server slow to answer still connects. A host name that does
 * not exist fails k6's dial at once (Go's "no such host" is not temporary); a name that resolves
 * to both ::1 and 127.0.0.1 connects when only one of them listens.
 */
import { promises as dns } from 'node:dns';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CountingServer, startCountingGrpcServer } from './helpers/counting-servers.js';
import { checkCounts, metricValue, runCorpus } from './helpers/run-corpus.js';

let tls: CountingServer;
let plain: CountingServer;
let downAddr: string;
beforeAll(async () => {
  tls = await startCountingGrpcServer(true);
  plain = await startCountingGrpcServer(false);
  const probe = createServer();
  const port = await listen(probe);
  downAddr = `127.0.0.1:${port}`;
  await new Promise<void>((r) => probe.close(() => r()));
});
afterAll(() => Promise.all([tls.close(), plain.close()]));

function listen(server: Server, host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve) => {
    server.listen(0, host, () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : 0);
    });
  });
}

/**
 * A TCP front for `target` (`127.0.0.1:port`), listening on `host` (127.0.0.1 unless given): each
 * accepted connection is handed to `accept` with its number (1, 2 …) and a function that pipes it
 * to the target.
 */
async function front(
  target: string,
  accept: (socket: Socket, n: number, pipe: () => void) => void,
  host = '127.0.0.1',
): Promise<{ addr: string; port: number; accepted: () => number; close: () => Promise<void> }> {
  const port = Number(target.split(':')[1]);
  const sockets = new Set<Socket>();
  let n = 0;
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    accept(socket, ++n, () => {
      const up = connect(port, '127.0.0.1');
      up.on('error', () => socket.destroy());
      socket.once('close', () => up.destroy());
      socket.pipe(up).pipe(socket);
    });
  });
  const own = await listen(server, host);
  return {
    addr: `127.0.0.1:${own}`,
    port: own,
    accepted: () => n,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

async function connectRun(env: Record<string, string>, insecure = false) {
  const run = await runCorpus('46-grpc-connect-failures.js', 'http://unused', {
    env: Object.entries(env).map(([k, v]) => `${k}=${v}`),
    insecureSkipTLSVerify: insecure,
  });
  expect(run.scriptErrors).toEqual([]);
  return { run, took: metricValue(run, 'connect_took', 'max') ?? Number.NaN };
}

/**
 * A plaintext connect() to `addr` with k6's default timeout (60 s) throws an error matching
 * `pattern`, well before the timeout (the message, without `context deadline exceeded`, says so).
 */
async function expectFailureAtOnce(addr: string, pattern: string): Promise<void> {
  const { run, took } = await connectRun({ ADDR: addr, PLAINTEXT: '1', EXPECT_ERROR: pattern });
  expect(checkCounts(run, 'connect failed with the expected error')).toEqual({ passes: 1, fails: 0 });
  expect(took).toBeLessThan(30_000);
}

describe('k6/net/grpc connect() failures (k6: grpc-go blocking dial, FailOnNonTempDialError)', () => {
  it('46a a refused connect throws at once (default 60 s timeout) with the dial error', async () => {
    await expectFailureAtOnce(
      downAddr,
      '^grpc\\.Client\\.connect\\(127\\.0\\.0\\.1:\\d+\\): connection error: desc = "transport: error while dialing: dial tcp 127\\.0\\.0\\.1:\\d+: connect: connection refused"',
    );
  });

  it('46b a self-signed certificate: retried until the connect timeout, then the verification error', async () => {
    const { run, took } = await connectRun({
      ADDR: tls.address,
      TIMEOUT: '1s',
      EXPECT_ERROR:
        '^grpc\\.Client\\.connect\\(127\\.0\\.0\\.1:\\d+\\): context deadline exceeded: connection error: desc = "transport: authentication handshake failed: tls: failed to verify certificate: x509: certificate signed by unknown authority',
    });
    expect(checkCounts(run, 'connect failed with the expected error')).toEqual({ passes: 1, fails: 0 });
    // k6 keeps retrying a verification failure (Go's error is not "non-temporary") until the timeout.
    expect(took).toBeGreaterThanOrEqual(900);
    expect(took).toBeLessThan(5000);
  });

  it('46c the same server with insecureSkipTLSVerify connects and answers', async () => {
    const { run } = await connectRun({ ADDR: tls.address }, true);
    expect(checkCounts(run, 'connected')).toEqual({ passes: 1, fails: 0 });
    expect(checkCounts(run, 'call OK')).toEqual({ passes: 1, fails: 0 });
  });

  it('46d a reset during the TLS handshake throws at once (a non-temporary read error in Go)', async () => {
    // The reset answers the client's first TLS record (its ClientHello).
    const resetting = await front(tls.address, (socket) =>
      socket.once('data', () => socket.resetAndDestroy()),
    );
    try {
      const { run, took } = await connectRun(
        {
          ADDR: resetting.addr,
          EXPECT_ERROR:
            '^grpc\\.Client\\.connect\\(127\\.0\\.0\\.1:\\d+\\): connection error: desc = "transport: authentication handshake failed: read: connection reset by peer"',
        },
        true,
      );
      expect(checkCounts(run, 'connect failed with the expected error')).toEqual({ passes: 1, fails: 0 });
      expect(took).toBeLessThan(5000);
      expect(resetting.accepted()).toBe(1);
    } finally {
      await resetting.close();
    }
  });

  it('46e a connection closed during the handshake (EOF, temporary) is retried: connects on the next attempt', async () => {
    const flaky = await front(tls.address, (socket, n, pipe) => (n === 1 ? socket.end() : pipe()));
    try {
      const { run } = await connectRun({ ADDR: flaky.addr, TIMEOUT: '10s' }, true);
      expect(checkCounts(run, 'connected')).toEqual({ passes: 1, fails: 0 });
      expect(checkCounts(run, 'call OK')).toEqual({ passes: 1, fails: 0 });
      expect(flaky.accepted()).toBe(2);
    } finally {
      await flaky.close();
    }
  });

  it('46f a server slow to answer (1.5 s before its first byte) still connects within the timeout', async () => {
    const slow = await front(plain.address, (_socket, _n, pipe) => setTimeout(pipe, 1500));
    try {
      const { run, took } = await connectRun({ ADDR: slow.addr, PLAINTEXT: '1' });
      expect(checkCounts(run, 'connected')).toEqual({ passes: 1, fails: 0 });
      expect(checkCounts(run, 'call OK')).toEqual({ passes: 1, fails: 0 });
      expect(took).toBeGreaterThanOrEqual(1400);
      expect(slow.accepted()).toBe(1);
    } finally {
      await slow.close();
    }
  });

  it('46g a host name that does not exist throws at once (default 60 s timeout) with the lookup error', async () => {
    // .invalid never resolves (RFC 6761); nothing but the local resolver is asked.
    await expectFailureAtOnce(
      'nohost.invalid:50051',
      '^grpc\\.Client\\.connect\\(nohost\\.invalid:50051\\): connection error: desc = "transport: error while dialing: lookup nohost\\.invalid: no such host"$',
    );
  });

  it('46i an address without a port throws at once with Go\'s address error (grpc-js alone would dial port 443)', async () => {
    await expectFailureAtOnce(
      '127.0.0.1',
      '^grpc\\.Client\\.connect\\(127\\.0\\.0\\.1\\): connection error: desc = "transport: error while dialing: address 127\\.0\\.0\\.1: missing port in address"$',
    );
  });

  it('46h a name resolving to ::1 and 127.0.0.1 connects when only one of them listens', async () => {
    // Each loopback address `localhost` resolves to here, alone: where it resolves to both (the
    // usual /etc/hosts), the other address is tried and refused first or not at all.
    const families = new Set((await dns.lookup('localhost', { all: true })).map((a) => a.family));
    const hosts = [...families].map((f) => (f === 6 ? '::1' : '127.0.0.1'));
    expect(hosts.length).toBeGreaterThan(0);
    for (const host of hosts) {
      const only = await front(plain.address, (_socket, _n, pipe) => pipe(), host);
      try {
        const { run } = await connectRun({ ADDR: `localhost:${only.port}`, PLAINTEXT: '1' });
        expect(checkCounts(run, 'connected'), host).toEqual({ passes: 1, fails: 0 });
        expect(checkCounts(run, 'call OK'), host).toEqual({ passes: 1, fails: 0 });
        expect(only.accepted(), host).toBeGreaterThanOrEqual(1);
      } finally {
        await only.close();
      }
    }
  });
});
