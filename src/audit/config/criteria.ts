/**
 * The success-criteria table of the config (Target and Acceptable per metric). Rows not given
 * keep Redline's defaults [ref: success-criteria]; `false` removes a row.
 */
import {
  type CriterionMetric,
  DEFAULT_SUCCESS_CRITERIA,
  isHigherBetter,
  type SuccessCriteria,
} from '../../results/criteria.js';
import { parseDurationMs } from '../../util/duration.js';
import type { InputPath, InputReader } from '../../util/input-reader.js';
import { isRecord } from '../../util/is-record.js';

/** Config keys of the rows (`errorRate` also as `error_rate`). */
const KEYS: Readonly<Record<string, CriterionMetric>> = {
  p50: 'p50',
  p95: 'p95',
  p99: 'p99',
  errorRate: 'errorRate',
  error_rate: 'errorRate',
  throughput: 'throughput',
  cpu: 'cpu',
  memory: 'memory',
};

const UNIT_HINT: Readonly<Record<CriterionMetric, string>> = {
  p50: 'a latency like 200ms or "< 200ms"',
  p95: 'a latency like 400ms',
  p99: 'a latency like 500ms',
  errorRate: 'a share like 0.1% or 0.001',
  throughput: 'requests per second like 1000 or "> 1000 req/s"',
  cpu: 'a percentage like 70%',
  memory: 'a percentage like 80%',
};

function stripOperator(text: string): string {
  return text.trim().replace(/^[<>]=?\s*/, '');
}

/** Parses one limit in the row's unit (ms, fraction, req/s, percent); undefined when it does not parse. */
export function parseLimit(metric: CriterionMetric, value: unknown): number | undefined {
  if (typeof value !== 'number' && typeof value !== 'string') return undefined;
  const text = typeof value === 'number' ? String(value) : stripOperator(value);
  let n: number | undefined;
  switch (metric) {
    case 'p50':
    case 'p95':
    case 'p99':
      n = parseDurationMs(text, 'ms');
      break;
    case 'errorRate': {
      const pct = /^(\d+(?:\.\d+)?)\s*%$/.exec(text);
      n = pct ? Number(pct[1]) / 100 : Number(text);
      if (!(n >= 0 && n < 1)) n = undefined;
      break;
    }
    case 'throughput':
      n = Number(text.replace(/\s*(req\/s|rps|\/s)$/i, ''));
      break;
    case 'cpu':
    case 'memory':
      n = Number(text.replace(/\s*%$/, ''));
      if (!(n >= 0 && n <= 100)) n = undefined;
      break;
  }
  return n !== undefined && Number.isFinite(n) && n >= 0 ? n : undefined;
}

function readRow(r: InputReader, metric: CriterionMetric, value: unknown, path: InputPath) {
  const row = r.object(value, path, ['target', 'acceptable']);
  if (!row) return undefined;
  const read = (key: 'target' | 'acceptable') => {
    const n = parseLimit(metric, row[key]);
    if (n === undefined)
      r.add([...path, key], `must be ${UNIT_HINT[metric]}, got ${JSON.stringify(row[key])}`);
    return n;
  };
  const target = read('target');
  const acceptable = read('acceptable');
  if (target === undefined || acceptable === undefined) return undefined;
  const ordered = isHigherBetter(metric) ? target >= acceptable : target <= acceptable;
  if (!ordered) {
    r.add(
      path,
      `target must be ${isHigherBetter(metric) ? 'at least' : 'at most'} acceptable (target is the stricter limit)`,
    );
    return undefined;
  }
  return { target, acceptable };
}

/** Reads `criteria:` over Redline's defaults. */
export function readCriteria(r: InputReader, raw: unknown): SuccessCriteria {
  const criteria: SuccessCriteria = { ...DEFAULT_SUCCESS_CRITERIA };
  if (raw === undefined) return criteria;
  if (!isRecord(raw)) {
    r.add(['criteria'], 'must be a map like { p95: { target: 400ms, acceptable: 600ms } }');
    return criteria;
  }
  r.object(raw, ['criteria'], Object.keys(KEYS));
  for (const [key, value] of Object.entries(raw)) {
    const metric = KEYS[key];
    if (!metric) continue;
    if (value === false || value === null) {
      delete criteria[metric];
      continue;
    }
    const row = readRow(r, metric, value, ['criteria', key]);
    if (row) criteria[metric] = row;
  }
  return criteria;
}
