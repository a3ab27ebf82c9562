/**
 * HPACK (RFC 7541) for the lean HTTP/2 client of quick mode (h2-fast-connection.ts): a decoder
 * with the dynamic table and Huffman strings, and an encoder for the one request header block a
 * quick run sends (literal fields without indexing, names from the static table where it has
 * them, no Huffman, no dynamic table), encoded once per run and reused for every stream.
 *
 * The decoder keeps only what a load generator reads: `:status` (and, on request, every field).
 * Strings of fields that neither enter the dynamic table nor are wanted are skipped without
 * Huffman decoding; fields that enter the table are decoded in full, since later blocks may
 * refer to them and the table's size (RFC 7541 §4.1) counts their decoded octets.
 *
 * The Huffman code (RFC 7541 Appendix B) is canonical: codes of one length are consecutive in
 * symbol order, so the table below lists only each symbol's code length and the codes are
 * rebuilt from them at load time.
 */

/** An HPACK decoding error: the connection must end with COMPRESSION_ERROR (RFC 9113 §4.3). */
export class HpackError extends Error {}

/** RFC 7541 Appendix A: the static table, index 1..61 (entry 0 unused). */
export const HPACK_STATIC_TABLE: ReadonlyArray<readonly [string, string]> = [
  ['', ''],
  [':authority', ''],
  [':method', 'GET'],
  [':method', 'POST'],
  [':path', '/'],
  [':path', '/index.html'],
  [':scheme', 'http'],
  [':scheme', 'https'],
  [':status', '200'],
  [':status', '204'],
  [':status', '206'],
  [':status', '304'],
  [':status', '400'],
  [':status', '404'],
  [':status', '500'],
  ['accept-charset', ''],
  ['accept-encoding', 'gzip, deflate'],
  ['accept-language', ''],
  ['accept-ranges', ''],
  ['accept', ''],
  ['access-control-allow-origin', ''],
  ['age', ''],
  ['allow', ''],
  ['authorization', ''],
  ['cache-control', ''],
  ['content-disposition', ''],
  ['content-encoding', ''],
  ['content-language', ''],
  ['content-length', ''],
  ['content-location', ''],
  ['content-range', ''],
  ['content-type', ''],
  ['cookie', ''],
  ['date', ''],
  ['etag', ''],
  ['expect', ''],
  ['expires', ''],
  ['from', ''],
  ['host', ''],
  ['if-match', ''],
  ['if-modified-since', ''],
  ['if-none-match', ''],
  ['if-range', ''],
  ['if-unmodified-since', ''],
  ['last-modified', ''],
  ['link', ''],
  ['location', ''],
  ['max-forwards', ''],
  ['proxy-authenticate', ''],
  ['proxy-authorization', ''],
  ['range', ''],
  ['referer', ''],
  ['refresh', ''],
  ['retry-after', ''],
  ['server', ''],
  ['set-cookie', ''],
  ['strict-transport-security', ''],
  ['transfer-encoding', ''],
  ['user-agent', ''],
  ['vary', ''],
  ['via', ''],
  ['www-authenticate', ''],
];
const STATIC_COUNT = HPACK_STATIC_TABLE.length - 1;

/**
 * Code length in bits of each Huffman symbol 0..256 (256 = EOS), RFC 7541 Appendix B, one
 * character per symbol: 'A' = 5 bits, 'B' = 6, … 'Z' = 30.
 */
const HUFFMAN_LENGTHS =
  'ISXXXXXXXTZXXZXXXXXXXXZXXXXXXXXXBFFHIBDGFFDGDBBBAAABBBBBBBCDKBHFIBCCCCCCCCCCCCCCCCCCCCCCDCDI' +
  'OIJBKABABABBBACCBBBABCBAABCCCCCKGJIXPRPPRRRSRSSSSSTSTTRSTSSSSQRSRSSTRQPRRSSQSRRTQRSSQQRQSRSS' +
  'PRRRSRRSVVPORSRUVVVWWVTUOQVWWVWTQQVVXWWWPTPQRQQSRRUUTTVSVWVVWWWWWXWWWWWVZ';

/**
 * Canonical decoding tables: for code length L (5..30), `firstCode[L]` is the first code of that
 * length, `count[L]` how many symbols have it and `offset[L]` where they start in `symbols`.
 */
const HUFFMAN = (() => {
  const lengths = Array.from(HUFFMAN_LENGTHS, (c) => c.charCodeAt(0) - 65 + 5);
  const symbols = lengths.map((_, s) => s).sort((a, b) => lengths[a]! - lengths[b]! || a - b);
  const firstCode = new Int32Array(32);
  const count = new Int32Array(32);
  const offset = new Int32Array(32);
  for (const s of symbols) count[lengths[s]!]!++;
  let code = 0;
  let at = 0;
  for (let len = 1; len < 31; len++) {
    code <<= 1;
    firstCode[len] = code;
    offset[len] = at;
    code += count[len]!;
    at += count[len]!;
  }
  return { symbols: Int32Array.from(symbols), firstCode, count, offset };
})();

