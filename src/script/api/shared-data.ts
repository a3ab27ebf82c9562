/**
 * Shared read-only data (k6's `SharedArray`) and `open()`: data is built once per thread in the
 * init context, frozen, and read by every VU of the thread without copies.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { ExitCode } from '../../errors/exit-codes.js';
import { RedlineError } from '../../errors/redline-error.js';
import { threadRuntime } from '../runtime/thread-runtime.js';
import { currentVu } from '../runtime/vu-state.js';

/** Arrays by name, in the thread runtime's store: a new run (new runtime) never sees a previous run's data. */
function arraysOfThisRun(): Map<string, readonly unknown[]> {
  return threadRuntime().dataStore.arrays;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** k6's SharedArray: `new SharedArray(name, () => array)`; built once per thread, read-only. */
export class SharedArray<T = unknown> {
  readonly #data: readonly T[];
  readonly length: number;
  [index: number]: T;

  constructor(name: string, build: () => T[]) {
    const arrays = arraysOfThisRun();
    let data = arrays.get(name) as readonly T[] | undefined;
    if (!data) {
      const built = build();
      if (!Array.isArray(built)) {
        throw new RedlineError(
          'E_SCRIPT_SHARED_ARRAY',
          `SharedArray "${name}": the function must return an array`,
          { exitCode: ExitCode.ScriptException },
        );
      }
      data = deepFreeze(built);
      arrays.set(name, data);
    }
    this.#data = data;
    this.length = data.length;
    // biome-ignore lint/correctness/noConstructorReturn: index access needs a proxy over the shared array.
    return new Proxy(this, {
      get(target, prop) {
        if (typeof prop === 'string' && /^\d+$/.test(prop)) return target.#data[Number(prop)];
        const value = Reflect.get(target, prop, target);
        // Methods read #data: they must run with the instance as `this`, not the proxy.
        return typeof value === 'function' && prop !== 'constructor' ? value.bind(target) : value;
      },
    });
  }

  [Symbol.iterator](): Iterator<T> {
    return this.#data[Symbol.iterator]();
  }
  map<U>(fn: (value: T, index: number) => U): U[] {
    return this.#data.map(fn);
  }
  filter(fn: (value: T, index: number) => boolean): T[] {
    return this.#data.filter(fn);
  }
  forEach(fn: (value: T, index: number) => void): void {
    this.#data.forEach(fn);
  }
  find(fn: (value: T, index: number) => boolean): T | undefined {
    return this.#data.find(fn);
  }
  slice(start?: number, end?: number): T[] {
    return this.#data.slice(start, end);
  }
}

/** Reads a file relative to the script (k6 `open(path, 'b'?)`): text, or an ArrayBuffer with 'b'. */
export function open(path: string, mode?: string): string | ArrayBuffer {
  if (currentVu() !== undefined) {
    // k6 only allows open() in the init context: files are read once, not per iteration.
    throw new RedlineError(
      'E_SCRIPT_OPEN_CONTEXT',
      `open("${path}") can only be called in the init context (top level of the script)`,
      {
        hint: 'read the file at the top level of the script (or in a SharedArray) and use the value in the default function',
        exitCode: ExitCode.ScriptException,
      },
    );
  }
  const rt = threadRuntime();
  const full = rt.resolvePath
    ? rt.resolvePath(path, new Error().stack)
    : isAbsolute(path)
      ? path
      : resolve(rt.scriptDir, path);
  // Read once per thread: with per-VU init every VU calls open() (k6 keeps files in memory too).
  const files = rt.dataStore.files;
  let bytes = files.get(full);
  if (bytes === undefined) {
    bytes = readFile(full);
    files.set(full, bytes);
  }
  if (mode === 'b') return new Uint8Array(bytes).buffer as ArrayBuffer;
  let text = texts.get(bytes);
  if (text === undefined) {
    text = bytes.toString('utf8');
    texts.set(bytes, text);
  }
  return text;
}

/** Decoded text of those contents (one string shared by every VU). */
const texts = new WeakMap<Buffer, string>();

function readFile(full: string): Buffer {
  try {
    return readFileSync(full);
  } catch (error) {
    throw new RedlineError('E_SCRIPT_OPEN', `open(): cannot read ${full}`, {
      hint: 'paths are relative to the script file that calls open()',
      exitCode: ExitCode.ScriptException,
      cause: error,
    });
  }
}
