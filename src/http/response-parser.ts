/**
 * Incremental HTTP/1.1 response parser over raw bytes, built for the load generator's hot path:
 * no allocation per response when bodies are discarded, no string decoding except the header
 * values a caller asks to keep. Handles Content-Length, chunked bodies (with extensions and
 * trailers), 1xx interim responses, bodiless responses (HEAD, 204, 304), bodies delimited by the
 * connection closing, `Connection: close`/HTTP/1.0 keep-alive rules and pipelined responses.
 *
 * States (one response; 1xx responses loop back to HEAD):
 *
 *   HEAD --(blank line)--> BODY_LENGTH --(n bytes)--------------------> done
 *                      \-> CHUNK_SIZE -> CHUNK_DATA -> CHUNK_CRLF --> CHUNK_SIZE ... "0" -> TRAILERS -> done
 *                      \-> BODY_UNTIL_CLOSE --(socket end: finish())--> done
 *                      \-> done (HEAD / 1xx / 204 / 304 / Content-Length: 0)
 *
 * Complexity: each byte is examined at most a constant number of times; a header block split
 * across reads is carried in one growing buffer (bounded by `maxHeaderBytes`).
 */

/** Receives parser events. Implemented by connections; must stay monomorphic on the hot path. */
export interface ResponseParserOwner {
  /** The first byte of a new response (interim 1xx responses included) was seen. */
  onResponseBegin(): void;
  /** The head (status + headers) of a final response is parsed; its fields are readable. */
  onResponseHead(): void;
  /** A response completed; the parser's fields describe it until the next call. */
  onResponseComplete(): void;
}

enum State {
  Idle,
  Head,
  BodyLength,
  ChunkSize,
  ChunkData,
  ChunkCrlf,
  Trailers,
  BodyUntilClose,
  Failed,
}

const CR = 13;
const LF = 10;
const HEAD_END = Buffer.from('\r\n\r\n');
const EMPTY = Buffer.alloc(0);
/** "HTTP/1." — the fixed start of every status line. */
const STATUS_PREFIX = Buffer.from('HTTP/1.');
/** Bytes of "HTTP/1.x NNN": what {@link ResponseParser} can validate before the line ends. */
const STATUS_PREFIX_LENGTH = 12;

/** {@link ResponseParser}'s head scan ran out of bytes before the blank line. */
const INCOMPLETE = -1;
/** {@link ResponseParser}'s head scan met a malformed line. */
const MALFORMED = -2;
const STATUS_LINE_EXPECTED = 'malformed status line (expected "HTTP/1.x NNN")';
/**
 * Heads up to this long are remembered byte for byte ({@link ResponseParser}'s head memo): a
 * server answering one URL repeats its head exactly (nginx's changes once a second, with `Date`).
 */
const MEMO_MAX_BYTES = 512;

/**
 * True when buf[start, start+n) (n <= 12) can begin a status line: "HTTP/1." then 0 or 1, a
 * space, and a three-digit code whose first digit is 1-9.
 */
function statusPrefixValid(buf: Buffer, start: number, n: number): boolean {
  for (let i = 0; i < n; i++) {
    const c = buf[start + i]!;
    const ok =
      i < 7
        ? c === STATUS_PREFIX[i]
        : i === 7
          ? c === 48 || c === 49
          : i === 8
            ? c === 32
            : i === 9
              ? c >= 49 && c <= 57
              : c >= 48 && c <= 57;
    if (!ok) return false;
  }
  return true;
}