/** Decodes a Huffman-coded string (RFC 7541 §5.2); padding must be ≤ 7 bits of the EOS prefix. */
export function huffmanDecode(buf: Uint8Array, start: number, end: number): string {
  const { symbols, firstCode, count, offset } = HUFFMAN;
  let out = '';
  let code = 0;
  let len = 0;
  for (let i = start; i < end; i++) {
    const byte = buf[i]!;
    for (let bit = 7; bit >= 0; bit--) {
      code = (code << 1) | ((byte >> bit) & 1);
      len++;
      const index = code - firstCode[len]!;
      if (len >= 5 && index >= 0 && index < count[len]!) {
        const symbol = symbols[offset[len]! + index]!;
        if (symbol === 256) throw new HpackError('EOS symbol inside a Huffman string');
        out += String.fromCharCode(symbol);
        code = 0;
        len = 0;
      } else if (len > 30) {
        throw new HpackError('invalid Huffman code');
      }
    }
  }
  // Padding: fewer than 8 bits, all ones (the most significant bits of EOS).
  if (len > 7 || code !== (1 << len) - 1) throw new HpackError('invalid Huffman padding');
  return out;
}

/** Encodes an HPACK integer with an N-bit prefix (RFC 7541 §5.1) after `flags` into `out`. */
function encodeInteger(out: number[], flags: number, prefixBits: number, value: number): void {
  const max = (1 << prefixBits) - 1;
  if (value < max) {
    out.push(flags | value);
    return;
  }
  out.push(flags | max);
  let rest = value - max;
  while (rest >= 128) {
    out.push((rest % 128) + 128);
    rest = Math.floor(rest / 128);
  }
  out.push(rest);
}

function encodeString(out: number[], value: string): void {
  const bytes = Buffer.from(value, 'latin1');
  encodeInteger(out, 0, 7, bytes.length);
  for (const b of bytes) out.push(b);
}

/**
 * Encodes a header list as one HPACK block of literal fields without indexing (RFC 7541
 * §6.2.2), with the static table's index for the name where it has one. No dynamic table is
 * used, so the block can be sent unchanged on every stream of every connection.
 */
export function encodeHeaderBlock(headers: ReadonlyArray<readonly [string, string]>): Buffer {
  const out: number[] = [];
  for (const [name, value] of headers) {
    let nameIndex = 0;
    for (let i = 1; i <= STATIC_COUNT; i++) {
      const entry = HPACK_STATIC_TABLE[i]!;
      if (entry[0] === name) {
        if (entry[1] === value) {
          nameIndex = -i;
          break;
        }
        if (nameIndex === 0) nameIndex = i;
      }
    }
    if (nameIndex < 0) {
      encodeInteger(out, 0x80, 7, -nameIndex); // indexed field (static table only)
    } else if (nameIndex > 0) {
      encodeInteger(out, 0x00, 4, nameIndex);
      encodeString(out, value);
    } else {
      out.push(0x00);
      encodeString(out, name);
      encodeString(out, value);
    }
  }
  return Buffer.from(out);
}

/** What {@link HpackDecoder.decode} found in a header block. */
export interface DecodedHeaders {
  /** The `:status` value as a number; 0 when absent or not a number. */
  status: number;
  /** Every field in order, when the decoder was asked to keep them; otherwise empty. */
  fields: Array<[string, string]>;
}

/**
 * An HPACK decoder: one per connection (the dynamic table is the connection's state; see the
 * file comment). `maxTableSize` is the SETTINGS_HEADER_TABLE_SIZE this side announced.
 */
export class HpackDecoder {
  readonly #maxTableSize: number;
  #tableLimit: number;
  /**
   * Dynamic table as a ring (no shifting on eviction): `#count` entries, the newest (index 62)
   * in slot `#newest`, older ones in the slots before it; sizes per RFC 7541 §4.1.
   */
  #names: string[];
  #values: string[];
  #sizes: Int32Array;
  #newest = -1;
  #count = 0;
  #size = 0;
  readonly #keepFields: boolean;
  readonly #huffmanCache = new Map<string, string>();

