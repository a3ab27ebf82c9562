/**
 * cProfile / pstats files (`python -m cProfile -o out.prof`, `Stats.dump_stats`): a marshalled dict
 * `(file, line, function) → (calls, primitive calls, own time, cumulative time, callers)`. cProfile
 * keeps no stacks, only caller → callee edges, so stacks are rebuilt the way gprof does: a
 * function's own time is split over its callers by the time each caller's calls took, and so on
 * upwards. Times are wall-clock seconds (cProfile's default timer); waits in sleep, select, lock
 * acquires and socket receives are idle.
 */
import { createProfileBuilder, type ProfileBuilder } from '../model/builder.js';
import type { FrameKind, Profile } from '../model/profile.js';
import { createInvalidProfileError, hasSuffix, type Importer } from './importer.js';
import { MarshalError, type MarshalValue, readMarshal } from './marshal.js';

/** One function's statistics (times in seconds). */
export interface PstatsEntry {
  file: string;
  line: number;
  name: string;
  calls: number;
  primitiveCalls: number;
  ownTime: number;
  cumulativeTime: number;
  /** Key of each caller → [calls, primitive calls, own time, cumulative time] of calls from it. */
  callers: Map<string, [number, number, number, number]>;
}

/** Built-ins that wait rather than compute (their wall time is idle). */
const WAITS =
  /^<(built-in method (time\.sleep|select\.select|_socket\.getaddrinfo)|method '(acquire|acquire_lock|wait|poll|select|control|accept|_accept|recv|recv_into|recvfrom|recvfrom_into)' of '[\w.]+' objects)>$/;

const keyOf = (file: string, line: number, name: string): string =>
  `${file}\u0000${line}\u0000${name}`;

function num(value: MarshalValue | undefined): number {
  return typeof value === 'number' ? value : typeof value === 'bigint' ? Number(value) : 0;
}

/** Decodes the marshalled stats dict. */
export function parsePstats(bytes: Uint8Array, fileName = 'stats.prof'): Map<string, PstatsEntry> {
  let root: MarshalValue;
  try {
    root = readMarshal(bytes);
  } catch (error) {
    if (error instanceof MarshalError)
      throw createInvalidProfileError('pstats file', fileName, error.message, error);
    throw error;
  }
  if (!root || typeof root !== 'object' || !('dict' in root))
    throw createInvalidProfileError('pstats file', fileName, 'the marshalled value is not a dict');
  const entries = new Map<string, PstatsEntry>();
  const asKey = (value: MarshalValue): [string, number, string] | undefined =>
    Array.isArray(value) &&
    value.length === 3 &&
    typeof value[0] === 'string' &&
    typeof value[2] === 'string'
      ? [value[0], num(value[1]), value[2]]
      : undefined;
  for (const [rawKey, rawValue] of root.dict) {
    const key = asKey(rawKey);
    if (!key || !Array.isArray(rawValue) || rawValue.length < 5)
      throw createInvalidProfileError(
        'pstats file',
        fileName,
        'an entry is not (file, line, name) → (cc, nc, tt, ct, callers)',
      );
    const callers = new Map<string, [number, number, number, number]>();
    const rawCallers = rawValue[4];
    if (rawCallers && typeof rawCallers === 'object' && 'dict' in rawCallers) {
      for (const [ck, cv] of rawCallers.dict) {
        const caller = asKey(ck);
        if (!caller) continue;
        // cProfile stores (cc, nc, tt, ct) per caller; the old `profile` module a call count.
        const stats = Array.isArray(cv) ? cv.map(num) : [num(cv), num(cv), 0, 0];
        callers.set(keyOf(...caller), [stats[0] ?? 0, stats[1] ?? 0, stats[2] ?? 0, stats[3] ?? 0]);
      }
    }
    entries.set(keyOf(...key), {
      file: key[0],
      line: key[1],
      name: key[2],
      calls: num(rawValue[0]),
      primitiveCalls: num(rawValue[1]),
      ownTime: num(rawValue[2]),
      cumulativeTime: num(rawValue[3]),
      callers,
    });
  }
  return entries;
}

