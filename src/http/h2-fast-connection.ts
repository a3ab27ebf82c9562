/**
 * A lean HTTP/2 client connection for quick mode, written on node:net / node:tls sockets
 * instead of node:http2 (h2-connection.ts, still selectable with `REDLINE_H2_IMPL=node`).
 *
 * Why our own: in a fair benchmark (bench/http2.mjs: same run, same targets, generators pinned
 * to one core, requests per CPU-second of the generator process, Redline's net of start-up) the
 * library was the bottleneck. Measured 2026-12-06 05:11 UTC, load average 17-20 on 2 cores,
 * -c 10 × 10 streams, requests per CPU-second:
 *
 *   target               node:http2   this client   h2load
 *   nginx TLS (h2)          3.9k         38.8k       103.7k
 *   nginx h2c               5.4k         78.3k       128.9k
 *   node:http2 TLS          5.4k         71.0k       169.8k
 *   node:http2 h2c          8.4k         60.1k       215.9k
 *
 * A CPU profile of the node:http2 path put the cost inside the library (a Duplex stream, event
 * emitters and async resources per stream, header objects, GC), not in Redline's recording.
 * This client keeps one small record per stream (reused between body-less requests), found by
 * stream id in an indexed table (h2-stream-table.ts), not a Map. Since the
 * 08:04 UTC changes (bench/RESULTS.md) it is 0.80-0.87× h2load per core against nginx at full
 * rate and 0.67-0.75× against node:http2 (a second pass at 08:36 UTC did not move it), but
 * 0.29-0.51× in the duration-bound bench on a loaded machine, where each read carries 1-2
 * responses: the rest is a JS read callback and a socket write per response at those rates.
 *
 * What it does (RFC 9113): connection preface and SETTINGS (push disabled, large receive
 * windows), SETTINGS ack, the request's HEADERS block HPACK-encoded once (hpack.ts: literal
 * fields, static-table names) and reused for every stream with only the stream id changing,
 * DATA for a body within the peer's flow-control windows (the rest waits for WINDOW_UPDATE),
 * WINDOW_UPDATE for data received, response HEADERS (+ CONTINUATION, padding, priority) decoded
 * by a real HPACK decoder (dynamic table, Huffman), PING ack, RST_STREAM, GOAWAY, the server's
 * SETTINGS_MAX_CONCURRENT_STREAMS, INITIAL_WINDOW_SIZE and MAX_FRAME_SIZE. Over TLS it offers
 * ALPN `h2` only. Frames a socket read starts (next requests, acks) go out in one socket write at
 * the end of that read; frames queued outside a read, in one write at the end of the turn.
 *
 * Accounting is the node:http2 path's, rule for rule: a stream that ends (END_STREAM) after final
 * response headers is an answer; RST_STREAM is `reset` with k6's stream code; a closed socket
 * fails its streams with the socket's class (or `closed`/`truncated`); a GOAWAY hands the streams
 * above its last-stream-id back to the owner for a retry on a new connection (or fails them as
 * `reset` REFUSED_STREAM when they already are retries); a GOAWAY with an error code then fails
 * the streams still open as `reset` with k6's GOAWAY code; a protocol error of the server
 * (malformed frame, HPACK error) ends the connection with GOAWAY and fails its streams as
 * `malformed` with k6's connection-error code. Timings follow h2-connection.ts, except that
 * `sending` ends when the HEADERS are handed to the socket; byte counts are the plaintext octets
 * written and read, as node's socket counters give them.
 */
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { ConnectionOwner } from './connection.js';
import {
  type ClassifiedError,
  classifySocketError,
  closedBeforeResponse,
  http2ConnectionError,
  http2GoAway,
  http2StreamReset,
  requestTimeout,
} from './errors.js';
import {
  DEFAULT_MAX_FRAME_SIZE,
  DEFAULT_WINDOW,
  FrameFlag,
  FrameReader,
  FrameType,
  frame,
  goawayFrame,
  H2_PREFACE,
  H2Error,
  MAX_WINDOW,
  rstStreamFrame,
  Setting,
  settingsFrame,
  windowUpdateFrame,
} from './h2-framing.js';
import {
  type Http2ConnectionOptions,
  Http2Slot,
  type SlotSession,
  sessionFailure,
} from './h2-slot.js';
import { StreamTable } from './h2-stream-table.js';
import { encodeHeaderBlock, HpackDecoder, HpackError } from './hpack.js';
import type { Target } from './target.js';

