/** Types of snappyjs (pure-JS Snappy, raw block format), which ships none. */
declare module 'snappyjs' {
  /** Compresses into the Snappy block format; returns the same kind of container it got. */
  export function compress<T extends Uint8Array | ArrayBuffer>(input: T): T;
  /** Decompresses a Snappy block; `maxLength` bounds the output size. */
  export function uncompress<T extends Uint8Array | ArrayBuffer>(input: T, maxLength?: number): T;
}
