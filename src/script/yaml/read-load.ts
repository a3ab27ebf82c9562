/**
 * The k6 options of a plan: execution (Artillery `phases`, or k6 `stages`/`vus`/`duration`/
 * `iterations`), `thresholds` (k6 grammar) plus Artillery's `ensure`, `http`/`tls` settings,
 * `plugins`, and raw k6 `options`; each option's origin is recorded for error positions.
 */
import type { InputPath, InputReader } from '../../util/input-reader.js';
import { isRecord } from '../../util/is-record.js';
import type { OriginMap } from './origins.js';
import { readPhases } from './phases.js';

/** Access to the plan's settings, at the top level or under `config:`. */
export interface ConfigAccess {
  get(key: string): unknown;
  path(key: string): InputPath;
}

/** k6 shortcut options passed through as written. */
const K6_EXECUTION = ['stages', 'vus', 'duration', 'iterations'] as const;
/** Options the plan sets itself; `options:` may not set them. */
const OWN_OPTIONS = ['scenarios', 'thresholds', ...K6_EXECUTION];
const PLUGINS = ['expect', 'ensure', 'metrics-by-endpoint'];
const ENSURE_KEYS = [
  'p50',
  'median',
  'p75',
  'p90',
  'p95',
  'p99',
  'p999',
  'max',
  'min',
  'mean',
  'maxErrorRate',
  'thresholds',
];

/** Artillery's `http.response_time.<stat>` / `ensure.<stat>` -> k6 aggregation on http_req_duration. */
function aggregationOf(stat: string): string | undefined {
  if (stat === 'median' || stat === 'p50') return 'med';
  if (stat === 'mean') return 'avg';
  if (stat === 'min' || stat === 'max') return stat;
  const p = /^p(\d+)$/.exec(stat);
  if (!p) return undefined;
  const digits = p[1]!;
  return `p(${digits === '999' ? '99.9' : digits})`;
}

/** Reads the execution options (phases or k6 shortcuts) into `options`. */
export function readExecution(
  r: InputReader,
  cfg: ConfigAccess,
  options: Record<string, unknown>,
  origins: OriginMap,
): void {
  const shortcuts = K6_EXECUTION.filter((k) => cfg.get(k) !== undefined);
  for (const key of shortcuts) {
    options[key] = cfg.get(key);
    origins.set(`options.${key}`, cfg.path(key));
  }
  if (cfg.get('phases') === undefined) return;
  if (shortcuts.length > 0)
    r.problems.add(
      cfg.path('phases'),
      `use phases (Artillery) or ${shortcuts.join('/')} (k6), not both`,
    );
  const scenarios = readPhases(r, cfg.get('phases'), cfg.path('phases'), origins);
  if (Object.keys(scenarios).length === 0 && r.problems.count === 0)
    r.problems.add(cfg.path('phases'), 'no phase sends any virtual user');
  options['scenarios'] = scenarios;
}

function readEnsure(
  r: InputReader,
  value: unknown,
  path: InputPath,
  thresholds: Record<string, unknown[]>,
): void {
  const ensure = r.object(value, path, [...ENSURE_KEYS, 'conditions'], 'ensure');
  if (!ensure) return;
  const add = (metric: string, expr: string) => {
    thresholds[metric] = [...(thresholds[metric] ?? []), expr];
  };
  for (const [key, raw] of Object.entries(ensure)) {
    const at = [...path, key];
    if (key === 'conditions')
      r.problems.add(
        at,
        'ensure conditions are not supported; write k6 thresholds (thresholds: {metric: ["p(95)<500"]})',
        { atKey: true },
      );
    else if (key === 'maxErrorRate') {
      const percent = r.number(raw, at, { min: 0, fromText: true });
      if (percent !== undefined) add('http_req_failed', `rate<=${percent / 100}`);
    } else if (key === 'thresholds') {
      r.list(raw, at)?.forEach((item, i) => {
        for (const [metric, limit] of r.entries(item, [...at, i])) {
          const stat = /^http\.response_time\.(\w+)$/.exec(metric)?.[1];
          const agg = stat === undefined ? undefined : aggregationOf(stat);
          const n = r.number(limit, [...at, i, metric], { min: 0, fromText: true });
          if (agg === undefined)
            r.problems.add(
              [...at, i, metric],
              `"${metric}" has no Redline equivalent; supported: http.response_time.{min,max,mean,median,p50,p75,p90,p95,p99,p999}`,
              { atKey: true },
            );
          else if (n !== undefined) add('http_req_duration', `${agg}<=${n}`);
        }
      });
    } else if (ENSURE_KEYS.includes(key)) {
      const n = r.number(raw, at, { min: 0, fromText: true });
      if (n !== undefined) add('http_req_duration', `${aggregationOf(key)}<=${n}`);
    }
  }
}

