/**
 * HTTP/2 framing (RFC 9113 §4, §6) for the lean client of quick mode (h2-fast-connection.ts):
 * frame type, flag and setting constants, builders of the few frames a client sends, and a
 * reader that cuts a socket's byte stream into frames without copying whole frames that arrived
 * in one chunk.
 */

/** The client connection preface (RFC 9113 §3.4). */
export const H2_PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');

/** Frame types (RFC 9113 §6). */
export const FrameType = {
  Data: 0x0,
  Headers: 0x1,
  Priority: 0x2,
  RstStream: 0x3,
  Settings: 0x4,
  PushPromise: 0x5,
  Ping: 0x6,
  Goaway: 0x7,
  WindowUpdate: 0x8,
  Continuation: 0x9,
} as const;

/** Frame flags (RFC 9113 §6). */
export const FrameFlag = {
  EndStream: 0x1,
  Ack: 0x1,
  EndHeaders: 0x4,
  Padded: 0x8,
  Priority: 0x20,
} as const;

/** SETTINGS identifiers (RFC 9113 §6.5.2). */
export const Setting = {
  HeaderTableSize: 0x1,
  EnablePush: 0x2,
  MaxConcurrentStreams: 0x3,
  InitialWindowSize: 0x4,
  MaxFrameSize: 0x5,
  MaxHeaderListSize: 0x6,
} as const;

/** HTTP/2 error codes used by the client (RFC 9113 §7). */
export const H2Error = {
  NoError: 0x0,
  ProtocolError: 0x1,
  FlowControlError: 0x3,
  FrameSizeError: 0x6,
  RefusedStream: 0x7,
  Cancel: 0x8,
  CompressionError: 0x9,
} as const;

/** Length of a frame header. */
export const FRAME_HEADER_BYTES = 9;
/** The default and minimum SETTINGS_MAX_FRAME_SIZE. */
export const DEFAULT_MAX_FRAME_SIZE = 16_384;
/** The initial flow-control window of a connection and of each stream. */
export const DEFAULT_WINDOW = 65_535;
/** The largest flow-control window (2^31 - 1). */
export const MAX_WINDOW = 0x7fff_ffff;

/** Writes a frame header at `offset` of `buf`. */
export function writeFrameHeader(
  buf: Buffer,
  offset: number,
  length: number,
  type: number,
  flags: number,
  streamId: number,
): void {
  buf[offset] = (length >>> 16) & 0xff;
  buf[offset + 1] = (length >>> 8) & 0xff;
  buf[offset + 2] = length & 0xff;
  buf[offset + 3] = type;
  buf[offset + 4] = flags;
  buf.writeUInt32BE(streamId & MAX_WINDOW, offset + 5);
}

/** A whole frame with `payload` (may be empty). */
export function frame(type: number, flags: number, streamId: number, payload?: Uint8Array): Buffer {
  const length = payload?.length ?? 0;
  const buf = Buffer.allocUnsafe(FRAME_HEADER_BYTES + length);
  writeFrameHeader(buf, 0, length, type, flags, streamId);
  if (payload !== undefined) buf.set(payload, FRAME_HEADER_BYTES);
  return buf;
}

/** A SETTINGS frame with `entries` (identifier, value). */
export function settingsFrame(entries: ReadonlyArray<readonly [number, number]>): Buffer {
  const payload = Buffer.allocUnsafe(entries.length * 6);
  entries.forEach(([id, value], i) => {
    payload.writeUInt16BE(id, i * 6);
    payload.writeUInt32BE(value, i * 6 + 2);
  });
  return frame(FrameType.Settings, 0, 0, payload);
}

/** A WINDOW_UPDATE frame granting `increment` octets on `streamId` (0 = the connection). */
export function windowUpdateFrame(streamId: number, increment: number): Buffer {
  const payload = Buffer.allocUnsafe(4);
  payload.writeUInt32BE(increment & MAX_WINDOW, 0);
  return frame(FrameType.WindowUpdate, 0, streamId, payload);
}

/** An RST_STREAM frame with `code`. */
export function rstStreamFrame(streamId: number, code: number): Buffer {
  const payload = Buffer.allocUnsafe(4);
  payload.writeUInt32BE(code, 0);
  return frame(FrameType.RstStream, 0, streamId, payload);
}

/** A GOAWAY frame naming `lastStreamId` (the last server-initiated stream processed) and `code`. */
export function goawayFrame(lastStreamId: number, code: number): Buffer {
  const payload = Buffer.allocUnsafe(8);
  payload.writeUInt32BE(lastStreamId & MAX_WINDOW, 0);
  payload.writeUInt32BE(code, 4);
  return frame(FrameType.Goaway, 0, 0, payload);
}

/** Receives one frame: its payload is `buf[start, end)` (valid during the call only). */
export type FrameHandler = (
  type: number,
  flags: number,
  streamId: number,
  buf: Buffer,
  start: number,
  end: number,
) => void;

/**
 * Cuts a byte stream into frames. Frames wholly inside one chunk are handed over in place; a
 * frame split across chunks is gathered first (copied: the caller may reuse its chunk's memory,
 * as with a socket's `onread` buffer). A frame longer than `maxFrameSize` stops the
 * reader and reports it through `onOversize` (a FRAME_SIZE_ERROR for the connection).
 */
export class FrameReader {
  #pending: Buffer | null = null;
  #stopped = false;
  readonly #onFrame: FrameHandler;
  readonly #onOversize: (length: number) => void;
  maxFrameSize: number;

  constructor(onFrame: FrameHandler, onOversize: (length: number) => void, maxFrameSize: number) {
    this.#onFrame = onFrame;
    this.#onOversize = onOversize;
    this.maxFrameSize = maxFrameSize;
  }

  /** Stops reading (the connection is ending): later chunks are ignored. */
  stop(): void {
    this.#stopped = true;
    this.#pending = null;
  }

  /** Feeds the next chunk of the stream: `chunk[0, length)` (the whole chunk by default). */
  push(chunk: Buffer, length = chunk.length): void {
    if (this.#stopped) return;
    let buf = chunk;
    let n = length;
    let owned = false;
    if (this.#pending !== null) {
      buf = Buffer.concat([this.#pending, chunk.subarray(0, length)]);
      n = buf.length;
      this.#pending = null;
      owned = true;
    }
    let p = 0;
    while (n - p >= FRAME_HEADER_BYTES) {
      const length = (buf[p]! << 16) | (buf[p + 1]! << 8) | buf[p + 2]!;
      if (length > this.maxFrameSize) {
        this.stop();
        this.#onOversize(length);
        return;
      }
      const end = p + FRAME_HEADER_BYTES + length;
      if (end > n) break;
      const streamId = buf.readUInt32BE(p + 5) & MAX_WINDOW;
      this.#onFrame(buf[p + 3]!, buf[p + 4]!, streamId, buf, p + FRAME_HEADER_BYTES, end);
      if (this.#stopped) return;
      p = end;
    }
    if (p < n) this.#pending = owned ? buf.subarray(p, n) : Buffer.from(buf.subarray(p, n));
  }
}
