/**
 * Option tiers (script < environment < command line) and their merge with k6's rule: a tier that
 * sets any of duration/iterations/stages/scenarios replaces all four from the tiers below it.
 */
import { formatInputPath, type InputPath, type InputProblems } from '../util/input-reader.js';
import { isRecord } from '../util/is-record.js';
import type { RawObject } from './option-paths.js';

/** Where a tier's values come from, lowest precedence first. */
export type TierLabel = 'script' | 'env' | 'cli';

/** One source of options: raw k6-style values and, per key, how to name it in messages. */
export interface OptionTier {
  label: TierLabel;
  values: RawObject;
  /** Key -> path in messages (`--vus`, `K6_DURATION`); default `options.<key>`. */
  paths: Record<string, InputPath>;
}

/** The merged options with, per key, its message path and the tier that set it. */
export interface MergedOptions {
  values: RawObject;
  paths: Record<string, InputPath>;
  tierOf: Record<string, TierLabel>;
}

/** Options that together define the execution; a higher tier setting one replaces all of them. */
export const EXECUTION_KEYS = ['duration', 'iterations', 'stages', 'scenarios'] as const;

const TIER_RANK: Record<TierLabel, number> = { script: 0, env: 1, cli: 2 };

/** True when tier `a` takes precedence over tier `b`. */
export function isHigherTier(a: TierLabel | undefined, b: TierLabel | undefined): boolean {
  return TIER_RANK[a ?? 'script'] > TIER_RANK[b ?? 'script'];
}

/** Creates a tier from the script's exported `options` (paths `options.<key>`). */
export function createScriptTier(options: unknown, problems: InputProblems): OptionTier {
  if (options === undefined || options === null) return { label: 'script', values: {}, paths: {} };
  if (!isRecord(options)) {
    problems.add(['options'], 'the exported options must be an object');
    return { label: 'script', values: {}, paths: {} };
  }
  return { label: 'script', values: { ...options }, paths: {} };
}

/**
 * Merges tiers in order (later wins). `tags` objects are merged key by key (a higher tier wins
 * per tag); a tier that sets an execution option drops every execution option of the lower
 * tiers, with a warning when that discards the script's scenarios.
 */
export function mergeTiers(tiers: readonly OptionTier[], problems: InputProblems): MergedOptions {
  const merged: MergedOptions = { values: {}, paths: {}, tierOf: {} };
  for (const tier of tiers) {
    const setsExecution = EXECUTION_KEYS.some(
      (key) => tier.values[key] !== undefined && tier.values[key] !== null,
    );
    if (setsExecution) {
      if (merged.values['scenarios'] !== undefined) {
        const where = formatInputPath(merged.paths['scenarios'] ?? ['options', 'scenarios']);
        problems.warn([describeTier(tier.label)], `replaces the scenarios of ${where} entirely`);
      }
      for (const key of EXECUTION_KEYS) {
        delete merged.values[key];
        delete merged.paths[key];
        delete merged.tierOf[key];
      }
    }
    for (const [key, value] of Object.entries(tier.values)) {
      if (value === undefined) continue;
      const previous = merged.values[key];
      merged.values[key] =
        key === 'tags' && isRecord(previous) && isRecord(value) ? { ...previous, ...value } : value;
      merged.paths[key] = tier.paths[key] ?? ['options', key];
      merged.tierOf[key] = tier.label;
    }
  }
  return merged;
}

/** `the command line`, `the environment`, `the script's options`. */
export function describeTier(label: TierLabel): string {
  if (label === 'cli') return 'the command line';
  if (label === 'env') return 'the environment';
  return "the script's options";
}