/** The receive window this client announces per stream and for the connection. */
const RECEIVE_WINDOW = 16 * 1024 * 1024;
/** The largest stream id a client may open (RFC 9113 §5.1.1). */
const LAST_STREAM_ID = MAX_WINDOW;

/** One request in flight on a stream. */
interface Flight {
  id: number;
  queuedAt: number;
  sendStart: number;
  sent: number;
  tag: number;
  flags: number;
  /** When the final response headers arrived; 0 before. */
  firstByteAt: number;
  status: number;
  /** Octets of DATA received on the stream not yet granted back with WINDOW_UPDATE. */
  unacked: number;
  /** The request body not yet sent (flow control), or null. */
  bodyLeft: Uint8Array | null;
  /** Octets the stream may still send (the peer's window for it). */
  sendWindow: number;
}

/** One connection generation of the slot. */
interface Session extends SlotSession {
  reader: FrameReader;
  decoder: HpackDecoder;
  flights: StreamTable<Flight>;
  nextId: number;
  /** Octets read and written on the socket (TLS: plaintext, as node's socket counters). */
  readTotal: number;
  writtenTotal: number;
  /** Frames to write at the end of this turn. */
  out: Buffer[];
  outBytes: number;
  flushQueued: boolean;
  /** Streams whose HEADERS go out at the end of this turn (written from the template). */
  newIds: number[];
  /** Their flights, index for index (`sent` is set at the write without a map lookup). */
  newFlights: Flight[];
  /** Connection-level send window and the peer's initial stream window / frame size. */
  sendWindow: number;
  peerInitialWindow: number;
  peerMaxFrame: number;
  /** Connection-level octets received and not yet granted back. */
  unacked: number;
  /** Stream of a header block being continued (CONTINUATION), 0 when none. */
  headersStream: number;
  headersFlags: number;
  headersParts: Buffer[];
  /** Flights with body octets waiting for window. */
  blocked: Flight[];
  /** Finished flights kept for reuse (requests without a body only): no object per request. */
  spare: Flight[];
}

/** The HTTP/2 quick-mode connection slot over a lean framing client; see the file comment. */
export class Http2FastConnection extends Http2Slot<Session, Http2FastConnection> {
  /** HEADERS frame template: frame header (stream id patched per stream) + HPACK block. */
  readonly #headersFrame: Buffer;
  /**
   * The template repeated `#runLength` times (up to 16, within ~4 KB): the HEADERS of a write's
   * new streams are copied with one `set` per run instead of one per stream (then each id is
   * patched). `buf.set` per stream was ~2 % of busy samples against node:http2.
   */
  readonly #headersRun: Buffer;
  readonly #runLength: number;
  readonly #body: Uint8Array | null;
  readonly #readBuffer: Buffer;
  /**
   * While a socket read is handled: the clock when it arrived, else -1. Every frame of one read
   * arrived at that moment, so the responses it completes (and the requests they start) share one
   * clock reading instead of several each.
   */
  #readAt = -1;
  /** The session whose socket read is being handled, else null. */
  #reading: Session | null = null;

