/**
 * The lean HTTP/2 client (h2-fast-connection.ts) driven directly, against a real node:http2
 * server (request bodies beyond the flow-control window, a response beyond the receive window
 * half-mark, MAX_CONCURRENT_STREAMS) and against a raw TCP peer that writes frames by hand for
 * what a well-behaved server rarely sends: HEADERS split into CONTINUATION with padding and
 * priority, a 1xx interim response, trailers, PING, RST_STREAM NO_ERROR, a broken HPACK block,
 * PUSH_PROMISE. Quick-mode accounting over both clients is in test/engine/quick-http2.test.ts.
 */
import { once } from 'node:events';
import { createServer as createH2Server } from 'node:http2';
import { type AddressInfo, createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConnectionOwner } from './connection.js';
import type { ClassifiedError } from './errors.js';
import { Http2FastConnection } from './h2-fast-connection.js';
import { FrameFlag, FrameReader, FrameType, frame, H2Error, settingsFrame } from './h2-framing.js';
import { encodeHeaderBlock } from './hpack.js';
import { parseTarget } from './target.js';

/** Records what the connection reports; sends `total` requests, `streams` at a time. */
class Recorder implements ConnectionOwner<Http2FastConnection> {
  statuses: number[] = [];
  failures: ClassifiedError[] = [];
  retries = 0;
  closed: Array<ClassifiedError | null> = [];
  sent = 0;
  #settle: (() => void) | null = null;
  constructor(public total: number) {}
  done(): Promise<void> {
    return new Promise((resolve) => {
      this.#settle = resolve;
      this.#check();
    });
  }
  #check(): void {
    if (this.statuses.length + this.failures.length + this.retries >= this.total) this.#settle?.();
  }
  pump(conn: Http2FastConnection): void {
    while (this.sent < this.total && conn.canSend) {
      this.sent++;
      conn.send(Buffer.alloc(0), 0, performance.now(), this.sent);
    }
  }
  onConnectionReady(conn: Http2FastConnection): void {
    this.pump(conn);
  }
  onResponse(conn: Http2FastConnection): void {
    this.statuses.push(conn.statusCode);
    expect(conn.trail.duration).toBeCloseTo(
      conn.trail.sending + conn.trail.waiting + conn.trail.receiving,
      9,
    );
    this.#check();
    this.pump(conn);
  }
  onRequestFailed(conn: Http2FastConnection, error: ClassifiedError): void {
    this.failures.push(error);
    this.#check();
    this.pump(conn);
  }
  onRequestRetry(): void {
    this.retries++;
    this.#check();
  }
  onConnectionClosed(_conn: Http2FastConnection, error: ClassifiedError | null): void {
    this.closed.push(error);
    this.#settle?.();
  }
}

let servers: Array<{ close(): unknown }> = [];
afterEach(() => {
  for (const s of servers) s.close();
  servers = [];
});

function connection(
  url: string,
  owner: Recorder,
  options: { streams?: number; method?: string; body?: Uint8Array | null } = {},
): Http2FastConnection {
  const target = parseTarget(url);
  return new Http2FastConnection(0, target, owner, {
    streams: options.streams ?? 4,
    insecure: true,
    mode: 'h2c',
    request: {
      headers: {
        ':method': options.method ?? 'GET',
        ':path': target.path,
        ':scheme': 'http',
        ':authority': target.hostHeader,
        'user-agent': 'redline-test',
      },
      body: options.body ?? null,
    },
  });
}