/** Header-name characters (RFC 9110 `token`): 1 when allowed. */
const TOKEN = new Uint8Array(256);
for (const c of "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
  TOKEN[c.charCodeAt(0)] = 1;

/** Default limit of a response head (status line + headers), as in many servers' request limits. */
export const DEFAULT_MAX_HEADER_BYTES = 64 * 1024;

/** Parses a stream of HTTP/1.x responses for one connection. */
export class ResponseParser {
  // ---- fields describing the current/last response (read them in owner callbacks) ----
  /** Status code of the response. */
  statusCode = 0;
  /**
   * The final response's head (status line and header lines, CRLF-terminated), copied, only when
   * `keepHeaders` is on. Fields are parsed on demand with {@link readHeadFields}: building strings
   * for every header of every response was the scripted client's largest cost.
   */
  head: Buffer | null = null;
  /** 0 for HTTP/1.0, 1 for HTTP/1.1. */
  httpMinor = 1;
  /** Bytes of the head (status line + headers + blank line), interim responses included. */
  headBytes = 0;
  /** Bytes of the body as sent on the wire (chunk framing included). */
  wireBodyBytes = 0;
  /** Bytes of body payload (framing excluded). */
  bodyBytes = 0;
  /** False when the connection must close after this response. */
  keepAlive = true;
  /** Trailer fields (lower-cased name, value, ...), only when `keepHeaders` and the body had any. */
  trailers: string[] = [];
  /** Body pieces (copies), only when `keepBody`. */
  bodyChunks: Buffer[] = [];
  /** Why parsing failed, once `failed` is true. */
  error = '';

  // ---- configuration ----
  /** Keep header names/values and the reason phrase. */
  keepHeaders = false;
  /** Keep body bytes. */
  keepBody = false;
  /** Set by the owner before the response to a HEAD request: its head declares no body. */
  expectNoBody = false;
  maxHeaderBytes = DEFAULT_MAX_HEADER_BYTES;

  readonly #owner: ResponseParserOwner;
  #state = State.Idle;
  #remaining = 0;
  #carry: Buffer = EMPTY;
  #carryLength = 0;
  #chunked = false;
  #contentLength = -1;
  #connectionClose = false;
  #connectionKeepAlive = false;
  #resets = 0;
  /** Why the last head scan returned MALFORMED. */
  #scanError = '';
  /**
   * The head memo: the last head scanned whole in one read (up to {@link MEMO_MAX_BYTES}) and what
   * the scan read from it. A head byte-identical to it frames its message identically, so it is
   * recognised with one native compare instead of a scan: a byte-by-byte scan of nginx's
   * 150-byte head was the largest single JavaScript cost of a TLS quick-mode request
   * (bench/RESULTS.md, "head memo").
   */
  #memo: Buffer | null = null;
  #memoLength = 0;
  #memoStatus = 0;
  #memoMinor = 1;
  #memoContentLength = -1;
  #memoChunked = false;
  #memoClose = false;
  #memoKeepAlive = false;

  constructor(owner: ResponseParserOwner) {
    this.#owner = owner;
  }

  /** True after a protocol error; the connection must be closed. */
  get failed(): boolean {
    return this.#state === State.Failed;
  }

  /** True while a response has started but not completed. */
  get inResponse(): boolean {
    return this.#state !== State.Idle && this.#state !== State.Failed;
  }

  /** True when the current response's body ends when the connection closes. */
  get readsUntilClose(): boolean {
    return this.#state === State.BodyUntilClose;
  }

  /** Forgets all state (after a reconnect); an `execute` in progress stops at once. */
  reset(): void {
    this.#resets++;
    this.#state = State.Idle;
    this.#carryLength = 0;
    this.error = '';
  }

  /**
   * Consumes `buf[start, end)`. Calls the owner for every event. Returns false on a protocol
   * error (see `error`); the rest of the input is then ignored.
   */
  execute(buf: Buffer, start: number, end: number): boolean {
    let pos = start;
    const resets = this.#resets;
    while (pos < end && resets === this.#resets) {
      switch (this.#state) {
        case State.Idle:
          this.#beginResponse();
          break;
        case State.Head:
          pos = this.#parseHead(buf, pos, end);
          break;
        case State.BodyLength: {
          const take = Math.min(this.#remaining, end - pos);
          this.#takeBody(buf, pos, take, take);
          pos += take;
          this.#remaining -= take;
          if (this.#remaining === 0) this.#complete();
          break;
        }
        case State.ChunkSize:
          pos = this.#parseChunkSize(buf, pos, end);
          break;
        case State.ChunkData: {
          const take = Math.min(this.#remaining, end - pos);
          this.#takeBody(buf, pos, take, take);
          pos += take;
          this.#remaining -= take;
          if (this.#remaining === 0) {
            this.#state = State.ChunkCrlf;
            this.#remaining = 2;
          }
          break;
        }
        case State.ChunkCrlf:
          pos = this.#parseChunkCrlf(buf, pos, end);
          break;
        case State.Trailers:
          pos = this.#parseTrailers(buf, pos, end);
          break;
        case State.BodyUntilClose:
          this.#takeBody(buf, pos, end - pos, end - pos);
          pos = end;
          break;
        case State.Failed:
          return false;
      }
      if ((this.#state as State) === State.Failed) return false;
    }
    return this.#state !== State.Failed;
  }

  /**
   * The connection ended. Completes a body that runs until close; returns false when a response
   * was cut short (error set), true otherwise.
   */
  finish(): boolean {
    if (this.#state === State.BodyUntilClose) {
      this.#complete();
      return true;
    }
    if (this.#state === State.Idle) return true;
    if (this.#state !== State.Failed)
      this.#fail('connection closed before the response was complete');
    return false;
  }

  #beginResponse(): void {
    this.#state = State.Head;
    this.headBytes = 0;
    this.wireBodyBytes = 0;
    this.bodyBytes = 0;
    if (this.keepHeaders) {
      this.head = null;
      if (this.trailers.length > 0) this.trailers = [];
    }
    if (this.keepBody) this.bodyChunks = [];
    this.#owner.onResponseBegin();
  }

  #fail(reason: string): void {
    this.error = reason;
    this.#state = State.Failed;
  }

  #takeBody(buf: Buffer, pos: number, wire: number, payload: number): void {
    this.wireBodyBytes += wire;
    this.bodyBytes += payload;
    if (this.keepBody && payload > 0)
      this.bodyChunks.push(Buffer.from(buf.subarray(pos, pos + payload)));
  }

  #complete(): void {
    this.#state = State.Idle;
    this.#owner.onResponseComplete();
  }

  /** Appends bytes to the carry buffer (a head or line split across reads). */
  #appendCarry(buf: Buffer, from: number, to: number): void {
    const needed = this.#carryLength + (to - from);
    if (needed > this.#carry.length) {
      const grown = Buffer.allocUnsafe(Math.max(needed, this.#carry.length * 2, 1024));
      this.#carry.copy(grown, 0, 0, this.#carryLength);
      this.#carry = grown;
    }
    buf.copy(this.#carry, this.#carryLength, from, to);
    this.#carryLength = needed;
  }

  #parseHead(buf: Buffer, pos: number, end: number): number {
    if (this.#carryLength === 0) {
      // The usual case, a whole head in this read: the memo's head again, or one pass finds its
      // end and reads it.
      const known = this.#memoLength;
      if (known > 0 && end - pos >= known && this.#repeatsMemo(buf, pos, known)) {
        this.headBytes += known;
        this.#headScanned(buf, pos, pos + known);
        return pos + known;
      }
      const next = this.#scanHead(buf, pos, Math.min(end, pos + this.maxHeaderBytes));
      if (next >= 0) {
        this.headBytes += next - pos;
        this.#remember(buf, pos, next);
        this.#headScanned(buf, pos, next);
        return next;
      }
      // Not a whole well-formed head within the limit: decide as if the head were searched first.
      const at = buf.indexOf(HEAD_END, pos);
      if (at !== -1 && at + 4 <= end) {
        const consumed = at + 4 - pos;
        this.headBytes += consumed;
        // A whole head within the limit that did not scan is malformed (#scanHead's reason).
        this.#fail(consumed > this.maxHeaderBytes ? this.#tooLarge() : this.#scanError);
        return end;
      }
      if (end - pos > this.maxHeaderBytes) {
        this.#fail(this.#tooLarge());
        return end;
      }
      this.#appendCarry(buf, pos, end);
      this.#checkStatusPrefix();
      return end;
    }
    // A head split across reads: search the carry plus the new bytes (the terminator may straddle).
    const before = this.#carryLength;
    const scanFrom = Math.max(0, before - 3);
    this.#appendCarry(buf, pos, end);
    const at = this.#carry.indexOf(HEAD_END, scanFrom);
    if (at === -1 || at + 4 > this.#carryLength) {
      if (this.#carryLength > this.maxHeaderBytes) this.#fail(this.#tooLarge());
      else if (before < STATUS_PREFIX_LENGTH) this.#checkStatusPrefix();
      return end;
    }
    const used = at + 4 - before;
    this.#carryLength = 0;
    this.headBytes += at + 4;
    if (at + 4 > this.maxHeaderBytes) {
      this.#fail(this.#tooLarge());
      return end;
    }
    // The whole head is in the carry: it scans or it is malformed.
    if (this.#scanHead(this.#carry, 0, at + 4) < 0) this.#fail(this.#scanError);
    else this.#headScanned(this.#carry, 0, at + 4);
    return pos + used;
  }

  /**
   * True when buf[pos, pos+known) repeats the memo's head (`known` = its length, at most the
   * bytes available): the framing fields are then the memo's, as a scan would set them.
   */
  #repeatsMemo(buf: Buffer, pos: number, known: number): boolean {
    if (known > this.maxHeaderBytes || buf.compare(this.#memo!, 0, known, pos, pos + known) !== 0)
      return false;
    this.statusCode = this.#memoStatus;
    this.httpMinor = this.#memoMinor;
    this.#contentLength = this.#memoContentLength;
    this.#chunked = this.#memoChunked;
    this.#connectionClose = this.#memoClose;
    this.#connectionKeepAlive = this.#memoKeepAlive;
    return true;
  }

  /** Remembers the head just scanned in buf[start, next) and its framing fields (the memo). */
  #remember(buf: Buffer, start: number, next: number): void {
    const length = next - start;
    if (length > MEMO_MAX_BYTES) {
      this.#memoLength = 0;
      return;
    }
    this.#memo ??= Buffer.allocUnsafe(MEMO_MAX_BYTES);
    buf.copy(this.#memo, 0, start, next);
    this.#memoLength = length;
    this.#memoStatus = this.statusCode;
    this.#memoMinor = this.httpMinor;
    this.#memoContentLength = this.#contentLength;
    this.#memoChunked = this.#chunked;
    this.#memoClose = this.#connectionClose;
    this.#memoKeepAlive = this.#connectionKeepAlive;
  }

  #tooLarge(): string {
    return `response head larger than ${this.maxHeaderBytes} bytes`;
  }

  /**
   * A head still incomplete (split across reads, or cut by the connection closing): fails at once
   * when its first bytes cannot start a status line, so garbage is `malformed` even when the
   * server never sends the blank line that ends a head. Only runs on heads split across reads.
   */
  #checkStatusPrefix(): void {
    if (!statusPrefixValid(this.#carry, 0, Math.min(this.#carryLength, STATUS_PREFIX_LENGTH)))
      this.#fail(STATUS_LINE_EXPECTED);
  }

  /** A head scanned whole in buf[start, next): kept when asked, then the body (or not) follows. */
  #headScanned(buf: Buffer, start: number, next: number): void {
    if (this.keepHeaders) {
      // Without the blank line, as `head` is documented.
      const head = Buffer.allocUnsafe(next - 2 - start);
      buf.copy(head, 0, start, next - 2);
      this.head = head;
    }
    this.#afterHead();
  }

  /**
   * Scans a response head in buf[start, limit) in one pass: the status line
   * (`HTTP/1.x NNN [reason]` CRLF), then header lines (`token ":" value` CRLF) up to the blank
   * line, reading the headers that frame the message (Content-Length, Transfer-Encoding,
   * Connection) on the way. Returns the index just past the blank line; {@link INCOMPLETE} when
   * `limit` comes first; {@link MALFORMED} at the first malformed line (why in `#scanError`), and
   * that line was whole, so more bytes cannot mend it. The status code and framing fields it
   * sets are meaningful only when it returns an index. One pass in JavaScript: short lines make a
   * native indexOf per line (or one for the blank line first) slower than scanning (measured:
   * bench/micro/parser.bench.mjs, bench/micro/connection-hot-path.bench.mjs).
   */
  #scanHead(buf: Buffer, start: number, limit: number): number {
    const available = limit - start;
    if (!statusPrefixValid(buf, start, Math.min(available, STATUS_PREFIX_LENGTH)))
      return this.#malformed(STATUS_LINE_EXPECTED);
    if (available <= STATUS_PREFIX_LENGTH) return INCOMPLETE;
    const after = buf[start + STATUS_PREFIX_LENGTH];
    if (after !== 32 && after !== CR) return this.#malformed(STATUS_LINE_EXPECTED);
    let pos = start + STATUS_PREFIX_LENGTH;
    while (pos < limit && buf[pos] !== CR) pos++;
    if (pos + 1 >= limit) return INCOMPLETE;
    if (buf[pos + 1] !== LF) return this.#malformed('malformed status line');
    this.httpMinor = buf[start + 7]! - 48;
    this.statusCode =
      (buf[start + 9]! - 48) * 100 + (buf[start + 10]! - 48) * 10 + buf[start + 11]! - 48;
    this.#contentLength = -1;
    this.#chunked = false;
    this.#connectionClose = false;
    this.#connectionKeepAlive = false;
    pos += 2;
    for (;;) {
      if (pos >= limit) return INCOMPLETE;
      if (buf[pos] === CR) {
        if (pos + 1 >= limit) return INCOMPLETE;
        if (buf[pos + 1] === LF) return pos + 2; // the blank line
      }
      let i = pos;
      while (i < limit && TOKEN[buf[i]!] === 1) i++;
      if (i >= limit) return INCOMPLETE;
      if (i === pos) return this.#malformed('malformed header line (no "name:" before the value)');
      if (buf[i] !== 58)
        return this.#malformed('malformed header line (invalid character in header name)');
      const colon = i;
      let lineEnd = colon + 1;
      while (lineEnd < limit && buf[lineEnd] !== CR) lineEnd++;
      if (lineEnd + 1 >= limit) return INCOMPLETE;
      if (buf[lineEnd + 1] !== LF) return this.#malformed('malformed header line (missing CRLF)');
      let vStart = colon + 1;
      let vEnd = lineEnd;
      while (vStart < vEnd && (buf[vStart] === 32 || buf[vStart] === 9)) vStart++;
      while (vEnd > vStart && (buf[vEnd - 1] === 32 || buf[vEnd - 1] === 9)) vEnd--;
      const problem = this.#interpretHeader(buf, pos, colon - pos, vStart, vEnd);
      if (problem !== '') return this.#malformed(`malformed header: ${problem}`);
      pos = lineEnd + 2;
    }
  }

  #malformed(reason: string): number {
    this.#scanError = reason;
    return MALFORMED;
  }

  /** Reacts to the headers that frame the message; returns what is wrong with one, or ''. */
  #interpretHeader(
    buf: Buffer,
    nameStart: number,
    nameLength: number,
    vStart: number,
    vEnd: number,
  ): string {
    if (nameLength === 14 && equalsLower(buf, nameStart, 'content-length')) {
      let n = 0;
      if (vStart === vEnd) return 'empty Content-Length';
      for (let i = vStart; i < vEnd; i++) {
        const d = buf[i]! - 48;
        if (d < 0 || d > 9) return 'invalid Content-Length';
        n = n * 10 + d;
      }
      if (n > Number.MAX_SAFE_INTEGER) return 'invalid Content-Length';
      if (this.#contentLength !== -1 && this.#contentLength !== n)
        return 'conflicting Content-Length headers';
      this.#contentLength = n;
    } else if (nameLength === 17 && equalsLower(buf, nameStart, 'transfer-encoding')) {
      // The final coding decides; "chunked" must be last when present.
      this.#chunked = endsWithLower(buf, vStart, vEnd, 'chunked');
    } else if (nameLength === 10 && equalsLower(buf, nameStart, 'connection')) {
      if (containsLower(buf, vStart, vEnd, 'close')) this.#connectionClose = true;
      else if (containsLower(buf, vStart, vEnd, 'keep-alive')) this.#connectionKeepAlive = true;
    }
    return '';
  }

  #afterHead(): void {
    const status = this.statusCode;
    if (status >= 100 && status < 200 && status !== 101) {
      // Interim response: the final one follows on the same request.
      this.#state = State.Head;
      return;
    }
    this.keepAlive = this.httpMinor === 1 ? !this.#connectionClose : this.#connectionKeepAlive;
    this.#owner.onResponseHead();
    if (this.expectNoBody || status === 204 || status === 304 || status === 101) {
      if (status === 101) this.keepAlive = false;
      return this.#complete();
    }
    if (this.#chunked) {
      this.#state = State.ChunkSize;
      return;
    }
    if (this.#contentLength >= 0) {
      if (this.#contentLength === 0) return this.#complete();
      this.#remaining = this.#contentLength;
      this.#state = State.BodyLength;
      return;
    }
    this.keepAlive = false;
    this.#state = State.BodyUntilClose;
  }

  /** Reads a whole line (ending in CRLF) that may be split across reads; returns its end or -1. */
  #line(
    buf: Buffer,
    pos: number,
    end: number,
  ): { data: Buffer; start: number; end: number; next: number } | null {
    const lf = buf.indexOf(LF, pos);
    if (lf === -1 || lf >= end) {
      if (this.#carryLength + (end - pos) > this.maxHeaderBytes)
        this.#fail('chunk framing line too long');
      else this.#appendCarry(buf, pos, end);
      return null;
    }
    if (this.#carryLength === 0) return { data: buf, start: pos, end: lf + 1, next: lf + 1 };
    this.#appendCarry(buf, pos, lf + 1);
    const length = this.#carryLength;
    this.#carryLength = 0;
    return { data: this.#carry, start: 0, end: length, next: lf + 1 };
  }

  #parseChunkSize(buf: Buffer, pos: number, end: number): number {
    const line = this.#line(buf, pos, end);
    if (!line) return end;
    const { data, start } = line;
    const lineEnd = line.end - 2;
    if (lineEnd < start || data[lineEnd] !== CR) {
      this.#fail('malformed chunk size line (missing CRLF)');
      return end;
    }
    let size = 0;
    let i = start;
    for (; i < lineEnd; i++) {
      const c = data[i]!;
      const d =
        c >= 48 && c <= 57
          ? c - 48
          : c >= 97 && c <= 102
            ? c - 87
            : c >= 65 && c <= 70
              ? c - 55
              : -1;
      if (d === -1) break;
      size = size * 16 + d;
    }
    if (
      i === start ||
      (i < lineEnd && data[i] !== 59 && data[i] !== 32 && data[i] !== 9) ||
      size > Number.MAX_SAFE_INTEGER
    ) {
      this.#fail('malformed chunk size');
      return end;
    }
    this.wireBodyBytes += line.end - start;
    if (size === 0) {
      this.#state = State.Trailers;
      return line.next;
    }
    this.#remaining = size;
    this.#state = State.ChunkData;
    return line.next;
  }

  #parseChunkCrlf(buf: Buffer, pos: number, end: number): number {
    let p = pos;
    while (p < end && this.#remaining > 0) {
      const expected = this.#remaining === 2 ? CR : LF;
      if (buf[p] !== expected) {
        this.#fail('malformed chunk (data longer than its declared size)');
        return end;
      }
      this.#remaining--;
      this.wireBodyBytes++;
      p++;
    }
    if (this.#remaining === 0) this.#state = State.ChunkSize;
    return p;
  }

  #parseTrailers(buf: Buffer, pos: number, end: number): number {
    const line = this.#line(buf, pos, end);
    if (!line) return end;
    this.wireBodyBytes += line.end - line.start;
    const length = line.end - line.start;
    if (length === 2 && line.data[line.start] === CR) {
      this.#complete();
      return line.next;
    }
    if (length < 2 || line.data[line.end - 2] !== CR) {
      this.#fail('malformed trailer line');
      return end;
    }
    // Trailer fields are kept like headers when asked; framing headers in trailers are ignored.
    if (this.keepHeaders) {
      const text = line.data.toString('latin1', line.start, line.end - 2);
      const colon = text.indexOf(':');
      if (colon <= 0) {
        this.#fail('malformed trailer line');
        return end;
      }
      this.trailers.push(text.slice(0, colon).trim().toLowerCase(), text.slice(colon + 1).trim());
    }
    return line.next;
  }
}

/** True when buf[start, start+text.length) equals `text` (lower-case ASCII) ignoring case. */
function equalsLower(buf: Buffer, start: number, text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    if ((buf[start + i]! | 0x20) !== text.charCodeAt(i)) return false;
  }
  return true;
}

function endsWithLower(buf: Buffer, start: number, end: number, text: string): boolean {
  const from = end - text.length;
  if (from < start) return false;
  if (!equalsLower(buf, from, text)) return false;
  return from === start || buf[from - 1] === 32 || buf[from - 1] === 44 || buf[from - 1] === 9;
}

function containsLower(buf: Buffer, start: number, end: number, text: string): boolean {
  for (let i = start; i + text.length <= end; i++) if (equalsLower(buf, i, text)) return true;
  return false;
}

/** The fields of a kept response head: reason phrase and header lines (names lower-cased). */
export interface HeadFields {
  statusText: string;
  /** Flat [name, value, name, value, ...], in order. */
  headers: string[];
}

/** Parses a head kept by the parser (`parser.head`): it was validated while parsing. */
export function readHeadFields(head: Buffer): HeadFields {
  const text = head.toString('latin1');
  const lines = text.split('\r\n');
  const status = lines[0] ?? '';
  const headers: string[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    headers.push(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
  }
  return { statusText: status.length > 13 ? status.slice(13) : '', headers };
}

/** True when a kept head has a header named `lowerName` (ASCII, lower-case), without decoding it. */
export function headHasField(head: Buffer, lowerName: string): boolean {
  let lineStart = head.indexOf(LF) + 1;
  while (lineStart > 0 && lineStart < head.length) {
    if (head[lineStart + lowerName.length] === 58 && equalsLower(head, lineStart, lowerName))
      return true;
    lineStart = head.indexOf(LF, lineStart) + 1;
  }
  return false;
}