  constructor(
    id: number,
    target: Target,
    owner: ConnectionOwner<Http2FastConnection>,
    options: Http2ConnectionOptions,
  ) {
    super(id, target, owner, options);
    const block = requestHeaderBlock(options.request.headers);
    // Callers check with fitsOneHeadersFrame() first (quick mode then uses node:http2).
    if (block.length > DEFAULT_MAX_FRAME_SIZE)
      throw new RangeError(`request headers too large for one HTTP/2 frame (${block.length} B)`);
    this.#body = options.request.body;
    this.#readBuffer = options.readBuffer ?? Buffer.allocUnsafe(64 * 1024);
    this.#headersFrame = frame(
      FrameType.Headers,
      FrameFlag.EndHeaders | (this.#body === null ? FrameFlag.EndStream : 0),
      1,
      block,
    );
    this.#runLength = Math.max(1, Math.min(16, Math.floor(4096 / this.#headersFrame.length)));
    this.#headersRun = Buffer.concat(new Array(this.#runLength).fill(this.#headersFrame));
  }

  connect(): void {
    if (this.active !== null) return;
    const start = this.clock();
    // Reads go into one reused buffer (`onread`, also passed on by node:tls): no Buffer and no
    // Readable-stream push per read. Frames are handled before the callback returns.
    let s: Session | null = null;
    const onread = {
      buffer: this.#readBuffer,
      callback: (nread: number, buf: Buffer) => {
        if (s === null) return true;
        s.readTotal += nread;
        this.#readAt = this.clock();
        this.#reading = s;
        try {
          s.reader.push(buf, nread);
        } finally {
          this.#readAt = -1;
          this.#reading = null;
        }
        // What the read's frames started (next requests, acks) goes out now, in one write.
        if (s.flushQueued) this.#flush(s);
        return true;
      },
    };
    const socket = this.openSocket(onread);
    // One literal, not a spread of Http2Slot.newSession: the framing reads these fields per
    // frame, and a literal keeps them all in-object.
    s = {
      socket,
      reader: null as unknown as FrameReader,
      decoder: new HpackDecoder(4096),
      flights: new StreamTable(this.options.streams),
      nextId: 1,
      ready: false,
      maxStreams: this.options.streams,
      draining: false,
      dead: false,
      connectStart: start,
      connectingMs: 0,
      tlsMs: 0,
      fresh: true,
      failure: null,
      readTotal: 0,
      writtenTotal: 0,
      bytesRead: 0,
      bytesWritten: 0,
      out: [],
      outBytes: 0,
      flushQueued: false,
      newIds: [],
      newFlights: [],
      sendWindow: DEFAULT_WINDOW,
      peerInitialWindow: DEFAULT_WINDOW,
      peerMaxFrame: DEFAULT_MAX_FRAME_SIZE,
      unacked: 0,
      headersStream: 0,
      headersFlags: 0,
      headersParts: [],
      blocked: [],
      spare: [],
    };
    s.reader = new FrameReader(
      (type, flags, streamId, buf, from, to) =>
        this.#onFrame(s, type, flags, streamId, buf, from, to),
      (length) => this.#protocolError(s, H2Error.FrameSizeError, `frame of ${length} B`),
      DEFAULT_MAX_FRAME_SIZE,
    );
    this.active = s;
    const preface = () => {
      this.#queue(s, H2_PREFACE);
      this.#queue(
        s,
        settingsFrame([
          [Setting.EnablePush, 0],
          [Setting.InitialWindowSize, RECEIVE_WINDOW],
        ]),
      );
      this.#queue(s, windowUpdateFrame(0, RECEIVE_WINDOW - DEFAULT_WINDOW));
    };
    socket.once('connect', () => {
      s.connectingMs = this.clock() - start;
      if (this.options.mode === 'h2c') preface();
    });
    if (this.options.mode === 'h2') {
      const tls = socket as TLSSocket;
      tls.once('secureConnect', () => {
        if (this.tlsConnected(s, tls)) preface();
        else socket.destroy();
      });
    }
    socket.on('error', (error) => {
      s.failure ??= classifySocketError(error);
    });
    socket.on('close', () => this.#onSocketClosed(s));
  }