/** Paths lighter than this share of the total are not expanded further (keeps stacks bounded). */
const MIN_PATH_SHARE = 0.0005;
/** Deepest rebuilt stack. */
const MAX_DEPTH = 32;

/** Converts pstats entries to the Profile model (wall seconds), rebuilding stacks over callers. */
export function importFromPstats(entries: Map<string, PstatsEntry>): Profile {
  const builder = createProfileBuilder({ format: 'pstats', valueKind: 'wall', unit: 'seconds' });
  const frameIds = new Map<string, number>();
  const frameOf = (key: string, entry: PstatsEntry | undefined): number => {
    let id = frameIds.get(key);
    if (id === undefined) {
      const [file, line, name] = key.split('\u0000') as [string, string, string];
      const builtin = file === '~';
      const kind: FrameKind = builtin ? (WAITS.test(name) ? 'idle' : 'native') : 'js';
      id = builder.frame({
        name: entry?.name ?? name,
        ...(builtin ? {} : { file, line: Number(line) }),
        kind,
      });
      frameIds.set(key, id);
    }
    return id;
  };
  let total = 0;
  for (const entry of entries.values()) total += entry.ownTime;
  const floor = total * MIN_PATH_SHARE;
  for (const [key, entry] of entries) {
    if (entry.ownTime <= 0) continue;
    if (entry.callers.size === 0) {
      builder.addSample([frameOf(key, entry)], entry.ownTime, undefined, entry.calls);
      continue;
    }
    // The exact split of the own time over direct callers, then proportional splits above.
    for (const [caller, stats] of entry.callers) {
      if (stats[2] <= 0) continue;
      expand(caller, stats[2], [key], entries, builder, frameOf, floor);
    }
  }
  return builder.finish({
    durationMs: total * 1000,
    runtime: 'python',
    meta: { functions: entries.size, source: 'cProfile (callers rebuilt as in gprof)' },
  });
}

/** Adds `weight` under `key` (root-most so far) and walks its callers, splitting by their time. */
function expand(
  key: string,
  weight: number,
  below: string[],
  entries: Map<string, PstatsEntry>,
  builder: ProfileBuilder,
  frameOf: (key: string, entry: PstatsEntry | undefined) => number,
  floor: number,
): void {
  const entry = entries.get(key);
  const path = [key, ...below];
  const callers = entry ? [...entry.callers].filter(([caller]) => !path.includes(caller)) : [];
  const sum = callers.reduce((s, [, stats]) => s + Math.max(stats[3], 0), 0);
  if (callers.length === 0 || sum <= 0 || weight < floor || path.length >= MAX_DEPTH) {
    builder.addSample(
      path.map((k) => frameOf(k, entries.get(k))),
      weight,
    );
    return;
  }
  for (const [caller, stats] of callers) {
    const part = (weight * Math.max(stats[3], 0)) / sum;
    if (part > 0) expand(caller, part, path, entries, builder, frameOf, floor);
  }
}

/** The pstats importer (cProfile `.prof`/`.pstats`; content: a marshalled dict of 3-tuples). */
export const pstatsImporter: Importer = {
  format: 'pstats',
  description:
    'Python cProfile/pstats (.prof, .pstats): python -m cProfile -o, pstats.Stats.dump_stats',
  detect(fileName, bytes) {
    // A marshalled dict ('{', possibly with the reference flag) whose first key is a tuple.
    if (bytes[0] !== 0x7b && bytes[0] !== 0xfb) return null;
    if (bytes[1] !== 0x29 && bytes[1] !== 0xa9 && bytes[1] !== 0x28 && bytes[1] !== 0xa8)
      return null;
    try {
      parsePstats(bytes, fileName);
    } catch {
      return null;
    }
    return hasSuffix(fileName, '.prof', '.pstats', '.cprofile') ? 1 : 0.7;
  },
  import(bytes, fileName) {
    return importFromPstats(parsePstats(bytes, fileName));
  },
};
