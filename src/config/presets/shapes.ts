/**
 * The load shape of each preset, from a base load X, and each preset's defaults (chosen for a
 * quick run; every one can be changed). docs/presets.md documents the same table.
 */
import { formatGoDuration } from '../../util/duration.js';
import type { PresetKind, ShapeBuilder } from './preset.js';

/** A preset's settings with every default filled in (durations in ms). */
export interface ResolvedPreset {
  base: number;
  unit: string;
  durationMs: number;
  rampUpMs: number;
  rampDownMs: number;
  multiplier: number;
  steps: number;
  step: number;
  stepDurationMs: number;
  spikeDurationMs: number;
  recoveryMs: number;
  payloadBytes: number;
}

/** Per-preset defaults; `step` defaults to X and is filled in when resolving. */
export const PRESET_DEFAULTS: Readonly<
  Record<PresetKind, Omit<ResolvedPreset, 'base' | 'unit' | 'step'>>
> = {
  load: defaults({ durationMs: 120_000, rampUpMs: 30_000 }),
  peak: defaults({ durationMs: 120_000, rampUpMs: 30_000, multiplier: 3 }),
  stress: defaults({ rampUpMs: 10_000 }),
  spike: defaults({ durationMs: 30_000, rampUpMs: 10_000, multiplier: 5 }),
  soak: defaults({ durationMs: 3_600_000, rampUpMs: 60_000, rampDownMs: 30_000 }),
  volume: defaults({ durationMs: 120_000, rampUpMs: 30_000 }),
};

function defaults(
  partial: Partial<Omit<ResolvedPreset, 'base' | 'unit' | 'step'>>,
): Omit<ResolvedPreset, 'base' | 'unit' | 'step'> {
  return {
    durationMs: 120_000,
    rampUpMs: 30_000,
    rampDownMs: 10_000,
    multiplier: 1,
    steps: 10,
    stepDurationMs: 20_000,
    spikeDurationMs: 20_000,
    recoveryMs: 60_000,
    payloadBytes: 1_048_576,
    ...partial,
  };
}

/** How long the spike's jump up and drop back take (fixed: "sudden", but not a 0 s step). */
export const SPIKE_EDGE_MS = 2000;

/** Draws the preset's shape into `b` and returns a one-sentence description. */
export const SHAPES: Readonly<Record<PresetKind, (s: ResolvedPreset, b: ShapeBuilder) => string>> =
  {
    load(s, b) {
      b.ramp(s.base, s.rampUpMs).hold(s.durationMs, 'hold').ramp(0, s.rampDownMs);
      return `Load test: ramp to X = ${s.base} ${s.unit} over ${formatGoDuration(s.rampUpMs)}, hold ${formatGoDuration(s.durationMs)}, ramp down.`;
    },
    peak(s, b) {
      const level = Math.round(s.base * s.multiplier);
      b.ramp(level, s.rampUpMs).hold(s.durationMs, 'hold').ramp(0, s.rampDownMs);
      return `Peak test: ramp to ${s.multiplier}X = ${level} ${s.unit} over ${formatGoDuration(s.rampUpMs)}, hold ${formatGoDuration(s.durationMs)}, ramp down.`;
    },
    stress(s, b) {
      for (let i = 0; i < s.steps; i++) {
        b.ramp(s.base + i * s.step, s.rampUpMs).hold(s.stepDurationMs, `step ${i + 1}`);
      }
      b.ramp(0, s.rampDownMs);
      const top = s.base + (s.steps - 1) * s.step;
      return `Stress test: ${s.steps} steps from ${s.base} to ${top} ${s.unit} (+${s.step} each, ${formatGoDuration(s.stepDurationMs)} per step); the breaking point is the first step that fails the criteria.`;
    },
    spike(s, b) {
      const level = Math.round(s.base * s.multiplier);
      b.ramp(s.base, s.rampUpMs).hold(s.durationMs, 'baseline');
      b.ramp(level, SPIKE_EDGE_MS).hold(s.spikeDurationMs, 'spike');
      b.ramp(s.base, SPIKE_EDGE_MS).hold(s.recoveryMs, 'recovery').ramp(0, s.rampDownMs);
      return `Spike test: baseline ${s.base} ${s.unit}, sudden jump to ${s.multiplier}X = ${level} for ${formatGoDuration(s.spikeDurationMs)}, back to ${s.base} for ${formatGoDuration(s.recoveryMs)} to watch the recovery.`;
    },
    soak(s, b) {
      b.ramp(s.base, s.rampUpMs).hold(s.durationMs, 'hold').ramp(0, s.rampDownMs);
      return `Soak (endurance) test: X = ${s.base} ${s.unit} held for ${formatGoDuration(s.durationMs)} to reveal leaks and slow degradation.`;
    },
    volume(s, b) {
      b.ramp(s.base, s.rampUpMs).hold(s.durationMs, 'hold').ramp(0, s.rampDownMs);
      return `Volume test: X = ${s.base} ${s.unit} for ${formatGoDuration(s.durationMs)} with ${s.payloadBytes}-byte payloads (__ENV.PAYLOAD_BYTES).`;
    },
  };

/**
 * Thresholds the founding brief's load test plan suggests ([ref: load-test-plan]): load/soak/volume
 * use "Normal Load" (p99 < 500 ms, errors < 0.1 %), peak and spike "Peak Load" (p99 < 1000 ms,
 * errors < 1 %); stress uses the Acceptable column of the success criteria (p99 < 800 ms, errors
 * < 0.5 %, [ref: success-criteria]) to find the step where the system breaks.
 */
export const SUGGESTED_THRESHOLDS: Readonly<Record<PresetKind, Record<string, string[]>>> = {
  load: { http_req_duration: ['p(99)<500'], http_req_failed: ['rate<0.001'] },
  peak: { http_req_duration: ['p(99)<1000'], http_req_failed: ['rate<0.01'] },
  stress: { http_req_duration: ['p(99)<800'], http_req_failed: ['rate<0.005'] },
  spike: { http_req_duration: ['p(99)<1000'], http_req_failed: ['rate<0.01'] },
  soak: { http_req_duration: ['p(99)<500'], http_req_failed: ['rate<0.001'] },
  volume: { http_req_duration: ['p(99)<500'], http_req_failed: ['rate<0.001'] },
};