  send(_bytes: Buffer, flags: number, queuedAt: number, tag: number): void {
    const s = this.active!;
    const now = this.#now();
    const id = s.nextId;
    s.nextId += 2;
    const body = this.#body;
    const flight = s.spare.pop() ?? newFlight();
    flight.id = id;
    flight.queuedAt = queuedAt;
    flight.sendStart = flight.sent = now;
    flight.tag = tag;
    flight.flags = flags;
    flight.firstByteAt = flight.status = flight.unacked = 0;
    flight.bodyLeft = body;
    flight.sendWindow = s.peerInitialWindow;
    s.flights.add(flight);
    s.newIds.push(id);
    s.newFlights.push(flight);
    if (!s.flushQueued) this.#scheduleFlush(s);
    if (body !== null) this.#sendBody(s, flight);
    // Stream ids are finite: the slot moves to a new connection before they run out.
    if (s.nextId > LAST_STREAM_ID - 2 && s === this.active) this.#retire(s);
  }

  protected expireStreams(s: Session, limit: number): void {
    // Collected first: a report may start the next request, reusing the flight under a new id.
    const expired: Flight[] = [];
    for (const flight of s.flights.values()) if (flight.sendStart < limit) expired.push(flight);
    const ids = expired.map((flight) => flight.id);
    for (let i = 0; i < expired.length; i++) {
      this.#finish(s, expired[i]!, this.clock(), requestTimeout());
      if (!s.dead) this.#queue(s, rstStreamFrame(ids[i]!, H2Error.Cancel));
    }
  }

  // ---- writing ----