  constructor(maxTableSize = 4096, keepFields = false) {
    this.#maxTableSize = maxTableSize;
    this.#tableLimit = maxTableSize;
    // Every entry takes at least 32 octets, so the table never holds more than this many.
    const slots = Math.floor(maxTableSize / 32) + 1;
    this.#names = new Array<string>(slots).fill('');
    this.#values = new Array<string>(slots).fill('');
    this.#sizes = new Int32Array(slots);
    this.#keepFields = keepFields;
  }

  /** Entries in the dynamic table (for tests). */
  get tableLength(): number {
    return this.#count;
  }
  /** Size of the dynamic table in RFC 7541 octets (for tests). */
  get tableSize(): number {
    return this.#size;
  }

  /** Decodes one complete header block (HEADERS + CONTINUATION fragments joined). */
  decode(buf: Buffer, start = 0, end = buf.length): DecodedHeaders {
    const fields: Array<[string, string]> = [];
    const status = this.#run(buf, start, end, this.#keepFields ? fields : null);
    return { status, fields };
  }

  /**
   * Decodes one complete header block and returns only its `:status` (0 when absent): what the
   * load path reads, without allocating a result per response.
   */
  decodeStatus(buf: Buffer, start = 0, end = buf.length): number {
    // The block decoded last time, if these are the same octets, means the same again when it
    // refers to no dynamic-table entry (its entries are re-added: nginx sends such a block,
    // identical but for the date, on every response), or when it adds nothing and the table has
    // not changed since (node:http2 servers: a few indexed fields). Compared in place, no copy.
    const memo = this.#memo;
    const length = end - start;
    if (memo.length === length && memo.valid) {
      const last = memo.octets;
      let i = 0;
      while (i < length && last[i] === buf[start + i]) i++;
      if (i === length) {
        if (memo.selfContained) {
          const adds = memo.adds;
          for (let j = 0; j < adds.length; j += 2) this.#insert(adds[j]!, adds[j + 1]!);
          return memo.status;
        }
        if (memo.version === this.#version) return memo.status;
      }
    }
    memo.valid = false;
    const adds = memo.adds;
    adds.length = 0;
    this.#adds = adds;
    this.#selfContained = true;
    this.#resized = false;
    try {
      const status = this.#run(buf, start, end, null);
      if (!this.#resized && (this.#selfContained || adds.length === 0)) {
        if (memo.octets.length < length) memo.octets = Buffer.allocUnsafe(Math.max(64, length * 2));
        buf.copy(memo.octets, 0, start, end);
        memo.length = length;
        memo.status = status;
        memo.selfContained = this.#selfContained;
        memo.version = this.#version;
        memo.valid = true;
      }
      return status;
    } finally {
      this.#adds = null;
    }
  }

  /** The block {@link decodeStatus} decoded last, when it can be replayed (see there). */
  readonly #memo = {
    valid: false,
    octets: Buffer.alloc(0),
    length: -1,
    status: 0,
    selfContained: false,
    /** {@link #version} after the block was decoded. */
    version: 0,
    /** Entries the block adds (name, value, …). */
    adds: [] as string[],
  };
  /** While {@link decodeStatus} decodes: entries the block adds (name, value, …), or null. */
  #adds: string[] | null = null;
  #selfContained = false;
  #resized = false;
  /** Counts changes of the dynamic table (inserts, evictions, size updates). */
  #version = 0;

