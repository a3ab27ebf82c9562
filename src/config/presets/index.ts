/**
 * `buildPreset(kind, { vus | rate, ... })`: k6's test types ([ref: k6-test-types]) as scenarios. With `vus` a
 * preset is one ramping-vus scenario; with `rate` a ramping-arrival-rate one (soak: a
 * constant-arrival-rate one). See docs/presets.md.
 */

import { ExitCode } from '../../errors/exit-codes.js';
import { RedlineError } from '../../errors/redline-error.js';
import type { ScenarioBase } from '../../executors/executor.js';
import { DEFAULT_GRACEFUL_STOP_MS } from '../../executors/options.js';
import { DEFAULT_GRACEFUL_RAMP_DOWN_MS } from '../../executors/ramping-vus.js';
import type { ScenarioPlan } from '../../executors/registry.js';
import { formatGoDuration } from '../../util/duration.js';
import {
  describeInput,
  formatInputProblem,
  type InputPath,
  InputProblems,
  InputReader,
} from '../../util/input-reader.js';
import {
  PRESET_KINDS,
  type PresetKind,
  type PresetOptions,
  type PresetResult,
  ShapeBuilder,
} from './preset.js';
import { PRESET_DEFAULTS, type ResolvedPreset, SHAPES, SUGGESTED_THRESHOLDS } from './shapes.js';

export * from './preset.js';
export { PRESET_DEFAULTS, SPIKE_EDGE_MS, SUGGESTED_THRESHOLDS } from './shapes.js';

/** Iteration time the default preAllocatedVUs / maxVUs of open-model presets are sized for. */
export const PRESET_VU_SIZING = { preAllocatedSeconds: 0.1, maxSeconds: 1 } as const;

/** True when `name` is a preset kind. */
export function isPresetKind(name: string): name is PresetKind {
  return (PRESET_KINDS as readonly string[]).includes(name);
}

/** Builds a preset; throws a RedlineError (E_CONFIG_INVALID, exit 104) listing every problem. */
export function buildPreset(kind: PresetKind, options: PresetOptions): PresetResult {
  const problems = new InputProblems();
  const result = createPreset(kind, options, problems);
  if (!result || problems.count > 0) {
    throw new RedlineError(
      'E_CONFIG_INVALID',
      `invalid ${kind} preset: ${problems.count} problem(s)`,
      {
        exitCode: ExitCode.InvalidConfig,
        problems: problems.problems.map((p) => formatInputProblem(p)),
        hint: 'a preset needs a base load: --vus X or --rate X; see docs/presets.md',
      },
    );
  }
  return result;
}

/** Builds a preset, recording problems (paths `preset.<setting>`) instead of throwing. */
export function createPreset(
  kind: string,
  options: PresetOptions,
  problems: InputProblems,
): PresetResult | undefined {
  if (!isPresetKind(kind)) {
    problems.unknownName(['preset'], 'preset', kind, PRESET_KINDS);
    return undefined;
  }
  const before = problems.count;
  const resolved = resolve(kind, options, problems);
  if (!resolved || problems.count > before) return undefined;
  const open = options.rate !== undefined;
  const builder = new ShapeBuilder(resolved.unit);
  const description = SHAPES[kind](resolved, builder);
  const env: Record<string, string> = {
    REDLINE_PRESET: kind,
    REDLINE_PRESET_BASE: String(resolved.base),
  };
  if (kind === 'volume') env['PAYLOAD_BYTES'] = String(resolved.payloadBytes);
  const base: ScenarioBase = {
    name: kind,
    startTimeMs: 0,
    gracefulStopMs: DEFAULT_GRACEFUL_STOP_MS,
    exec: options.exec ?? 'default',
    env,
    tags: {},
  };
  const result: PresetResult = {
    kind,
    unit: open ? 'iterations/s' : 'VUs',
    base: resolved.base,
    scenarios: [
      open ? openScenario(kind, base, builder, resolved, options) : closedScenario(base, builder),
    ],
    stages: builder.lines,
    phases: builder.phases,
    env,
    description,
    suggestedThresholds: SUGGESTED_THRESHOLDS[kind],
  };
  if (open && kind === 'soak') {
    result.stages = [
      `constant ${resolved.base} iterations/s for ${formatGoDuration(resolved.durationMs)}`,
    ];
    result.phases = [
      { name: 'hold', target: resolved.base, startMs: 0, endMs: resolved.durationMs },
    ];
  }
  if (kind === 'volume') result.payloadBytes = resolved.payloadBytes;
  return result;
}

