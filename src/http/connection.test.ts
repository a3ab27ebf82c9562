/**
 * HttpConnection on real sockets: which requests are handed back for a retry after a keep-alive
 * close (and which fail, with which class), the timing trail's k6 definitions, and TLS reads.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createServer as createTlsServer,
  type TLSSocket,
  type Server as TlsServer,
} from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { selfSignedCertificate } from '../../test/helpers/certificates.js';
import { type ConnectionOwner, HttpConnection, SendFlags } from './connection.js';
import type { ClassifiedError } from './errors.js';
import { parseTarget } from './target.js';

const GET = Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
const OK = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok';

interface Event {
  kind: 'response' | 'failed' | 'retry';
  tag: number;
  errorClass?: string;
  message?: string;
  trail: {
    blocked: number;
    connecting: number;
    sending: number;
    waiting: number;
    receiving: number;
    duration: number;
  };
}

/** Records every callback; `ready` resolves when the connection is up. */
class Recorder implements ConnectionOwner {
  readonly events: Event[] = [];
  closed = 0;
  #ready: () => void = () => {};
  ready = new Promise<void>((resolve) => {
    this.#ready = resolve;
  });
  #record(conn: HttpConnection, kind: Event['kind'], error?: ClassifiedError): void {
    const t = conn.trail;
    this.events.push({
      kind,
      tag: t.tag,
      ...(error ? { errorClass: error.errorClass, message: error.message } : {}),
      trail: {
        blocked: t.blocked,
        connecting: t.connecting,
        sending: t.sending,
        waiting: t.waiting,
        receiving: t.receiving,
        duration: t.duration,
      },
    });
  }
  onConnectionReady(): void {
    this.#ready();
  }
  onResponse(conn: HttpConnection): void {
    this.#record(conn, 'response');
  }
  onRequestFailed(conn: HttpConnection, error: ClassifiedError): void {
    this.#record(conn, 'failed', error);
  }
  onRequestRetry(conn: HttpConnection, error: ClassifiedError): void {
    this.#record(conn, 'retry', error);
  }
  onConnectionClosed(): void {
    this.closed++;
  }
}

