/** ProfileBuilder: interns frames and merges identical stacks while an importer fills a Profile. */
import type {
  FrameKind,
  Profile,
  ProfileFormat,
  ProfileFrame,
  ProfileSample,
  ValueKind,
  ValueUnit,
} from './profile.js';

/** Options of {@link createProfileBuilder}. */
export interface ProfileBuilderOptions {
  format: ProfileFormat;
  valueKind: ValueKind;
  unit: ValueUnit;
}

/** Accumulates frames and samples; `finish()` returns the Profile. */
export interface ProfileBuilder {
  /** Returns the index of the frame, adding it if it is new. */
  frame(frame: ProfileFrame): number;
  /** Adds `weight` to the stack (root first). Identical stack + lines pairs are merged. */
  addSample(
    stack: readonly number[],
    weight: number,
    lines?: readonly number[],
    count?: number,
  ): void;
  finish(extra?: Partial<Pick<Profile, 'durationMs' | 'period' | 'meta' | 'runtime'>>): Profile;
}

const SPECIAL_NAMES = new Map<string, FrameKind>([
  ['(garbage collector)', 'gc'],
  ['(idle)', 'idle'],
  ['(program)', 'program'],
]);

/** Frame kind from a V8-style bucket name, or `fallback` for ordinary functions. */
export function kindFromName(name: string, fallback: FrameKind = 'js'): FrameKind {
  return SPECIAL_NAMES.get(name) ?? fallback;
}

/** Creates a {@link ProfileBuilder}. */
export function createProfileBuilder(options: ProfileBuilderOptions): ProfileBuilder {
  const frames: ProfileFrame[] = [];
  const frameIndex = new Map<string, number>();
  const samples: ProfileSample[] = [];
  const sampleIndex = new Map<string, number>();
  return {
    frame(frame) {
      const key = `${frame.kind}\u0000${frame.name}\u0000${frame.file ?? ''}\u0000${frame.line ?? ''}\u0000${frame.column ?? ''}`;
      let index = frameIndex.get(key);
      if (index === undefined) {
        index = frames.length;
        frames.push(stripUndefined(frame));
        frameIndex.set(key, index);
      }
      return index;
    },
    addSample(stack, weight, lines, count) {
      if (stack.length === 0 || !(weight > 0)) return;
      const known = lines?.some((line) => line > 0) === true;
      const key = known ? `${stack.join(',')}|${lines?.join(',')}` : stack.join(',');
      const existing = sampleIndex.get(key);
      if (existing !== undefined) {
        const sample = samples[existing] as ProfileSample;
        sample.weight += weight;
        if (count !== undefined) sample.count = (sample.count ?? 0) + count;
        return;
      }
      const sample: ProfileSample = { stack: [...stack], weight };
      if (known && lines) sample.lines = [...lines];
      if (count !== undefined) sample.count = count;
      sampleIndex.set(key, samples.length);
      samples.push(sample);
    },
    finish(extra = {}) {
      const profile: Profile = { ...options, frames, samples, meta: extra.meta ?? {} };
      if (extra.durationMs !== undefined) profile.durationMs = extra.durationMs;
      if (extra.period !== undefined) profile.period = extra.period;
      if (extra.runtime !== undefined) profile.runtime = extra.runtime;
      return profile;
    },
  };
}

function stripUndefined(frame: ProfileFrame): ProfileFrame {
  const out: ProfileFrame = { name: frame.name, kind: frame.kind };
  if (frame.file !== undefined && frame.file !== '') out.file = frame.file;
  if (frame.line !== undefined && frame.line > 0) out.line = frame.line;
  if (frame.column !== undefined && frame.column > 0) out.column = frame.column;
  return out;
}