  #queue(s: Session, buf: Buffer): void {
    s.out.push(buf);
    s.outBytes += buf.length;
    if (!s.flushQueued) this.#scheduleFlush(s);
  }

  #scheduleFlush(s: Session): void {
    s.flushQueued = true;
    // Inside a read of this session's socket the read's end flushes (no microtask per read);
    // another session of the slot (a draining one's read starting a request) gets a microtask.
    if (this.#reading !== s) queueMicrotask(() => this.#flush(s));
  }

  /** Writes this turn's frames in one buffer: control frames first, then new streams' HEADERS. */
  #flush(s: Session): void {
    s.flushQueued = false;
    if (s.dead) return;
    const size = this.#headersFrame.length;
    const run = this.#headersRun;
    const runLength = this.#runLength;
    const ids = s.newIds;
    const total = s.outBytes + ids.length * size;
    if (total === 0) return;
    const buf = outputBuffer(total);
    let p = 0;
    // HEADERS first: a body's DATA frames queued with them must follow their stream's HEADERS.
    // `sending` ends here, when the request is handed to the socket (k6: written).
    const now = this.clock();
    const flights = s.newFlights;
    for (let i = 0; i < ids.length; i++) {
      if (i % runLength === 0) {
        const n = Math.min(runLength, ids.length - i);
        buf.set(n === runLength ? run : run.subarray(0, n * size), p);
      }
      const id = ids[i]!;
      // A flight finished before this write may already carry a newer stream: left alone.
      const flight = flights[i]!;
      if (flight.id === id) flight.sent = now;
      buf[p + 5] = id >>> 24;
      buf[p + 6] = (id >>> 16) & 0xff;
      buf[p + 7] = (id >>> 8) & 0xff;
      buf[p + 8] = id & 0xff;
      p += size;
    }
    for (const part of s.out) {
      buf.set(part, p);
      p += part.length;
    }
    // Emptied in place: no new arrays per write (nothing else holds them).
    s.out.length = 0;
    s.outBytes = 0;
    ids.length = 0;
    flights.length = 0;
    s.writtenTotal += total;
    s.socket.write(buf);
  }

  /** Sends as much of the flight's body as the windows allow; the rest waits in `blocked`. */
  #sendBody(s: Session, flight: Flight): void {
    let left = flight.bodyLeft;
    while (left !== null) {
      const room = Math.min(s.sendWindow, flight.sendWindow, s.peerMaxFrame);
      if (room <= 0 && left.length > 0) {
        if (!s.blocked.includes(flight)) s.blocked.push(flight);
        break;
      }
      const n = Math.min(room, left.length);
      const last = n === left.length;
      this.#queue(
        s,
        frame(FrameType.Data, last ? FrameFlag.EndStream : 0, flight.id, left.subarray(0, n)),
      );
      s.sendWindow -= n;
      flight.sendWindow -= n;
      left = last ? null : left.subarray(n);
    }
    flight.bodyLeft = left;
  }

  #unblock(s: Session): void {
    const waiting = s.blocked;
    s.blocked = [];
    for (const flight of waiting)
      if (s.flights.get(flight.id) === flight) this.#sendBody(s, flight);
  }

  // ---- reading ----

  #onFrame(
    s: Session,
    type: number,
    flags: number,
    streamId: number,
    buf: Buffer,
    from: number,
    to: number,
  ): void {
    if (s.headersStream !== 0 && type !== FrameType.Continuation) {
      this.#protocolError(s, H2Error.ProtocolError, 'frame inside a header block');
      return;
    }
    switch (type) {
      case FrameType.Data:
        return this.#onData(s, flags, streamId, buf, from, to);
      case FrameType.Headers:
        return this.#onHeaders(s, flags, streamId, buf, from, to);
      case FrameType.Continuation:
        if (s.headersStream === 0 || streamId !== s.headersStream) {
          this.#protocolError(s, H2Error.ProtocolError, 'unexpected CONTINUATION');
          return;
        }
        s.headersParts.push(Buffer.from(buf.subarray(from, to)));
        if (flags & FrameFlag.EndHeaders) {
          const block = Buffer.concat(s.headersParts);
          const id = s.headersStream;
          s.headersStream = 0;
          s.headersParts = [];
          this.#onHeaderBlock(s, id, s.headersFlags, block, 0, block.length);
        }
        return;
      case FrameType.RstStream: {
        if (to - from !== 4 || streamId === 0) {
          this.#protocolError(s, H2Error.FrameSizeError, 'bad RST_STREAM');
          return;
        }
        const flight = s.flights.get(streamId);
        if (flight === undefined) return;
        const code = buf.readUInt32BE(from);
        // As node:http2 closes a stream with its rstCode: NO_ERROR after headers is an answer.
        const error =
          code !== H2Error.NoError
            ? http2StreamReset(code)
            : flight.status > 0
              ? null
              : closedBeforeResponse();
        this.#finish(s, flight, this.#now(), error);
        return;
      }
      case FrameType.Settings:
        return this.#onSettings(s, flags, streamId, buf, from, to);
      case FrameType.Ping:
        if (to - from !== 8 || streamId !== 0) {
          this.#protocolError(s, H2Error.FrameSizeError, 'bad PING');
          return;
        }
        if ((flags & FrameFlag.Ack) === 0)
          this.#queue(s, frame(FrameType.Ping, FrameFlag.Ack, 0, buf.subarray(from, to)));
        return;
      case FrameType.Goaway:
        if (to - from < 8 || streamId !== 0) {
          this.#protocolError(s, H2Error.FrameSizeError, 'bad GOAWAY');
          return;
        }
        this.#onGoaway(s, buf.readUInt32BE(from + 4), buf.readUInt32BE(from) & MAX_WINDOW);
        return;
      case FrameType.WindowUpdate: {
        if (to - from !== 4) {
          this.#protocolError(s, H2Error.FrameSizeError, 'bad WINDOW_UPDATE');
          return;
        }
        const increment = buf.readUInt32BE(from) & MAX_WINDOW;
        if (streamId === 0) {
          s.sendWindow += increment;
          if (s.sendWindow > MAX_WINDOW) {
            this.#protocolError(s, H2Error.FlowControlError, 'connection window overflow');
            return;
          }
        } else {
          const flight = s.flights.get(streamId);
          if (flight !== undefined) flight.sendWindow += increment;
        }
        if (s.blocked.length > 0) this.#unblock(s);
        return;
      }
      case FrameType.PushPromise:
        // SETTINGS_ENABLE_PUSH is 0 (RFC 9113 §8.4).
        this.#protocolError(s, H2Error.ProtocolError, 'PUSH_PROMISE with push disabled');
        return;
      default:
        // PRIORITY and unknown frame types are ignored (RFC 9113 §4.1, §5.5).
        return;
    }
  }

  #onData(s: Session, flags: number, streamId: number, buf: Buffer, from: number, to: number) {
    if (streamId === 0) {
      this.#protocolError(s, H2Error.ProtocolError, 'DATA on stream 0');
      return;
    }
    const length = to - from;
    // Flow control counts the whole payload, padding included (RFC 9113 §6.9.1).
    s.unacked += length;
    if (s.unacked >= RECEIVE_WINDOW / 2) {
      this.#queue(s, windowUpdateFrame(0, s.unacked));
      s.unacked = 0;
    }
    if (flags & FrameFlag.Padded && (length === 0 || buf[from]! >= length)) {
      this.#protocolError(s, H2Error.ProtocolError, 'bad DATA padding');
      return;
    }
    const flight = s.flights.get(streamId);
    if (flight === undefined) return;
    if (flags & FrameFlag.EndStream) {
      this.#end(s, flight);
      return;
    }
    flight.unacked += length;
    if (flight.unacked >= RECEIVE_WINDOW / 2) {
      this.#queue(s, windowUpdateFrame(streamId, flight.unacked));
      flight.unacked = 0;
    }
  }

  #onHeaders(s: Session, flags: number, streamId: number, buf: Buffer, from: number, to: number) {
    if (streamId === 0) {
      this.#protocolError(s, H2Error.ProtocolError, 'HEADERS on stream 0');
      return;
    }
    let start = from;
    let end = to;
    if (flags & FrameFlag.Padded) {
      const pad = buf[start]!;
      start++;
      end -= pad;
    }
    if (flags & FrameFlag.Priority) start += 5;
    if (start > end) {
      this.#protocolError(s, H2Error.ProtocolError, 'bad HEADERS padding');
      return;
    }
    if (flags & FrameFlag.EndHeaders) {
      this.#onHeaderBlock(s, streamId, flags, buf, start, end);
      return;
    }
    s.headersStream = streamId;
    s.headersFlags = flags;
    s.headersParts = [Buffer.from(buf.subarray(start, end))];
  }

  /** A complete header block: decoded even for a stream no longer tracked (HPACK state). */
  #onHeaderBlock(
    s: Session,
    streamId: number,
    flags: number,
    buf: Buffer,
    from: number,
    to: number,
  ) {
    let status: number;
    try {
      status = s.decoder.decodeStatus(buf, from, to);
    } catch (error) {
      if (!(error instanceof HpackError)) throw error;
      this.#protocolError(s, H2Error.CompressionError, error.message);
      return;
    }
    const flight = s.flights.get(streamId);
    if (flight === undefined) return;
    if (flight.status === 0) {
      // 1xx are interim responses; the final one follows (RFC 9113 §8.1). Trailers have no status.
      if (status >= 200) {
        flight.status = status;
        flight.firstByteAt = this.#now();
      } else if (status === 0) {
        this.#protocolError(s, H2Error.ProtocolError, 'response without :status');
        return;
      }
    }
    if (flags & FrameFlag.EndStream) this.#end(s, flight);
  }

  #onSettings(s: Session, flags: number, streamId: number, buf: Buffer, from: number, to: number) {
    if (streamId !== 0 || (to - from) % 6 !== 0) {
      this.#protocolError(s, H2Error.FrameSizeError, 'bad SETTINGS');
      return;
    }
    if (flags & FrameFlag.Ack) return;
    for (let p = from; p < to; p += 6) {
      const id = buf.readUInt16BE(p);
      const value = buf.readUInt32BE(p + 2);
      if (id === Setting.MaxConcurrentStreams) {
        s.maxStreams = Math.min(this.options.streams, value);
      } else if (id === Setting.InitialWindowSize) {
        if (value > MAX_WINDOW) {
          this.#protocolError(s, H2Error.FlowControlError, 'INITIAL_WINDOW_SIZE too large');
          return;
        }
        const delta = value - s.peerInitialWindow;
        s.peerInitialWindow = value;
        for (const flight of s.flights.values()) flight.sendWindow += delta;
      } else if (id === Setting.MaxFrameSize) {
        if (value < DEFAULT_MAX_FRAME_SIZE || value > 0xffffff) {
          this.#protocolError(s, H2Error.ProtocolError, 'bad MAX_FRAME_SIZE');
          return;
        }
        s.peerMaxFrame = value;
      }
    }
    this.#queue(s, frame(FrameType.Settings, FrameFlag.Ack, 0));
    if (s.blocked.length > 0) this.#unblock(s);
    if (!s.ready && !s.dead && s.failure === null) {
      s.ready = true;
      this.owner.onConnectionReady(this);
    }
  }

  #onGoaway(s: Session, code: number, lastStreamId: number): void {
    if (code !== H2Error.NoError) s.failure ??= http2GoAway(code);
    if (!s.draining) {
      s.draining = true;
      // Streams the server never processed: handed back for a new connection.
      for (const flight of s.flights.values()) {
        if (flight.id <= lastStreamId) continue;
        this.#fillTrail(s, flight, this.clock());
        s.flights.delete(flight.id);
        this.refuseStream(flight.flags);
      }
    }
    if (s === this.active) {
      this.retireActive(s, s.flights.size > 0 && !s.dead && code === H2Error.NoError, s.failure);
    } else if (code !== H2Error.NoError) {
      this.draining.delete(s);
      this.killSession(s, s.failure);
    }
  }

  #onSocketClosed(s: Session): void {
    if (s.dead) return;
    s.dead = true;
    s.reader.stop();
    const now = this.clock();
    // Until none is left: as a Map's iteration would, streams a report starts are failed too.
    for (let flights = s.flights.values(); flights.length > 0; flights = s.flights.values())
      for (const flight of flights)
        this.#finish(s, flight, now, sessionFailure(s, flight.firstByteAt));
    this.sessionGone(s);
  }

  /** The server broke the protocol: GOAWAY with `code`, then the connection ends. */
  #protocolError(s: Session, code: number, detail: string): void {
    if (s.dead) return;
    s.failure ??= http2ConnectionError(code, detail);
    s.reader.stop();
    this.#queue(s, goawayFrame(0, code));
    this.#flush(s);
    closeAfterGoaway(s.socket);
    // Streams fail now with the protocol error; the socket's close then finds none left.
    this.#onSocketClosed(s);
  }

  /** The active session can open no more streams (ids exhausted): drain it, reconnect. */
  #retire(s: Session): void {
    s.draining = true;
    this.retireActive(s, s.flights.size > 0, null);
  }

  /** Fails the session's streams with `error` (silently when null) and tears it down. */
  protected killSession(s: Session, error: ClassifiedError | null): void {
    if (s.dead) return;
    s.dead = true;
    s.reader.stop();
    const now = this.clock();
    const flights = s.flights.values();
    s.flights.clear();
    if (error !== null) for (const flight of flights) this.#report(s, flight, now, error);
    s.socket.destroy();
  }

  /** A stream ended with END_STREAM. */
  #end(s: Session, flight: Flight): void {
    const now = this.#now();
    this.#finish(s, flight, now, flight.status > 0 ? null : closedBeforeResponse());
  }

  /** Reports a flight (answered when `error` is null) and forgets it. */
  #finish(s: Session, flight: Flight, end: number, error: ClassifiedError | null): void {
    if (!s.flights.delete(flight.id)) return;
    this.#report(s, flight, end, error);
    if (s.draining && s.flights.size === 0 && !s.dead && s !== this.active) {
      // Drained after a GOAWAY: closed without failing anything.
      s.dead = true;
      this.draining.delete(s);
      s.reader.stop();
      this.#queue(s, goawayFrame(0, H2Error.NoError));
      this.#flush(s);
      closeAfterGoaway(s.socket);
    }
  }

  #report(s: Session, flight: Flight, end: number, error: ClassifiedError | null): void {
    this.#fillTrail(s, flight, end);
    const status = flight.status;
    // Reusable once reported (the owner may start the next request from reportOutcome); a flight
    // with a body may still sit in `blocked`, so only body-less ones are kept.
    if (flight.bodyLeft === null && this.#body === null && !s.dead) s.spare.push(flight);
    this.reportOutcome(status, error);
  }

  /** The time of the socket read being handled, or the clock outside a read. */
  #now(): number {
    return this.#readAt >= 0 ? this.#readAt : this.clock();
  }

  #fillTrail(s: Session, flight: Flight, end: number): void {
    // Counted here rather than read from the socket's getters (bytesWritten walks its queue).
    this.fillTrail(s, flight, flight.sent, end, s.readTotal, s.writtenTotal);
  }
}

