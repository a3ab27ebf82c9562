/**
 * Artillery load phases -> k6 arrival-rate scenarios, one per phase, run one after another:
 *
 *   { duration, arrivalRate }          -> constant-arrival-rate (rate per second)
 *   { duration, arrivalRate, rampTo }  -> ramping-arrival-rate (linear from arrivalRate to rampTo)
 *   { duration, arrivalCount }         -> constant-arrival-rate, `arrivalCount` per `duration`
 *                                          (evenly spaced: exactly arrivalCount arrivals)
 *   { pause }                          -> no arrivals for that long
 *
 * Each arrival is one Artillery virtual user: one iteration of the flow. Fractional rates (0.5/s)
 * are written with a longer timeUnit (1 per 2 s), because k6 rates are whole numbers.
 */
import type { InputPath, InputReader } from '../../util/input-reader.js';
import type { OriginMap } from './origins.js';

/** Keys of one phase. */
export const PHASE_KEYS = [
  'name',
  'duration',
  'arrivalRate',
  'rampTo',
  'arrivalCount',
  'pause',
  'maxVusers',
  'preAllocatedVUs',
  'maxVUs',
] as const;

/** Most VUs one phase allocates by default (arrivals past it are dropped_iterations). */
export const DEFAULT_PHASE_VU_CEILING = 5000;
/** By default a phase keeps this many seconds of arrivals in flight. */
export const DEFAULT_IN_FLIGHT_SECONDS = 30;

const RENAME = {
  rate: 'arrivalRate',
  startRate: 'arrivalRate',
  stages: 'rampTo',
  timeUnit: null,
  maxVUs: 'maxVusers',
  startTime: null,
} as const;

/** Whole-number rates per a time unit, for rates given per second (possibly fractional). */
export function wholeRates(perSecond: number[]): { rates: number[]; timeUnitSeconds: number } {
  for (const unit of [1, 10, 100, 1000]) {
    const rates = perSecond.map((r) => r * unit);
    if (rates.every((r) => Math.abs(r - Math.round(r)) < 1e-9))
      return { rates: rates.map(Math.round), timeUnitSeconds: unit };
  }
  return { rates: perSecond.map((r) => Math.round(r * 1000)), timeUnitSeconds: 1000 };
}

function slug(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 40);
}

function vus(
  r: InputReader,
  phase: Record<string, unknown>,
  path: InputPath,
  peakPerSecond: number,
): { preAllocatedVUs: number; maxVUs: number } {
  const read = (key: string) =>
    phase[key] === undefined
      ? undefined
      : r.number(phase[key], [...path, key], { min: 1, integer: true, fromText: true });
  const cap = read('maxVUs') ?? read('maxVusers');
  const preAllocatedVUs =
    read('preAllocatedVUs') ?? Math.min(cap ?? 1000, Math.max(1, Math.ceil(peakPerSecond)));
  const fallbackMax = Math.min(
    DEFAULT_PHASE_VU_CEILING,
    Math.max(10, Math.ceil(peakPerSecond * DEFAULT_IN_FLIGHT_SECONDS)),
  );
  return { preAllocatedVUs, maxVUs: cap ?? Math.max(preAllocatedVUs, fallbackMax) };
}

function scenarioOf(
  r: InputReader,
  phase: Record<string, unknown>,
  path: InputPath,
  durationMs: number,
): Record<string, unknown> | undefined {
  const num = (key: string, min = 0) =>
    r.number(phase[key], [...path, key], { min, fromText: true });
  if (phase['arrivalCount'] !== undefined) {
    if (phase['arrivalRate'] !== undefined || phase['rampTo'] !== undefined)
      r.problems.add(
        [...path, 'arrivalCount'],
        'use arrivalCount or arrivalRate (with rampTo), not both',
      );
    const count = r.number(phase['arrivalCount'], [...path, 'arrivalCount'], {
      min: 1,
      integer: true,
      fromText: true,
    });
    if (count === undefined) return undefined;
    return {
      executor: 'constant-arrival-rate',
      rate: count,
      timeUnit: `${durationMs}ms`,
      duration: `${durationMs}ms`,
      ...vus(r, phase, path, (count * 1000) / durationMs),
    };
  }
  if (phase['arrivalRate'] === undefined && phase['rampTo'] === undefined) {
    r.problems.add(
      path,
      'a phase needs arrivalRate (new virtual users per second), arrivalCount or pause',
    );
    return undefined;
  }
  const from = phase['arrivalRate'] === undefined ? 0 : num('arrivalRate');
  if (from === undefined) return undefined;
  if (phase['rampTo'] === undefined) {
    if (from === 0)
      return void r.problems.add([...path, 'arrivalRate'], 'must be more than 0 (or use pause)');
    const { rates, timeUnitSeconds } = wholeRates([from]);
    return {
      executor: 'constant-arrival-rate',
      rate: rates[0],
      timeUnit: `${timeUnitSeconds}s`,
      duration: `${durationMs}ms`,
      ...vus(r, phase, path, from),
    };
  }
  const to = num('rampTo');
  if (to === undefined) return undefined;
  const { rates, timeUnitSeconds } = wholeRates([from, to]);
  return {
    executor: 'ramping-arrival-rate',
    startRate: rates[0],
    timeUnit: `${timeUnitSeconds}s`,
    stages: [{ duration: `${durationMs}ms`, target: rates[1] }],
    ...vus(r, phase, path, Math.max(from, to)),
  };
}

/** Reads `phases` into scenarios (named `phase_1_warm_up`, ...), recording their origins. */
export function readPhases(
  r: InputReader,
  value: unknown,
  path: InputPath,
  origins: OriginMap,
): Record<string, Record<string, unknown>> {
  const scenarios: Record<string, Record<string, unknown>> = {};
  const list = r.list(value, path);
  let offsetMs = 0;
  list?.forEach((item, i) => {
    const at = [...path, i];
    const phase = r.object(item, at, PHASE_KEYS, 'a phase');
    if (!phase) return;
    if (phase['pause'] !== undefined) {
      const ms = r.duration(phase['pause'], [...at, 'pause'], { bareUnit: 's' });
      offsetMs += ms ?? 0;
      const extra = Object.keys(phase).filter((k) => k !== 'pause' && k !== 'name');
      if (extra.length > 0)
        r.problems.add([...at, extra[0]!], 'a pause phase takes only pause (and name)', {
          atKey: true,
        });
      return;
    }
    const durationMs =
      phase['duration'] === undefined
        ? void r.problems.add(at, 'a phase needs a duration (seconds, or text such as "2m")')
        : r.duration(phase['duration'], [...at, 'duration'], { bareUnit: 's' });
    if (durationMs === undefined) return;
    if (durationMs <= 0) {
      r.problems.add([...at, 'duration'], 'must be more than 0');
      return;
    }
    const scenario = scenarioOf(r, phase, at, durationMs);
    const label =
      typeof phase['name'] === 'string' && slug(phase['name']) !== ''
        ? `_${slug(phase['name'])}`
        : '';
    const name = `phase_${i + 1}${label}`;
    if (scenario) {
      if (offsetMs > 0) scenario['startTime'] = `${offsetMs}ms`;
      if (typeof phase['name'] === 'string') scenario['tags'] = { phase: phase['name'] };
      scenarios[name] = scenario;
      origins.set(`options.scenarios.${name}`, at, { ...RENAME });
    }
    offsetMs += durationMs;
  });
  return scenarios;
}
