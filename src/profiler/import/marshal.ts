/**
 * A reader for Python's marshal format, as much as pstats files need: None, booleans, ints
 * (32-bit and arbitrary), floats, strings, bytes, tuples, lists, dicts, and references (marshal
 * version 3+ shares repeated objects). Written here so `redline analyze x.prof` needs no Python.
 */

/** A decoded marshal value (dicts with tuple keys become arrays of entries). */
export type MarshalValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | MarshalValue[]
  | MarshalDict;

/** A marshal dict: entries in file order (keys may be tuples, so no JS object). */
export interface MarshalDict {
  dict: Array<[MarshalValue, MarshalValue]>;
}

/** Thrown for bytes that are not valid marshal data. */
export class MarshalError extends Error {}

const FLAG_REF = 0x80;

/** Decodes one marshal value from the start of `bytes`. */
export function readMarshal(bytes: Uint8Array): MarshalValue {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const refs: MarshalValue[] = [];
  let pos = 0;
  const need = (n: number): void => {
    if (pos + n > bytes.byteLength) throw new MarshalError(`truncated at byte ${pos}`);
  };
  const u8 = (): number => {
    need(1);
    return bytes[pos++] as number;
  };
  const i32 = (): number => {
    need(4);
    const v = view.getInt32(pos, true);
    pos += 4;
    return v;
  };
  const text = (n: number, latin1: boolean): string => {
    need(n);
    const s = Buffer.from(bytes.buffer, bytes.byteOffset + pos, n).toString(
      latin1 ? 'latin1' : 'utf8',
    );
    pos += n;
    return s;
  };
  const read = (): MarshalValue => {
    const code = u8();
    const flag = (code & FLAG_REF) !== 0;
    const type = String.fromCharCode(code & ~FLAG_REF);
    // Containers reserve their reference slot before their items are read.
    const slot = flag ? refs.push(null) - 1 : -1;
    const keep = <T extends MarshalValue>(value: T): T => {
      if (slot >= 0) refs[slot] = value;
      return value;
    };
    switch (type) {
      case '0':
        throw new MarshalError(`unexpected NULL at byte ${pos - 1}`);
      case 'N':
        return keep(null);
      case 'F':
        return keep(false);
      case 'T':
        return keep(true);
      case 'i':
        return keep(i32());
      case 'l': {
        const n = i32();
        let value = 0n;
        for (let i = 0; i < Math.abs(n); i++) {
          need(2);
          value |= BigInt(view.getUint16(pos, true)) << BigInt(15 * i);
          pos += 2;
        }
        const signed = n < 0 ? -value : value;
        return keep(
          signed >= BigInt(Number.MIN_SAFE_INTEGER) && signed <= BigInt(Number.MAX_SAFE_INTEGER)
            ? Number(signed)
            : signed,
        );
      }
      case 'g': {
        need(8);
        const v = view.getFloat64(pos, true);
        pos += 8;
        return keep(v);
      }
      case 'f':
        return keep(Number(text(u8(), true)));
      case 'u':
      case 't':
        return keep(text(i32(), false));
      case 'a':
      case 'A':
        return keep(text(i32(), true));
      case 'z':
      case 'Z':
        return keep(text(u8(), true));
      case 's': {
        const n = i32();
        need(n);
        const b = bytes.slice(pos, pos + n);
        pos += n;
        return keep(b);
      }
      case '(':
      case '[':
      case ')': {
        const n = type === ')' ? u8() : i32();
        const items: MarshalValue[] = keep([]);
        for (let i = 0; i < n; i++) items.push(read());
        return items;
      }
      case '{': {
        const dict: MarshalDict = keep({ dict: [] });
        for (;;) {
          need(1);
          if (bytes[pos] === 0x30) {
            pos += 1;
            return dict;
          }
          const key = read();
          dict.dict.push([key, read()]);
        }
      }
      case 'r': {
        const index = i32();
        if (index < 0 || index >= refs.length) throw new MarshalError(`bad reference ${index}`);
        return refs[index] as MarshalValue;
      }
      default:
        throw new MarshalError(
          `unsupported marshal type ${JSON.stringify(type)} at byte ${pos - 1}`,
        );
    }
  };
  return read();
}
