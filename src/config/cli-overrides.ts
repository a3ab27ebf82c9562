/**
 * Command-line overrides (`--vus`, `--duration`, `--stage 30s:10`, `--env K=V`, `--tag`, `--host`,
 * ...): the typed values the CLI passes in, turned into the highest-precedence option tier.
 */
import type { InputPath, InputProblems } from '../util/input-reader.js';
import type { RawObject } from './option-paths.js';
import type { PresetKind, PresetOptions } from './presets/preset.js';
import type { OptionTier } from './tiers.js';

/**
 * What the command line may override. Durations are k6 text (`30s`, `1m30s`) or milliseconds;
 * list flags accept the repeated values as an array.
 */
export interface CliOverrides {
  vus?: number;
  duration?: string | number;
  iterations?: number;
  /** `--stage 30s:10` (repeatable), or stage objects. */
  stages?: ReadonlyArray<string | { duration: string | number; target: number }>;
  /** `--env K=V` (repeatable) or an object: goes to `__ENV` of every VU. */
  env?: readonly string[] | Readonly<Record<string, string>>;
  /** `--tag name=value` (repeatable) or an object: test-wide tags. */
  tags?: readonly string[] | Readonly<Record<string, string>>;
  /** `--host api.example.com=127.0.0.1:3000` (repeatable); see config/hosts.ts. */
  hosts?: readonly string[];
  /** `--summary-trend-stats avg,p(95),p(99)` or a list. */
  summaryTrendStats?: string | readonly string[];
  summaryTimeUnit?: string;
  insecureSkipTLSVerify?: boolean;
  noConnectionReuse?: boolean;
  discardResponseBodies?: boolean;
  userAgent?: string;
  failOnCheck?: boolean;
  /** `--http-timeout 30s`: default per-request timeout. */
  httpTimeout?: string | number;
  maxRedirects?: number;
  batch?: number;
  batchPerHost?: number;
  setupTimeout?: string | number;
  teardownTimeout?: string | number;
  noSetup?: boolean;
  noTeardown?: boolean;
  /** `--execution-segment 1/4:2/4` (k6 syntax). */
  executionSegment?: string;
  /** `--execution-segment-sequence 0,1/4,2/4,3/4,1`. */
  executionSegmentSequence?: string;
  /** `--preset load|peak|stress|spike|soak|volume` (X from `vus` or `rate`). */
  preset?: PresetKind;
  /** `--rate X` (iterations per second) for presets: arrival-rate scenarios instead of VUs. */
  rate?: number;
  /** Preset settings (`--multiplier`, `--steps`, `--step-duration`, `--body-size`, ...). */
  presetOptions?: PresetOptions;
}

/** The CLI tier plus the values that are not k6 options. */
export interface CliTier {
  tier: OptionTier;
  /** `--env` values. */
  env: Record<string, string>;
  /** `--host` specs, parsed later into host rules. */
  hostSpecs: string[];
}

/** Flag names of the options the CLI can set (for messages). */
const FLAG_OF: Record<string, string> = {
  vus: '--vus',
  duration: '--duration',
  iterations: '--iterations',
  stages: '--stage',
  tags: '--tag',
  summaryTrendStats: '--summary-trend-stats',
  summaryTimeUnit: '--summary-time-unit',
  insecureSkipTLSVerify: '--insecure-skip-tls-verify',
  noConnectionReuse: '--no-connection-reuse',
  discardResponseBodies: '--discard-response-bodies',
  userAgent: '--user-agent',
  failOnCheck: '--fail-on-check',
  httpTimeout: '--http-timeout',
  maxRedirects: '--max-redirects',
  batch: '--batch',
  batchPerHost: '--batch-per-host',
  setupTimeout: '--setup-timeout',
  teardownTimeout: '--teardown-timeout',
  noSetup: '--no-setup',
  noTeardown: '--no-teardown',
  executionSegment: '--execution-segment',
  executionSegmentSequence: '--execution-segment-sequence',
};

/** Turns CLI overrides into the `cli` tier. Presets are applied by buildPlan, not here. */
export function createCliTier(cli: CliOverrides, problems: InputProblems): CliTier {
  const values: RawObject = {};
  const paths: Record<string, InputPath> = {};
  for (const [key, flag] of Object.entries(FLAG_OF)) {
    const value = (cli as Record<string, unknown>)[key];
    if (value === undefined) continue;
    paths[key] = [flag];
    if (key === 'stages') values[key] = (value as CliOverrides['stages'])?.map(parseStageSpec);
    else if (key === 'tags')
      values[key] = readPairs(value as CliOverrides['tags'], '=', flag, problems);
    else if (key === 'summaryTrendStats')
      values[key] = typeof value === 'string' ? splitList(value) : value;
    else values[key] = value;
  }
  return {
    tier: { label: 'cli', values, paths },
    env: cli.env === undefined ? {} : readPairs(cli.env, '=', '--env', problems),
    hostSpecs: [...(cli.hosts ?? [])],
  };
}

/** Parses `30s:10` (k6's `--stage` form) into a raw stage; a missing target is left out. */
export function parseStageSpec(
  spec: string | { duration: string | number; target: number },
): unknown {
  if (typeof spec !== 'string') return spec;
  const colon = spec.indexOf(':');
  const duration = colon < 0 ? spec : spec.slice(0, colon);
  const target = colon < 0 ? '' : spec.slice(colon + 1).trim();
  const stage: RawObject = {};
  if (duration.trim() !== '') stage['duration'] = duration.trim();
  if (target !== '') stage['target'] = /^\d+$/.test(target) ? Number(target) : target;
  return stage;
}

/** Splits `a,b, c` into trimmed non-empty items. */
export function splitList(text: string): string[] {
  return text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/** Reads `K=V` pairs (or an object) into an object, one problem per malformed pair. */
export function readPairs(
  input: readonly string[] | Readonly<Record<string, string>> | undefined,
  separator: string,
  path: string,
  problems: InputProblems,
): Record<string, string> {
  if (input === undefined) return {};
  if (!Array.isArray(input)) return { ...(input as Record<string, string>) };
  const result: Record<string, string> = {};
  for (const pair of input as readonly string[]) {
    const at = pair.indexOf(separator);
    if (at <= 0) {
      problems.add([path], `"${pair}" is not a name${separator}value pair`);
      continue;
    }
    result[pair.slice(0, at).trim()] = pair.slice(at + 1);
  }
  return result;
}
