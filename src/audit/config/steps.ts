/**
 * The steps' sizes: two presets (`standard` for `redline audit`, `compact` for `redline demo`,
 * about two minutes in all) and the `steps:` section that changes or skips any of them.
 */
import { defaultStepUsers } from '../../results/audit-result.js';
import { FILE_DURATION, type InputPath, type InputReader } from '../../util/input-reader.js';
import { isRecord } from '../../util/is-record.js';
import {
  type AuditStepsConfig,
  type LoadStepSettings,
  STEP_NAMES,
  type StepName,
} from './types.js';

/** Named step sizes. */
export type AuditSizing = 'standard' | 'compact';

interface Durations {
  baseline: number;
  load: number;
  peak: number;
  stressStep: number;
  stressSteps: number;
  spike: number;
  soak: number;
  heapCheck: number;
  profile: number;
}

const SIZES: Readonly<Record<AuditSizing, Durations>> = {
  standard: {
    baseline: 10_000,
    load: 60_000,
    peak: 30_000,
    stressStep: 15_000,
    stressSteps: 8,
    spike: 20_000,
    soak: 120_000,
    heapCheck: 5_000,
    profile: 20_000,
  },
  compact: {
    baseline: 5_000,
    load: 10_000,
    peak: 8_000,
    stressStep: 5_000,
    stressSteps: 6,
    spike: 6_000,
    soak: 24_000,
    heapCheck: 1_500,
    profile: 8_000,
  },
};

/** Default steps for base load X and a sizing. */
export function createDefaultSteps(x: number, sizing: AuditSizing = 'standard'): AuditStepsConfig {
  const d = SIZES[sizing];
  const users = defaultStepUsers(x);
  const step = (u: number, ms: number): LoadStepSettings => ({
    enabled: true,
    users: u,
    durationMs: ms,
  });
  return {
    baseline: step(users.baseline, d.baseline),
    load: step(users.load, d.load),
    peak: step(users.peak, d.peak),
    stress: {
      enabled: true,
      startUsers: users.stress,
      stepUsers: x,
      maxSteps: d.stressSteps,
      stepDurationMs: d.stressStep,
      stepsAfterBreak: 0,
    },
    spike: step(users.spike, d.spike),
    soak: { ...step(users.soak, d.soak), heapCheckIntervalMs: d.heapCheck, parts: 4 },
    profile: { ...step(x, d.profile), samplingIntervalUs: 1000 },
    db: { enabled: true },
  };
}

const LOAD_KEYS = ['users', 'duration'];
const KNOWN: Readonly<Record<StepName, readonly string[]>> = {
  baseline: LOAD_KEYS,
  load: LOAD_KEYS,
  peak: LOAD_KEYS,
  stress: ['start', 'step', 'maxSteps', 'stepDuration', 'stepsAfterBreak'],
  spike: LOAD_KEYS,
  soak: [...LOAD_KEYS, 'heapCheck', 'parts', 'minRequests', 'maxDuration'],
  profile: [...LOAD_KEYS, 'samplingInterval'],
  db: [],
};

function readLoadStep(
  r: InputReader,
  raw: Record<string, unknown>,
  path: InputPath,
  into: LoadStepSettings,
): void {
  if (raw['users'] !== undefined) {
    const n = r.number(raw['users'], [...path, 'users'], {
      fromText: true,
      min: 1,
      max: 100_000,
      integer: true,
    });
    if (n !== undefined) into.users = n;
  }
  if (raw['duration'] !== undefined) {
    const ms = r.duration(raw['duration'], [...path, 'duration'], FILE_DURATION);
    if (ms !== undefined) into.durationMs = ms;
  }
}

function readStress(
  r: InputReader,
  raw: Record<string, unknown>,
  path: InputPath,
  s: AuditStepsConfig,
): void {
  const int = (key: string, min: number) =>
    raw[key] === undefined
      ? undefined
      : r.number(raw[key], [...path, key], { fromText: true, min, max: 100_000, integer: true });
  s.stress.startUsers = int('start', 1) ?? s.stress.startUsers;
  s.stress.stepUsers = int('step', 1) ?? s.stress.stepUsers;
  s.stress.maxSteps = int('maxSteps', 1) ?? s.stress.maxSteps;
  s.stress.stepsAfterBreak = int('stepsAfterBreak', 0) ?? s.stress.stepsAfterBreak;
  if (raw['stepDuration'] !== undefined) {
    const ms = r.duration(raw['stepDuration'], [...path, 'stepDuration'], FILE_DURATION);
    if (ms !== undefined) s.stress.stepDurationMs = ms;
  }
}

function readOne(r: InputReader, name: StepName, value: unknown, s: AuditStepsConfig): void {
  const path: InputPath = ['steps', name];
  if (value === false || value === true) {
    s[name].enabled = value;
    return;
  }
  const raw = r.object(value, path, [...KNOWN[name], 'enabled']);
  if (!raw) return;
  if (raw['enabled'] !== undefined)
    s[name].enabled = r.boolean(raw['enabled'], [...path, 'enabled']) ?? true;
  if (name === 'stress') return readStress(r, raw, path, s);
  if (name === 'db') return;
  readLoadStep(r, raw, path, s[name]);
  if (name === 'soak' && raw['parts'] !== undefined) {
    s.soak.parts =
      r.number(raw['parts'], [...path, 'parts'], {
        fromText: true,
        min: 1,
        max: 20,
        integer: true,
      }) ?? s.soak.parts;
  }
  if (name === 'soak' && raw['minRequests'] !== undefined) {
    const n = r.number(raw['minRequests'], [...path, 'minRequests'], {
      fromText: true,
      min: 0,
      max: 10_000_000,
      integer: true,
    });
    if (n !== undefined) s.soak.minRequests = n;
  }
  if (name === 'soak' && raw['maxDuration'] !== undefined) {
    const ms = r.duration(raw['maxDuration'], [...path, 'maxDuration'], FILE_DURATION);
    if (ms !== undefined) s.soak.maxDurationMs = ms;
  }
  if (name === 'soak' && raw['heapCheck'] !== undefined) {
    const ms = r.duration(raw['heapCheck'], [...path, 'heapCheck'], FILE_DURATION);
    if (ms !== undefined) s.soak.heapCheckIntervalMs = ms;
  }
  if (name === 'profile' && raw['samplingInterval'] !== undefined) {
    const ms = r.duration(raw['samplingInterval'], [...path, 'samplingInterval'], FILE_DURATION);
    if (ms !== undefined) s.profile.samplingIntervalUs = Math.max(50, Math.round(ms * 1000));
  }
}

/**
 * Reads `steps:` over the defaults. Each step is `false` (skip), `true`, or a map of its sizes,
 * e.g. `soak: { duration: 5m }`, `stress: { start: 10, step: 10, maxSteps: 8, stepDuration: 20s }`.
 */
export function readSteps(
  r: InputReader,
  raw: unknown,
  x: number,
  sizing: AuditSizing,
): AuditStepsConfig {
  const steps = createDefaultSteps(x, sizing);
  if (raw === undefined) return steps;
  if (!isRecord(raw)) {
    r.add(
      ['steps'],
      'must be a map of step names (baseline, load, peak, stress, spike, soak, profile, db)',
    );
    return steps;
  }
  r.object(raw, ['steps'], STEP_NAMES);
  for (const name of STEP_NAMES) {
    if (raw[name] !== undefined) readOne(r, name, raw[name], steps);
  }
  return steps;
}

/** True when `name` is a step name. */
export function isStepName(name: string): name is StepName {
  return (STEP_NAMES as readonly string[]).includes(name);
}
