/**
 * Options from environment variables: k6's `K6_*` names and Redline's `REDLINE_*` equivalents
 * (`REDLINE_VUS` wins over `K6_VUS`). Values are converted from text where they parse, and left
 * as text otherwise so the option readers report them with the variable's name.
 */
import type { InputPath, InputProblems } from '../util/input-reader.js';
import { parseStageSpec, readPairs, splitList } from './cli-overrides.js';
import { OPTION_TABLE } from './option-names.js';
import type { RawObject } from './option-paths.js';
import type { OptionTier } from './tiers.js';

type EnvKind = 'int' | 'bool' | 'text' | 'list' | 'stages' | 'map';

/** How each option's environment value is written (others are kept as text). */
const ENV_KIND: Record<string, EnvKind> = {
  vus: 'int',
  iterations: 'int',
  maxRedirects: 'int',
  batch: 'int',
  batchPerHost: 'int',
  stages: 'stages',
  tags: 'map',
  summaryTrendStats: 'list',
  noSetup: 'bool',
  noTeardown: 'bool',
  insecureSkipTLSVerify: 'bool',
  discardResponseBodies: 'bool',
  noConnectionReuse: 'bool',
  noCookiesReset: 'bool',
  noUsageReport: 'bool',
  failOnCheck: 'bool',
};

/** The environment variable names that set `option` (Redline's first), or [] when none. */
export function envNamesOf(option: string): string[] {
  const k6 = OPTION_TABLE[option]?.env;
  if (k6 === undefined) return [];
  const suffix = k6.replace(/^(K6|REDLINE)_/, '');
  return k6.startsWith('REDLINE_') ? [k6] : [`REDLINE_${suffix}`, k6];
}

/** Reads every option set through the environment into the `env` tier. */
export function createEnvTier(
  env: Readonly<Record<string, string | undefined>>,
  problems: InputProblems,
): OptionTier {
  const values: RawObject = {};
  const paths: Record<string, InputPath> = {};
  for (const option of Object.keys(OPTION_TABLE)) {
    for (const name of envNamesOf(option)) {
      const text = env[name];
      if (text === undefined) continue;
      values[option] = convert(text, ENV_KIND[option] ?? 'text', name, problems);
      paths[option] = [name];
      break;
    }
  }
  return { label: 'env', values, paths };
}

function convert(text: string, kind: EnvKind, name: string, problems: InputProblems): unknown {
  const trimmed = text.trim();
  switch (kind) {
    case 'int':
      return /^\d+$/.test(trimmed) ? Number(trimmed) : text;
    case 'bool':
      if (/^(true|1)$/i.test(trimmed)) return true;
      if (/^(false|0|)$/i.test(trimmed)) return false;
      return text;
    case 'list':
      return splitList(text);
    case 'stages':
      return splitList(text).map(parseStageSpec);
    case 'map':
      return readPairs(splitList(text), ':', name, problems);
    default:
      return text;
  }
}