let server: Server | undefined;
const sockets = new Set<Socket>();
const clients: HttpConnection[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy(null);
  for (const s of sockets) s.destroy();
  sockets.clear();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/** A server calling `onHead(socket, n)` for each request head (n from 1). */
async function serve(onHead: (socket: Socket, n: number) => void): Promise<number> {
  let n = 0;
  server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    let buffered = '';
    socket.on('data', (chunk) => {
      buffered += chunk.toString('latin1');
      for (let end = buffered.indexOf('\r\n\r\n'); end !== -1; end = buffered.indexOf('\r\n\r\n')) {
        buffered = buffered.slice(end + 4);
        onHead(socket, ++n);
      }
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return (server.address() as { port: number }).port;
}

async function connect(port: number, pipelining = 1) {
  const owner = new Recorder();
  const conn = new HttpConnection(0, parseTarget(`http://127.0.0.1:${port}/`), owner, {
    pipelining,
    insecure: false,
    readBuffer: Buffer.alloc(64 * 1024),
    keepHeaders: false,
    keepBody: false,
  });
  clients.push(conn);
  const queuedAt = performance.now();
  conn.connect();
  await owner.ready;
  return { owner, conn, queuedAt };
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(check()).toBe(true);
}

const IDEMPOTENT = SendFlags.Idempotent;

describe('HttpConnection after a server close', () => {
  it('hands back idempotent requests pipelined behind a Connection: close response', async () => {
    const port = await serve((socket, n) => {
      if (n === 1)
        socket.end('HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok');
    });
    const { owner, conn } = await connect(port, 3);
    conn.send(GET, IDEMPOTENT, 0, 1);
    conn.send(GET, IDEMPOTENT, 0, 2);
    conn.send(GET, 0, 0, 3); // POST-like: not idempotent
    await until(() => owner.events.length === 3);
    expect(owner.events.map((e) => [e.kind, e.tag, e.errorClass])).toEqual([
      ['response', 1, undefined],
      ['retry', 2, 'closed'],
      ['failed', 3, 'closed'],
    ]);
    expect(owner.events[2]?.message).toMatch(/not retried: the method is not idempotent/);
  });

  it('hands back a request sent on a reused connection the server then closed', async () => {
    const port = await serve((socket, n) => {
      if (n === 1) socket.write(OK);
      else socket.end(); // closes an idle-looking connection just as the next request arrives
    });
    const { owner, conn } = await connect(port);
    conn.send(GET, IDEMPOTENT, 0, 1);
    await until(() => owner.events.length === 1);
    conn.send(GET, IDEMPOTENT, 0, 2);
    await until(() => owner.events.length === 2);
    expect(owner.events[1]).toMatchObject({ kind: 'retry', tag: 2, errorClass: 'closed' });
  });

  it('never retries the first request of a new connection, nor a retry', async () => {
    const port = await serve((socket) => socket.end());
    for (const flags of [IDEMPOTENT, IDEMPOTENT | SendFlags.Retry]) {
      const { owner, conn } = await connect(port);
      conn.send(GET, flags, 0, 7);
      await until(() => owner.events.length === 1);
      expect(owner.events[0]).toMatchObject({ kind: 'failed', errorClass: 'closed' });
    }
  });

  it('a close in the middle of a response is truncated, not closed, and never retried', async () => {
    const port = await serve((socket, n) => {
      if (n === 1) socket.write(OK);
      else socket.end('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc');
    });
    const { owner, conn } = await connect(port);
    conn.send(GET, IDEMPOTENT, 0, 1);
    await until(() => owner.events.length === 1);
    conn.send(GET, IDEMPOTENT, 0, 2);
    await until(() => owner.events.length === 2);
    expect(owner.events[1]).toMatchObject({ kind: 'failed', errorClass: 'truncated' });
    // Bytes arrived: waiting ends at the first byte, receiving runs to the failure.
    const t = owner.events[1]!.trail;
    expect(t.duration).toBeCloseTo(t.sending + t.waiting + t.receiving, 9);
  });
});

describe('HttpConnection timing trail (k6 definitions)', () => {
  it('receiving runs from the first byte to the last, over several reads', async () => {
    const port = await serve((socket) => {
      socket.write('HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nab');
      setTimeout(() => socket.write('cd'), 60);
    });
    const { owner, conn, queuedAt } = await connect(port);
    conn.send(GET, IDEMPOTENT, queuedAt, 1);
    await until(() => owner.events.length === 1);
    const t = owner.events[0]!.trail;
    expect(owner.events[0]!.kind).toBe('response');
    expect(t.receiving).toBeGreaterThanOrEqual(55); // timers never fire early
    expect(t.duration).toBe(t.sending + t.waiting + t.receiving);
    // The first request of a new connection: blocked contains the connection set-up.
    expect(t.connecting).toBeGreaterThan(0);
    expect(t.blocked).toBeGreaterThanOrEqual(t.connecting);
  });

  it('a request that got nothing waited until it failed (duration = sending + waiting)', async () => {
    const port = await serve(() => {});
    const { owner, conn } = await connect(port);
    conn.send(GET, IDEMPOTENT, performance.now(), 1);
    await new Promise((r) => setTimeout(r, 50));
    conn.destroy({ errorClass: 'timeout', code: 1050, message: 'request timeout' });
    await until(() => owner.events.length === 1);
    const t = owner.events[0]!.trail;
    expect(t.waiting).toBeGreaterThanOrEqual(45);
    expect(t.receiving).toBe(0);
    expect(t.duration).toBe(t.sending + t.waiting);
  });
});

describe('HttpConnection over TLS', () => {
  it('reads through the shared buffer (onread): chunked bodies larger than it, kept byte for byte, on one keep-alive connection', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'redline-conn-tls-'));
    let tlsServer: TlsServer | undefined;
    const tlsSockets = new Set<TLSSocket>();
    try {
      const body = Buffer.alloc(300_000);
      for (let i = 0; i < body.length; i++) body[i] = (i * 7) % 251;
      tlsServer = createTlsServer(selfSignedCertificate(), (socket) => {
        tlsSockets.add(socket);
        socket.on('error', () => {});
        let buffered = '';
        socket.on('data', (chunk: Buffer) => {
          buffered += chunk.toString('latin1');
          for (
            let end = buffered.indexOf('\r\n\r\n');
            end !== -1;
            end = buffered.indexOf('\r\n\r\n')
          ) {
            buffered = buffered.slice(end + 4);
            socket.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n');
            for (let at = 0; at < body.length; at += 70_000) {
              const piece = body.subarray(at, at + 70_000);
              socket.write(`${piece.length.toString(16)}\r\n`);
              socket.write(piece);
              socket.write('\r\n');
            }
            socket.write('0\r\n\r\n');
          }
        });
      });
      await new Promise<void>((resolve) => tlsServer!.listen(0, '127.0.0.1', resolve));
      const port = (tlsServer.address() as { port: number }).port;
      const bodies: Buffer[] = [];
      const owner = new Recorder();
      const original = owner.onResponse.bind(owner);
      owner.onResponse = (conn: HttpConnection) => {
        bodies.push(Buffer.concat(conn.parser.bodyChunks));
        original(conn);
      };
      const conn = new HttpConnection(0, parseTarget(`https://127.0.0.1:${port}/`), owner, {
        pipelining: 1,
        insecure: true,
        readBuffer: Buffer.alloc(4096),
        keepHeaders: false,
        keepBody: true,
      });
      clients.push(conn);
      conn.connect();
      await owner.ready;
      expect(conn.tlsProtocol).toMatch(/^TLSv1\.[23]$/);
      conn.send(GET, IDEMPOTENT, 0, 1);
      await until(() => owner.events.length === 1);
      conn.send(GET, IDEMPOTENT, 0, 2);
      await until(() => owner.events.length === 2);
      expect(owner.events.map((e) => [e.kind, e.tag])).toEqual([
        ['response', 1],
        ['response', 2],
      ]);
      expect(bodies.map((b) => b.equals(body))).toEqual([true, true]);
      expect(owner.closed).toBe(0);
    } finally {
      for (const c of clients.splice(0)) c.destroy(null);
      for (const s of tlsSockets) s.destroy();
      await new Promise<void>((resolve) =>
        tlsServer ? tlsServer.close(() => resolve()) : resolve(),
      );
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('TLS session resumption', () => {
  async function reconnects(resumeTlsSessions: boolean): Promise<boolean[]> {
    const dir = mkdtempSync(join(tmpdir(), 'redline-conn-tls-'));
    const reused: boolean[] = [];
    const tlsSockets = new Set<TLSSocket>();
    let tlsServer: TlsServer | undefined;
    try {
      tlsServer = createTlsServer(selfSignedCertificate(), (socket) => {
        tlsSockets.add(socket);
        reused.push(socket.isSessionReused());
        socket.on('error', () => {});
        socket.on('data', () =>
          socket.end('HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok'),
        );
      });
      await new Promise<void>((resolve) => tlsServer!.listen(0, '127.0.0.1', resolve));
      const port = (tlsServer.address() as { port: number }).port;
      const owner = new Recorder();
      const conn = new HttpConnection(0, parseTarget(`https://127.0.0.1:${port}/`), owner, {
        pipelining: 1,
        insecure: true,
        resumeTlsSessions,
        readBuffer: Buffer.alloc(4096),
        keepHeaders: false,
        keepBody: false,
      });
      clients.push(conn);
      for (let i = 1; i <= 3; i++) {
        conn.connect();
        await until(() => conn.canSend);
        conn.send(GET, IDEMPOTENT, 0, i);
        await until(() => owner.closed === i);
      }
      expect(owner.events.map((e) => [e.kind, e.tag])).toEqual([
        ['response', 1],
        ['response', 2],
        ['response', 3],
      ]);
      return reused;
    } finally {
      for (const c of clients.splice(0)) c.destroy(null);
      for (const s of tlsSockets) s.destroy();
      await new Promise<void>((resolve) =>
        tlsServer ? tlsServer.close(() => resolve()) : resolve(),
      );
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it('quick mode (resumeTlsSessions) resumes the previous session when it reconnects', async () => {
    expect(await reconnects(true)).toEqual([false, true, true]);
  });

  it('without it (scripts, as k6) every connection makes a full handshake', async () => {
    expect(await reconnects(false)).toEqual([false, false, false]);
  });
});