describe('Http2FastConnection against node:http2', () => {
  it('sends request bodies larger than the peer windows and reads a 9 MB response', async () => {
    const server = createH2Server({
      settings: { initialWindowSize: 1000, maxConcurrentStreams: 3 },
    });
    servers.push(server);
    const received: number[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const big = Buffer.alloc(9 * 1024 * 1024, 0x61);
    server.on('stream', (stream, headers) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      stream.on('close', () => inFlight--);
      let n = 0;
      stream.on('data', (chunk: Buffer) => {
        n += chunk.length;
      });
      stream.on('end', () => {
        received.push(n);
        expect(headers['user-agent']).toBe('redline-test');
        stream.respond({ ':status': n === 200_000 ? 201 : 500 });
        stream.end(received.length === 1 ? big : 'ok');
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    const owner = new Recorder(6);
    const conn = connection(`http://127.0.0.1:${port}/upload`, owner, {
      streams: 8,
      method: 'POST',
      body: Buffer.alloc(200_000, 0x62),
    });
    conn.connect();
    await owner.done();
    expect(owner.failures).toEqual([]);
    expect(owner.statuses).toEqual([201, 201, 201, 201, 201, 201]);
    expect(received).toEqual(Array(6).fill(200_000));
    // The server's SETTINGS_MAX_CONCURRENT_STREAMS (3) capped --streams (8).
    expect(maxInFlight).toBeLessThanOrEqual(3);
    conn.destroy(null);
  });

  // The HEADERS of one write's new streams are copied from a run of templates (16 at most,
  // fewer for large header blocks), then each stream id is patched: every stream must still
  // arrive as its own request with the whole header block.
  for (const header of [10, 3000]) {
    it(`opens 40 streams in one write, each its own request (${header}-octet header)`, async () => {
      const server = createH2Server({ settings: { maxConcurrentStreams: 100 } });
      servers.push(server);
      const ids: number[] = [];
      server.on('stream', (stream, headers) => {
        ids.push(stream.id ?? 0);
        const ok = headers['x-pad'] === 'p'.repeat(header) && headers[':path'] === '/many';
        stream.respond({ ':status': ok ? 200 : 500 });
        stream.end();
      });
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      const { port } = server.address() as AddressInfo;
      const owner = new Recorder(120);
      const target = parseTarget(`http://127.0.0.1:${port}/many`);
      const conn = new Http2FastConnection(0, target, owner, {
        streams: 40,
        insecure: true,
        mode: 'h2c',
        request: {
          headers: {
            ':method': 'GET',
            ':path': target.path,
            ':scheme': 'http',
            ':authority': target.hostHeader,
            'x-pad': 'p'.repeat(header),
          },
          body: null,
        },
      });
      conn.connect();
      await owner.done();
      expect(owner.failures).toEqual([]);
      expect(owner.statuses).toEqual(Array(120).fill(200));
      expect([...ids].sort((a, b) => a - b)).toEqual(
        Array.from({ length: 120 }, (_, i) => 2 * i + 1),
      );
      conn.destroy(null);
    });
  }
});

/** A frame the raw peer received. */
interface Frame {
  type: number;
  flags: number;
  streamId: number;
  payload: Buffer;
}

/** A raw HTTP/2 peer: reads the client's frames, answers through `onStream`. */
async function rawPeer(
  onStream: (socket: Socket, streamId: number) => void,
  seen: Frame[] = [],
): Promise<{ url: string; server: Server }> {
  const server = createServer((socket) => {
    let preface = false;
    let head = Buffer.alloc(0);
    const reader = new FrameReader(
      (type, flags, streamId, buf, from, to) => {
        seen.push({ type, flags, streamId, payload: Buffer.from(buf.subarray(from, to)) });
        if (type === FrameType.Headers) onStream(socket, streamId);
      },
      () => socket.destroy(),
      1 << 20,
    );
    socket.on('error', () => {});
    socket.on('data', (chunk: Buffer) => {
      if (!preface) {
        head = Buffer.concat([head, chunk]);
        if (head.length < 24) return;
        preface = true;
        socket.write(settingsFrame([]));
        reader.push(head.subarray(24));
        return;
      }
      reader.push(chunk);
    });
  });
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server };
}

const headers = (streamId: number, flags: number, block: Buffer) =>
  frame(FrameType.Headers, flags, streamId, block);

const rst = (id: number, code: number) =>
  frame(FrameType.RstStream, 0, id, Buffer.from([0, 0, 0, code]));
const OK_BLOCK = encodeHeaderBlock([
  [':status', '200'],
  ['content-type', 'text/plain'],
  ['x-long', 'z'.repeat(100)],
]);

describe('Http2FastConnection against a raw HTTP/2 peer', () => {
  it('CONTINUATION, padding, priority, 1xx, trailers, PING and RST_STREAM', async () => {
    const seen: Frame[] = [];
    const peer = await rawPeer((socket, id) => {
      if (id === 1) {
        // 103 interim; the final headers padded + priority and split into CONTINUATION; a PING;
        // padded DATA; trailers ending the stream.
        socket.write(headers(id, FrameFlag.EndHeaders, encodeHeaderBlock([[':status', '103']])));
        const first = Buffer.concat([
          Buffer.from([3, 0, 0, 0, 0, 16]),
          OK_BLOCK.subarray(0, 10),
          Buffer.alloc(3),
        ]);
        socket.write(headers(id, FrameFlag.Padded | FrameFlag.Priority, first));
        socket.write(
          frame(FrameType.Continuation, FrameFlag.EndHeaders, id, OK_BLOCK.subarray(10)),
        );
        socket.write(frame(FrameType.Ping, 0, 0, Buffer.from('12345678')));
        socket.write(
          frame(FrameType.Data, FrameFlag.Padded, id, Buffer.from([2, 0x68, 0x69, 0, 0])),
        );
        socket.write(
          headers(
            id,
            FrameFlag.EndHeaders | FrameFlag.EndStream,
            encodeHeaderBlock([['x-trailer', '1']]),
          ),
        );
      } else if (id === 3) {
        // Headers, then RST_STREAM NO_ERROR: an answer, as node:http2 counts it.
        socket.write(headers(id, FrameFlag.EndHeaders, OK_BLOCK));
        socket.write(rst(id, H2Error.NoError));
      } else {
        socket.write(rst(id, H2Error.Cancel));
      }
    }, seen);
    const owner = new Recorder(3);
    const conn = connection(peer.url, owner, { streams: 3 });
    conn.connect();
    await owner.done();
    expect(owner.statuses).toEqual([200, 200]);
    expect(owner.failures).toEqual([expect.objectContaining({ errorClass: 'reset', code: 1639 })]);
    await until(() => seen.some((f) => f.type === FrameType.Ping));
    const pingAck = seen.find((f) => f.type === FrameType.Ping);
    expect(pingAck).toMatchObject({ flags: FrameFlag.Ack, streamId: 0 });
    expect(pingAck?.payload.toString()).toBe('12345678');
    expect(seen.some((f) => f.type === FrameType.Settings && f.flags === FrameFlag.Ack)).toBe(true);
    conn.destroy(null);
  });

  it('a broken HPACK block ends the connection: GOAWAY COMPRESSION_ERROR, streams `malformed`', async () => {
    const seen: Frame[] = [];
    // 0xc6: indexed field 70, beyond an empty dynamic table.
    const peer = await rawPeer((socket, id) => {
      socket.write(headers(id, FrameFlag.EndHeaders, Buffer.from([0x88, 0xc6])));
    }, seen);
    const owner = new Recorder(1);
    const conn = connection(peer.url, owner, { streams: 1 });
    conn.connect();
    await owner.done();
    expect(owner.failures).toEqual([
      expect.objectContaining({ errorClass: 'malformed', code: 1651 + H2Error.CompressionError }),
    ]);
    await until(() => seen.some((f) => f.type === FrameType.Goaway));
    const goaway = seen.find((f) => f.type === FrameType.Goaway)!;
    expect(goaway.payload.readUInt32BE(4)).toBe(H2Error.CompressionError);
    expect(owner.closed.at(-1)).toMatchObject({ errorClass: 'malformed' });
  });

  it('PUSH_PROMISE with push disabled is a PROTOCOL_ERROR', async () => {
    const peer = await rawPeer((socket, id) => {
      socket.write(
        frame(FrameType.PushPromise, FrameFlag.EndHeaders, id, Buffer.from([0, 0, 0, 2, 0x82])),
      );
    });
    const owner = new Recorder(1);
    const conn = connection(peer.url, owner, { streams: 1 });
    conn.connect();
    await owner.done();
    expect(owner.failures).toEqual([
      expect.objectContaining({ errorClass: 'malformed', code: 1651 + H2Error.ProtocolError }),
    ]);
  });

  it('a timed-out stream is cancelled by its own id, also when its record is reused at once', async () => {
    const seen: Frame[] = [];
    // Stream 3 is never answered; every other stream is.
    const peer = await rawPeer((socket, id) => {
      if (id !== 3) socket.write(headers(id, FrameFlag.EndHeaders | FrameFlag.EndStream, OK_BLOCK));
    }, seen);
    const owner = new Recorder(6);
    const conn = connection(peer.url, owner, { streams: 2 });
    conn.connect();
    await until(() => owner.statuses.length === 5);
    // One more request allowed: the timeout's report starts it (stream 13) from inside expiry.
    owner.total = 7;
    conn.expireBefore(performance.now() + 1);
    await until(() => owner.statuses.length === 6);
    expect(owner.failures).toEqual([expect.objectContaining({ errorClass: 'timeout' })]);
    await until(() => seen.some((f) => f.type === FrameType.RstStream));
    const resets = seen.filter((f) => f.type === FrameType.RstStream);
    expect(resets.map((f) => [f.streamId, f.payload.readUInt32BE(0)])).toEqual([
      [3, H2Error.Cancel],
    ]);
    const opened = seen.filter((f) => f.type === FrameType.Headers).map((f) => f.streamId);
    expect(opened).toEqual([1, 3, 5, 7, 9, 11, 13]);
    conn.destroy(null);
  });

  it('GOAWAY: streams above the last stream id are handed back, the others finish', async () => {
    let opened = 0;
    const peer = await rawPeer((socket, id) => {
      opened++;
      if (opened < 3) return;
      // Three streams (1, 3, 5) open: only stream 1 was processed.
      socket.write(frame(FrameType.Goaway, 0, 0, Buffer.from([0, 0, 0, 1, 0, 0, 0, 0])));
      setTimeout(
        () => socket.write(headers(1, FrameFlag.EndHeaders | FrameFlag.EndStream, OK_BLOCK)),
        20,
      );
      void id;
    });
    const owner = new Recorder(3);
    const conn = connection(peer.url, owner, { streams: 3 });
    conn.connect();
    await owner.done();
    await until(() => owner.statuses.length === 1);
    expect(owner.retries).toBe(2);
    expect(owner.statuses).toEqual([200]);
    expect(owner.failures).toEqual([]);
    // The slot itself closed cleanly (a new connection would take the retries).
    expect(owner.closed).toEqual([null]);
    conn.destroy(null);
  });
});

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(condition()).toBe(true);
}
