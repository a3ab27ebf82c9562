/** Importer for pprof protobuf profiles (`.pb.gz`: Go's pprof, @datadog/pprof, perftools). */
import { Profile as PprofProfile } from 'pprof-format';
import { createProfileBuilder, kindFromName } from '../model/builder.js';
import type { FrameKind, Profile, ValueKind, ValueUnit } from '../model/profile.js';
import { createInvalidProfileError, hasSuffix, type Importer } from './importer.js';

const UNIT_MAP: Record<string, ValueUnit> = {
  nanoseconds: 'nanoseconds',
  microseconds: 'microseconds',
  milliseconds: 'milliseconds',
  seconds: 'seconds',
  bytes: 'bytes',
  count: 'samples',
};

/** The model unit of a pprof unit name (`count` and unknown units become samples). */
function unitOf(name: string | undefined): ValueUnit {
  return name !== undefined && Object.hasOwn(UNIT_MAP, name)
    ? (UNIT_MAP[name] as ValueUnit)
    : 'samples';
}

const TIME_UNITS = new Set<ValueUnit>(['nanoseconds', 'microseconds', 'milliseconds', 'seconds']);

/** Decodes pprof bytes (already gunzipped), or returns null when they are not a pprof profile. */
export function decodePprof(bytes: Uint8Array): PprofProfile | null {
  try {
    const decoded = PprofProfile.decode(bytes);
    const strings = decoded.stringTable.strings;
    if (decoded.sampleType.length === 0 || strings.length === 0 || strings[0] !== '') return null;
    return decoded;
  } catch {
    return null;
  }
}

/** Picks the value column: the declared default, else a time column, else bytes, else the last. */
function pickSampleType(profile: PprofProfile, strings: string[]): number {
  const names = profile.sampleType.map((t) => strings[Number(t.type)] ?? '');
  const units = profile.sampleType.map((t) => unitOf(strings[Number(t.unit)]));
  const declared = strings[Number(profile.defaultSampleType)] ?? '';
  const byDefault = declared === '' ? -1 : names.indexOf(declared);
  if (byDefault >= 0) return byDefault;
  // Go's heap profile declares no default; pprof shows its live heap (inuse_space).
  const inuse = names.indexOf('inuse_space');
  if (inuse >= 0) return inuse;
  const time = units.findIndex((unit) => TIME_UNITS.has(unit));
  if (time >= 0) return time;
  const bytes = units.indexOf('bytes');
  return bytes >= 0 ? bytes : units.length - 1;
}

function valueKindOf(typeName: string, unit: ValueUnit): ValueKind {
  if (unit === 'bytes') return /inuse/.test(typeName) ? 'live-heap' : 'alloc';
  // Go mutex and block profiles: time goroutines waited (delay), or the number of waits.
  if (/^(delay|contentions)$/.test(typeName)) return 'contention';
  if (typeName === 'goroutine') return 'goroutines';
  return /wall/.test(typeName) ? 'wall' : 'cpu';
}

/** Pseudo-frames of @datadog/pprof and V8 bucket names, mapped to frame kinds. */
const PSEUDO_FRAMES = new Map<string, FrameKind>([
  ['Garbage Collection', 'gc'],
  ['Non JS threads activity', 'native'],
  ['(external)', 'native'],
  ['Node.js', 'native'],
]);

/** Kind of a pprof function: a known pseudo-frame, a V8 bucket, source code, or native code. */
function pprofFrameKind(name: string, isSource: boolean): FrameKind {
  return PSEUDO_FRAMES.get(name) ?? kindFromName(name, isSource ? 'js' : 'native');
}

/** Converts a decoded pprof profile into the Profile model. */
export function importFromPprof(profile: PprofProfile): Profile {
  const strings = profile.stringTable.strings;
  const column = pickSampleType(profile, strings);
  const type = profile.sampleType[column];
  const typeName = strings[Number(type?.type)] ?? 'samples';
  const unit = unitOf(strings[Number(type?.unit)]);
  const builder = createProfileBuilder({
    format: 'pprof',
    valueKind: valueKindOf(typeName, unit),
    unit,
  });
  const functions = new Map(profile.function.map((fn) => [Number(fn.id), fn]));
  // When some functions have files (JavaScript, Go), the ones without are native code.
  const hasFiles = profile.function.some((fn) => (strings[Number(fn.filename)] ?? '') !== '');
  const locationFrames = new Map<number, number[]>();
  const locationLines = new Map<number, number[]>();
  for (const location of profile.location) {
    locationLines.set(Number(location.id), location.line.map((l) => Number(l.line)).reverse());
    // Lines are innermost first; the last one is the outer caller (inlining).
    const frames = location.line.map((line) => {
      const fn = functions.get(Number(line.functionId));
      // @datadog/pprof names anonymous functions `(anonymous:L#12:C#3)`.
      const raw = (fn && strings[Number(fn.name)]) || `0x${location.address.toString(16)}`;
      const name = /^\(anonymous:L#\d+:C#\d+\)$/.test(raw) ? '(anonymous)' : raw;
      const file = fn ? strings[Number(fn.filename)] || undefined : undefined;
      return builder.frame({
        name,
        file,
        line: fn ? Number(fn.startLine) || undefined : undefined,
        kind: pprofFrameKind(name, file !== undefined || !hasFiles),
      });
    });
    if (frames.length === 0) {
      frames.push(builder.frame({ name: `0x${location.address.toString(16)}`, kind: 'native' }));
    }
    locationFrames.set(Number(location.id), frames.reverse());
  }
  for (const sample of profile.sample) {
    const weight = Number(sample.value[column] ?? 0);
    if (weight <= 0) continue;
    const stack: number[] = [];
    const lines: number[] = [];
    for (let i = sample.locationId.length - 1; i >= 0; i--) {
      const id = Number(sample.locationId[i]);
      const frames = locationFrames.get(id) ?? [];
      stack.push(...frames);
      const known = locationLines.get(id) ?? [];
      for (let f = 0; f < frames.length; f++) lines.push(known[f] ?? 0);
    }
    builder.addSample(stack, weight, lines);
  }
  const durationNs = Number(profile.durationNanos);
  const isGo = profile.function.some((fn) => /\.go$/.test(strings[Number(fn.filename)] ?? ''));
  return builder.finish({
    durationMs: durationNs > 0 ? durationNs / 1e6 : undefined,
    period: Number(profile.period) || undefined,
    ...(isGo ? { runtime: 'go' as const } : {}),
    meta: {
      sampleType: `${typeName}/${strings[Number(type?.unit)] ?? ''}`,
      samples: profile.sample.length,
    },
  });
}

/** The pprof importer (gzip is removed before detection). */
export const pprofImporter: Importer = {
  format: 'pprof',
  description: 'pprof protobuf (.pb.gz, .pprof): Go pprof, @datadog/pprof, perftools',
  detect(fileName, bytes) {
    const named = hasSuffix(fileName, '.pb.gz', '.pb', '.pprof', '.prof');
    // Without a pprof name, require field 1 (sample_type, length-delimited) first, as writers do.
    if (!named && bytes[0] !== 0x0a) return null;
    if (!decodePprof(bytes)) return null;
    return named ? 1 : 0.8;
  },
  import(bytes, fileName) {
    const decoded = decodePprof(bytes);
    if (!decoded)
      throw createInvalidProfileError('pprof profile', fileName, 'protobuf decoding failed');
    return importFromPprof(decoded);
  },
};
