/** Writes a Profile as speedscope JSON (one sampled profile; frames optionally source-mapped). */

import {
  SPEEDSCOPE_SCHEMA,
  type SpeedscopeFile,
  type SpeedscopeFrame,
} from '../import/speedscope.js';
import type { Profile, ProfileFrame } from '../model/profile.js';

/** Options of {@link renderSpeedscope}. */
export interface SpeedscopeExportOptions {
  /** Profile name shown by speedscope. */
  name?: string;
  /** Replaces a frame's shown name/file/line (e.g. with the original source position). */
  describeFrame?: (frame: ProfileFrame, index: number) => SpeedscopeFrame;
}

const UNITS: Record<Profile['unit'], string> = {
  nanoseconds: 'nanoseconds',
  microseconds: 'microseconds',
  milliseconds: 'milliseconds',
  seconds: 'seconds',
  bytes: 'bytes',
  samples: 'none',
};

/** Builds the speedscope document for a profile. */
export function createSpeedscopeFile(
  profile: Profile,
  options: SpeedscopeExportOptions = {},
): SpeedscopeFile {
  const frames = profile.frames.map((frame, index) => {
    if (options.describeFrame) return options.describeFrame(frame, index);
    const out: SpeedscopeFrame = { name: frame.name };
    if (frame.file) out.file = frame.file;
    if (frame.line) out.line = frame.line;
    if (frame.column) out.col = frame.column;
    return out;
  });
  const total = profile.samples.reduce((sum, s) => sum + s.weight, 0);
  return {
    $schema: SPEEDSCOPE_SCHEMA,
    shared: { frames },
    profiles: [
      {
        type: 'sampled',
        name: options.name ?? 'redline profile',
        unit: UNITS[profile.unit],
        startValue: 0,
        endValue: total,
        samples: profile.samples.map((s) => s.stack),
        weights: profile.samples.map((s) => s.weight),
      },
    ],
    name: options.name ?? 'redline profile',
    activeProfileIndex: 0,
    exporter: 'redline',
  };
}

/** Serialises the speedscope document ($schema first, so detection by prefix works). */
export function renderSpeedscope(profile: Profile, options: SpeedscopeExportOptions = {}): string {
  return JSON.stringify(createSpeedscopeFile(profile, options));
}