  #run(buf: Buffer, start: number, end: number, fields: Array<[string, string]> | null): number {
    const keep = fields !== null;
    let status = 0;
    this.#buf = buf;
    this.#p = start;
    this.#end = end;
    let sawField = false;
    while (this.#p < end) {
      const b = buf[this.#p]!;
      if (b & 0x80) {
        // Indexed field (§6.1).
        const index = this.#readInt(7);
        const name = this.#name(index);
        if (name === ':status') status = statusOf(this.#value(index));
        if (keep) fields.push([name, this.#value(index)]);
        sawField = true;
      } else if ((b & 0xe0) === 0x20) {
        // Dynamic table size update (§6.3): only at the start of a block.
        if (sawField) throw new HpackError('table size update after a field');
        const size = this.#readInt(5);
        if (size > this.#maxTableSize) throw new HpackError('table size update above the limit');
        this.#tableLimit = size;
        this.#selfContained = false;
        this.#resized = true;
        this.#version++;
        this.#evict(0);
      } else {
        // Literal field: with incremental indexing (§6.2.1, 01xxxxxx, 6-bit index), or without
        // indexing / never indexed (§6.2.2-3, 0000xxxx / 0001xxxx, 4-bit index).
        const indexing = (b & 0x40) !== 0;
        const index = this.#readInt(indexing ? 6 : 4);
        const name = index === 0 ? (this.#readString(true) as string) : this.#name(index);
        const isStatus = name === ':status';
        const value = this.#readString(indexing || keep || isStatus);
        if (indexing) {
          this.#insert(name, value as string);
          this.#adds?.push(name, value as string);
        }
        if (isStatus) status = statusOf(value as string);
        if (keep) fields.push([name, value as string]);
        sawField = true;
      }
    }
    this.#buf = EMPTY;
    return status;
  }

  #buf: Buffer = EMPTY;
  #p = 0;
  #end = 0;

  /** Reads an integer with an N-bit prefix (§5.1) at the read position. */
  #readInt(prefixBits: number): number {
    const buf = this.#buf;
    const end = this.#end;
    if (this.#p >= end) throw new HpackError('truncated integer');
    const max = (1 << prefixBits) - 1;
    let value = buf[this.#p++]! & max;
    if (value < max) return value;
    let shift = 0;
    for (;;) {
      if (this.#p >= end) throw new HpackError('truncated integer');
      const b = buf[this.#p++]!;
      value += (b & 0x7f) * 2 ** shift;
      shift += 7;
      if ((b & 0x80) === 0) break;
      if (shift > 28) throw new HpackError('integer too large');
    }
    return value;
  }

  /** Reads a string literal (§5.2); returns null, skipping it, unless `need`. */
  #readString(need: boolean): string | null {
    if (this.#p >= this.#end) throw new HpackError('truncated string');
    const huffman = (this.#buf[this.#p]! & 0x80) !== 0;
    const length = this.#readInt(7);
    const from = this.#p;
    if (from + length > this.#end) throw new HpackError('truncated string');
    this.#p = from + length;
    if (!need) return null;
    return huffman
      ? this.#huffman(this.#buf, from, this.#p)
      : this.#buf.toString('latin1', from, this.#p);
  }

  /** The ring slot of dynamic index `index` (> STATIC_COUNT), or -1 beyond the table. */
  #slot(index: number): number {
    const back = index - STATIC_COUNT - 1;
    if (back >= this.#count) return -1;
    const slots = this.#sizes.length;
    return (this.#newest - back + slots) % slots;
  }

  #name(index: number): string {
    if (index === 0) throw new HpackError('index 0');
    if (index <= STATIC_COUNT) return HPACK_STATIC_TABLE[index]![0];
    this.#selfContained = false;
    const slot = this.#slot(index);
    if (slot < 0) throw new HpackError(`index ${index} beyond the dynamic table`);
    return this.#names[slot]!;
  }

  #value(index: number): string {
    if (index <= STATIC_COUNT) return HPACK_STATIC_TABLE[index]![1];
    return this.#values[this.#slot(index)]!;
  }

  #insert(name: string, value: string): void {
    const size = octets(name) + octets(value) + 32;
    this.#version++;
    if (size > this.#tableLimit) {
      // An entry larger than the table empties it and is not added (§4.4).
      this.#count = 0;
      this.#size = 0;
      return;
    }
    this.#evict(size);
    const slot = (this.#newest + 1) % this.#sizes.length;
    this.#newest = slot;
    this.#names[slot] = name;
    this.#values[slot] = value;
    this.#sizes[slot] = size;
    this.#count++;
    this.#size += size;
  }

  /** Evicts the oldest entries until `incoming` more octets fit (§4.3, §4.4). */
  #evict(incoming: number): void {
    const slots = this.#sizes.length;
    while (this.#size + incoming > this.#tableLimit && this.#count > 0) {
      const oldest = (this.#newest - this.#count + 1 + slots) % slots;
      this.#size -= this.#sizes[oldest]!;
      this.#names[oldest] = '';
      this.#values[oldest] = '';
      this.#count--;
    }
  }

  /**
   * Huffman-decodes `buf[start, end)`, reusing the string decoded last time for the same octets:
   * servers send the same few values again and again (nginx re-sends every response field with
   * incremental indexing, the `date` changes once a second).
   */
  #huffman(buf: Buffer, start: number, end: number): string {
    const key = buf.toString('latin1', start, end);
    const cache = this.#huffmanCache;
    let value = cache.get(key);
    if (value === undefined) {
      value = huffmanDecode(buf, start, end);
      if (cache.size >= HUFFMAN_CACHE_ENTRIES) cache.clear();
      cache.set(key, value);
    }
    return value;
  }
}

/** Decoded Huffman strings kept per decoder (see `#huffman`). */
const HUFFMAN_CACHE_ENTRIES = 256;
const EMPTY = Buffer.alloc(0);

/** A `:status` value as a number; 0 unless three digits. */
function statusOf(value: string): number {
  return value.length === 3 && /^\d{3}$/.test(value) ? Number(value) : 0;
}

/** Decoded strings are latin1 (one char per octet), so the octet count is the string length. */
function octets(s: string): number {
  return s.length;
}