/** Size of the slabs that socket writes are cut from (see {@link outputBuffer}). */
const OUTPUT_SLAB = 64 * 1024;
let outputSlab = Buffer.allocUnsafeSlow(0);
let outputAt = 0;

/**
 * A buffer of `size` octets for one socket write, cut from a 64 KB slab of this thread. A written
 * buffer may stay queued in the socket, so a slab is never reused: when it is spent, a new one is
 * allocated (a write per socket read otherwise renews node's 8 KB Buffer pool every few dozen
 * writes, measured at ~6 % of the read callback against node:http2). Larger writes get their own.
 */
function outputBuffer(size: number): Buffer {
  if (size > OUTPUT_SLAB / 8) return Buffer.allocUnsafeSlow(size);
  if (outputAt + size > outputSlab.length) {
    outputSlab = Buffer.allocUnsafeSlow(OUTPUT_SLAB);
    outputAt = 0;
  }
  const buf = outputSlab.subarray(outputAt, outputAt + size);
  // 8-byte aligned starts, as node's pool keeps them.
  outputAt = (outputAt + size + 7) & ~7;
  return buf;
}

/** A blank flight record (every field set by `send`; one literal keeps the shape stable). */
function newFlight(): Flight {
  return {
    id: 0,
    queuedAt: 0,
    sendStart: 0,
    sent: 0,
    tag: 0,
    flags: 0,
    firstByteAt: 0,
    status: 0,
    unacked: 0,
    bodyLeft: null,
    sendWindow: 0,
  };
}