function closedScenario(base: ScenarioBase, builder: ShapeBuilder): ScenarioPlan {
  return {
    ...base,
    executor: 'ramping-vus',
    startVUs: 0,
    stages: builder.stages,
    gracefulRampDownMs: DEFAULT_GRACEFUL_RAMP_DOWN_MS,
  };
}

function openScenario(
  kind: PresetKind,
  base: ScenarioBase,
  builder: ShapeBuilder,
  resolved: ResolvedPreset,
  options: PresetOptions,
): ScenarioPlan {
  const peak = Math.max(...builder.stages.map((s) => s.target), resolved.base);
  const preAllocatedVUs =
    options.preAllocatedVUs ?? Math.max(1, Math.ceil(peak * PRESET_VU_SIZING.preAllocatedSeconds));
  const maxVUs =
    options.maxVUs ?? Math.max(preAllocatedVUs, Math.ceil(peak * PRESET_VU_SIZING.maxSeconds));
  if (kind === 'soak') {
    return {
      ...base,
      executor: 'constant-arrival-rate',
      rate: resolved.base,
      timeUnitMs: 1000,
      durationMs: resolved.durationMs,
      preAllocatedVUs,
      maxVUs,
    };
  }
  return {
    ...base,
    executor: 'ramping-arrival-rate',
    startRate: 0,
    timeUnitMs: 1000,
    stages: builder.stages,
    preAllocatedVUs,
    maxVUs,
  };
}

function resolve(
  kind: PresetKind,
  options: PresetOptions,
  problems: InputProblems,
): ResolvedPreset | undefined {
  const defaults = PRESET_DEFAULTS[kind];
  if (options.vus !== undefined && options.rate !== undefined) {
    problems.add(['preset'], 'give the base load X as --vus or as --rate, not both');
    return undefined;
  }
  if (options.vus === undefined && options.rate === undefined) {
    problems.add(
      ['preset'],
      `the ${kind} preset needs a base load X: --vus X (closed model) or --rate X (iterations/s)`,
    );
    return undefined;
  }
  const open = options.rate !== undefined;
  const base =
    wholeNumber(
      open ? options.rate : options.vus,
      ['preset', open ? 'rate' : 'vus'],
      1,
      problems,
    ) ?? 1;
  const duration = (key: keyof PresetOptions, fallback: number, min: number) =>
    presetDuration(options[key], ['preset', key], fallback, min, problems);
  const multiplier = options.multiplier ?? defaults.multiplier;
  if (!(multiplier > 0) || !Number.isFinite(multiplier))
    problems.add(['preset', 'multiplier'], `must be more than 0, got ${multiplier}`);
  return {
    base,
    unit: open ? 'iterations/s' : 'VUs',
    durationMs: duration('duration', defaults.durationMs, 1000),
    rampUpMs: duration('rampUp', defaults.rampUpMs, 0),
    rampDownMs: duration('rampDown', defaults.rampDownMs, 0),
    multiplier,
    steps: wholeNumber(options.steps, ['preset', 'steps'], 1, problems) ?? defaults.steps,
    step: wholeNumber(options.step, ['preset', 'step'], 1, problems) ?? base,
    stepDurationMs: duration('stepDuration', defaults.stepDurationMs, 1000),
    spikeDurationMs: duration('spikeDuration', defaults.spikeDurationMs, 1000),
    recoveryMs: duration('recovery', defaults.recoveryMs, 1000),
    payloadBytes:
      wholeNumber(options.payloadBytes, ['preset', 'payloadBytes'], 0, problems) ??
      defaults.payloadBytes,
  };
}

function wholeNumber(
  value: number | undefined,
  path: InputPath,
  min: number,
  problems: InputProblems,
): number | undefined {
  if (value === undefined) return undefined;
  return new InputReader(problems).number(value, path, { integer: true, min });
}

function presetDuration(
  value: unknown,
  path: InputPath,
  fallback: number,
  minMs: number,
  problems: InputProblems,
): number {
  if (value === undefined) return fallback;
  const ms = new InputReader(problems).duration(value, path, { bareUnit: 'ms' });
  if (ms === undefined) return fallback;
  if (ms < minMs)
    problems.add(path, `must be at least ${formatGoDuration(minMs)}, got ${describeInput(value)}`);
  return ms;
}