/** Reads `thresholds` (k6 grammar, passed through) and `ensure` (Artillery) into `options.thresholds`. */
export function readThresholdOptions(
  r: InputReader,
  cfg: ConfigAccess,
  options: Record<string, unknown>,
  origins: OriginMap,
): void {
  const thresholds: Record<string, unknown[]> = {};
  const given = cfg.get('thresholds');
  if (given !== undefined) {
    for (const [metric, value] of r.entries(given, cfg.path('thresholds'))) {
      thresholds[metric] = Array.isArray(value) ? [...value] : [value];
    }
    origins.set('options.thresholds', cfg.path('thresholds'));
  }
  const plugins = cfg.get('plugins');
  const fromPlugin = isRecord(plugins) ? plugins['ensure'] : undefined;
  if (
    fromPlugin !== undefined &&
    typeof fromPlugin === 'object' &&
    fromPlugin !== null &&
    Object.keys(fromPlugin).length > 0
  )
    readEnsure(r, fromPlugin, [...cfg.path('plugins'), 'ensure'], thresholds);
  if (cfg.get('ensure') !== undefined)
    readEnsure(r, cfg.get('ensure'), cfg.path('ensure'), thresholds);
  if (Object.keys(thresholds).length > 0) options['thresholds'] = thresholds;
}

/** Reads `http`, `tls`, `plugins` and the raw k6 `options` mapping. */
export function readSettings(
  r: InputReader,
  cfg: ConfigAccess,
  options: Record<string, unknown>,
  origins: OriginMap,
): void {
  const http =
    cfg.get('http') === undefined
      ? undefined
      : r.object(cfg.get('http'), cfg.path('http'), ['timeout'], 'http');
  if (http?.['timeout'] !== undefined) {
    const ms = r.duration(http['timeout'], [...cfg.path('http'), 'timeout'], { bareUnit: 's' });
    if (ms !== undefined) options['httpTimeout'] = `${ms}ms`;
  }
  const tls =
    cfg.get('tls') === undefined
      ? undefined
      : r.object(cfg.get('tls'), cfg.path('tls'), ['rejectUnauthorized'], 'tls');
  if (tls?.['rejectUnauthorized'] !== undefined) {
    const reject = r.boolean(tls['rejectUnauthorized'], [...cfg.path('tls'), 'rejectUnauthorized']);
    if (reject === false) options['insecureSkipTLSVerify'] = true;
  }
  if (cfg.get('plugins') !== undefined)
    r.object(cfg.get('plugins'), cfg.path('plugins'), PLUGINS, 'plugins');
  const raw = cfg.get('options');
  if (raw === undefined) return;
  for (const [key, value] of r.entries(raw, cfg.path('options'))) {
    if (OWN_OPTIONS.includes(key)) {
      r.problems.add(
        [...cfg.path('options'), key],
        `write ${key} at the top level of the plan, not under options`,
        { atKey: true },
      );
      continue;
    }
    options[key] = value;
    origins.set(`options.${key}`, [...cfg.path('options'), key]);
  }
}