/** Which HTTP/2 client quick mode uses: the lean one unless `REDLINE_H2_IMPL=node`. */
export function http2Implementation(env: NodeJS.ProcessEnv = process.env): 'fast' | 'node' {
  return env['REDLINE_H2_IMPL'] === 'node' ? 'node' : 'fast';
}

/** The request's header block, pseudo-headers first, HPACK-encoded once for every stream. */
function requestHeaderBlock(headers: Http2ConnectionOptions['request']['headers']): Buffer {
  const fields: Array<[string, string]> = [];
  const pseudo = Object.entries(headers).sort(
    ([a], [b]) => Number(b.startsWith(':')) - Number(a.startsWith(':')),
  );
  for (const [name, value] of pseudo) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) fields.push([name, String(v)]);
  }
  return encodeHeaderBlock(fields);
}

/**
 * True when the request's headers fit one HEADERS frame (16 KB, the size every peer accepts).
 * This client does not split a header block into CONTINUATION frames; larger headers (huge
 * cookies, say) go through node:http2 instead.
 */
export function fitsOneHeadersFrame(
  headers: Http2ConnectionOptions['request']['headers'],
): boolean {
  return requestHeaderBlock(headers).length <= DEFAULT_MAX_FRAME_SIZE;
}

/**
 * Ends a socket after our GOAWAY was written; a server that keeps its side open is cut after a
 * second (the timer does not hold the process).
 */
function closeAfterGoaway(socket: Socket | TLSSocket): void {
  socket.end();
  setTimeout(() => socket.destroy(), 1000).unref();
}
