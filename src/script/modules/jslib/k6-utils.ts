/**
 * Native equivalent of jslib's k6-utils (`https://jslib.k6.io/k6-utils/<version>/index.js`),
 * written for Redline from k6's documentation: the same exports and behaviour, offline.
 */
import { randomUUID } from 'node:crypto';
import { ExitCode } from '../../../errors/exit-codes.js';
import { RedlineError } from '../../../errors/redline-error.js';
import { check as k6Check } from '../../api/checks.js';
import { threadRuntime } from '../../runtime/thread-runtime.js';
import { requireVu } from '../../runtime/vu-state.js';

/** A random integer in [min, max], both included, for whole bounds (k6-utils `randomIntBetween`). */
export function randomIntBetween(min: number, max: number): number {
  // The same arithmetic as k6-utils, also for fractional bounds: floor(min + r·(max − min + 1)).
  return Math.floor(min + Math.random() * (max - min + 1));
}

/** A random element of `items` (k6-utils `randomItem`). */
export function randomItem<T>(items: readonly T[]): T {
  return items[Math.floor(Math.random() * items.length)] as T;
}

/** A random string of `length` characters from `charset` (default a-z; k6-utils `randomString`). */
export function randomString(length: number, charset = 'abcdefghijklmnopqrstuvwxyz'): string {
  // Picks UTF-16 code units of `charset`, as k6-utils does.
  let out = '';
  for (let i = 0; i < length; i++)
    out += charset.charAt(Math.floor(Math.random() * charset.length));
  return out;
}

/**
 * A random UUID v4 (k6-utils `uuidv4`). `secure` is accepted for compatibility: the value always
 * comes from Node's cryptographic random generator.
 */
export function uuidv4(_secure = false): string {
  return randomUUID();
}

/**
 * The text between `left` and `right` (the first occurrence), or '' when there is none; with
 * `repeat`, every occurrence in order (k6-utils `findBetween`).
 */
export function findBetween(content: string, left: string, right: string): string;
export function findBetween(content: string, left: string, right: string, repeat: true): string[];
export function findBetween(
  content: string,
  left: string,
  right: string,
  repeat = false,
): string | string[] {
  const found: string[] = [];
  let from = 0;
  for (;;) {
    const start = content.indexOf(left, from);
    if (start < 0) break;
    const valueStart = start + left.length;
    const end = content.indexOf(right, valueStart);
    if (end < 0) break;
    found.push(content.slice(valueStart, end));
    if (!repeat) break;
    from = end + right.length;
  }
  return repeat ? found : (found[0] ?? '');
}

/** A ramping stage (`options.stages`). */
export interface Stage {
  duration: string;
  target: number;
}

/**
 * Stages whose VU targets follow a bell curve (k6-utils `normalDistributionStages`): a ramp-up
 * stage of ⌈d/6⌉ s, `numberOfStages` stages of ⌈4d/(6n)⌉ s each, and a ramp-down stage of ⌈d/6⌉ s
 * to 0 VUs. The targets are the standard normal density at n + 1 evenly spaced points from −2 to
 * +2 standard deviations, scaled so that the highest is `maxVus`, rounded.
 */
export function normalDistributionStages(
  maxVus: number,
  durationSeconds: number,
  numberOfStages = 10,
): Stage[] {
  const n = numberOfStages;
  const density = (x: number) => Math.exp(-(x * x) / 2) / Math.sqrt(2 * Math.PI);
  const heights = Array.from({ length: n + 1 }, (_, i) => density(-2 + (4 * i) / n));
  const peak = Math.max(...heights);
  const edge = Math.ceil(durationSeconds / 6);
  const middle = Math.ceil((4 * durationSeconds) / (6 * n));
  const stages: Stage[] = heights.map((h, i) => ({
    duration: `${i === 0 ? edge : middle}s`,
    target: Math.round((h * maxVus) / peak),
  }));
  stages.push({ duration: `${edge}s`, target: 0 });
  return stages;
}

function stagesOfThisScenario(api: string): {
  stages: ReadonlyArray<{ durationMs: number; target: number }>;
  elapsedMs: number;
} {
  const vu = requireVu(`${api}()`);
  const rt = threadRuntime();
  const stages = rt.scenarioStages[vu.scenario.name];
  if (!stages || stages.length === 0) {
    throw new RedlineError(
      'E_SCRIPT_STAGES',
      `${api}(): scenario "${vu.scenario.name}" (${vu.scenario.executor}) has no stages; only ramping-vus and ramping-arrival-rate have them`,
      { exitCode: ExitCode.ScriptException },
    );
  }
  return { stages, elapsedMs: performance.now() - rt.testStart - vu.scenario.startTimeMs };
}

/**
 * The index of the stage the calling VU's scenario is in (k6-utils `getCurrentStageIndex`): from
 * the scenario's start, the first stage whose end is still ahead; the last one once all ended.
 */
export function getCurrentStageIndex(): number {
  const { stages, elapsedMs } = stagesOfThisScenario('getCurrentStageIndex');
  let end = 0;
  for (const [i, stage] of stages.entries()) {
    end += stage.durationMs;
    if (elapsedMs < end) return i;
  }
  return stages.length - 1;
}

/** Tags the VU's samples from now on with `stage` = the current stage's index (k6-utils). */
export function tagWithCurrentStageIndex(): void {
  requireVu('tagWithCurrentStageIndex()').tags['stage'] = String(getCurrentStageIndex());
}

/**
 * Tags the VU's samples with `stage_profile`: `ramp-up` (the first stage, or a target above the
 * previous one), `steady` (the same target) or `ramp-down` (k6-utils).
 */
export function tagWithCurrentStageProfile(): void {
  const vu = requireVu('tagWithCurrentStageProfile()');
  const { stages } = stagesOfThisScenario('tagWithCurrentStageProfile');
  const index = getCurrentStageIndex();
  const current = stages[index]!.target;
  const previous = index === 0 ? undefined : stages[index - 1]!.target;
  vu.tags['stage_profile'] =
    previous === undefined || current > previous
      ? 'ramp-up'
      : current === previous
        ? 'steady'
        : 'ramp-down';
}

/**
 * k6-utils' `check` (1.5+): k6's check for async values — `value` may be a promise, each check
 * a boolean, a promise, or a function returning either; resolves to true when all passed. Each
 * outcome is recorded in `checks` (tagged `check`), as k6's check does.
 */
export async function check<T>(
  value: T | Promise<T>,
  sets: Record<string, unknown>,
  tags?: Record<string, string>,
): Promise<boolean> {
  const resolved = await value;
  const outcomes: Record<string, boolean> = {};
  for (const [name, set] of Object.entries(sets)) {
    outcomes[name] = Boolean(await (typeof set === 'function' ? set(resolved) : set));
  }
  return k6Check(resolved, outcomes, tags);
}
