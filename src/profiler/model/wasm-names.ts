/**
 * Names for WebAssembly frames. A profiler that has no names for a module's functions shows them
 * as `wasm-function[N]` (N: the index in the module's function space, imports first). A module
 * built with names carries them in its `name` custom section (WebAssembly core spec, appendix
 * "Name Section" [ref: wasm-name-section]): subsection 0 is the module's name, subsection 1 the
 * function names, a vector of (index, name). A stripped production module profiled beside its
 * debug build (same code, names kept) gets its frames named from the debug build.
 */
import { ExitCode } from '../../errors/exit-codes.js';
import { RedlineError } from '../../errors/redline-error.js';
import type { Profile } from './profile.js';

/** What a module's name section says. */
export interface WasmNames {
  /** The module's name (subsection 0), when given. */
  module?: string;
  /** Function index → name (subsection 1). */
  functions: Map<number, string>;
}

class Reader {
  pos = 0;
  constructor(readonly bytes: Uint8Array) {}
  byte(): number {
    if (this.pos >= this.bytes.length) throw new RangeError('unexpected end of the module');
    return this.bytes[this.pos++] as number;
  }
  /** An unsigned LEB128 integer (at most 32 bits, as the spec's u32). */
  u32(): number {
    let result = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      const b = this.byte();
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
    }
    throw new RangeError('an integer longer than 5 bytes');
  }
  name(): string {
    const length = this.u32();
    const end = this.pos + length;
    if (end > this.bytes.length) throw new RangeError('a name runs past the end of the module');
    const text = new TextDecoder('utf-8', { fatal: true }).decode(
      this.bytes.subarray(this.pos, end),
    );
    this.pos = end;
    return text;
  }
}

const MAGIC = [0x00, 0x61, 0x73, 0x6d];

/**
 * Reads the `name` custom section of a WebAssembly module (binary format). A module without one
 * gives no names; a file that is not a module, or whose sections are cut, is an error naming it.
 */
export function readWasmNames(bytes: Uint8Array, fileName = 'the module'): WasmNames {
  const out: WasmNames = { functions: new Map() };
  if (MAGIC.some((b, i) => bytes[i] !== b) || bytes[4] !== 1) {
    throw new RedlineError(
      'PROFILE_WASM_INVALID',
      `${fileName} is not a WebAssembly module (binary format version 1)`,
      {
        hint: 'pass the .wasm file the profiled code loaded (or its build with names)',
        exitCode: ExitCode.DataError,
      },
    );
  }
  const r = new Reader(bytes);
  r.pos = 8;
  try {
    while (r.pos < bytes.length) {
      const id = r.byte();
      const size = r.u32();
      const end = r.pos + size;
      if (end > bytes.length) throw new RangeError(`section ${id} runs past the end of the module`);
      if (id === 0 && r.name() === 'name') readNameSection(r, end, out);
      r.pos = end;
    }
  } catch (error) {
    throw new RedlineError(
      'PROFILE_WASM_INVALID',
      `${fileName}: ${(error as Error).message} (at byte ${r.pos})`,
      { exitCode: ExitCode.DataError, cause: error },
    );
  }
  return out;
}

function readNameSection(r: Reader, end: number, out: WasmNames): void {
  while (r.pos < end) {
    const kind = r.byte();
    const size = r.u32();
    const next = r.pos + size;
    if (kind === 0) out.module = r.name();
    else if (kind === 1) {
      const count = r.u32();
      for (let i = 0; i < count; i++) {
        const index = r.u32();
        out.functions.set(index, r.name());
      }
    }
    r.pos = next;
  }
}

const UNNAMED = /^wasm-function\[(\d+)\]$/;

/**
 * Renames the profile's `wasm-function[N]` frames from the modules' name sections and returns
 * how many frames were renamed. With several modules, a frame is named from the module whose name
 * appears in its URL (`wasm://wasm/<module>-<hash>`); with one module, every unnamed wasm frame
 * is taken to be its. A frame no module names keeps its index.
 */
export function nameWasmFrames(profile: Profile, modules: readonly WasmNames[]): number {
  let renamed = 0;
  for (const frame of profile.frames) {
    const m = UNNAMED.exec(frame.name);
    if (!m) continue;
    const module =
      modules.length === 1
        ? modules[0]
        : modules.find((w) => w.module !== undefined && frame.file?.includes(`/${w.module}-`));
    const name = module?.functions.get(Number(m[1]));
    if (name === undefined) continue;
    frame.name = name;
    renamed++;
  }
  return renamed;
}
