/**
 * Success criteria -> SLOs. The criteria of a load test plan ("p99 < 500ms", "error rate <
 * 0.1%") map one to one onto SLOs: `pNN < X` means NN% of requests are faster than X (a latency
 * SLO with objective NN), `error rate < E` means availability 100 - E. Accepted in `slo.yaml`
 * under `criteria:` in two spellings: the plan's (`p95: 400ms`, `errorRate: 0.1%`) and k6
 * thresholds (`http_req_duration: ['p(95)<400']`, `http_req_failed: ['rate<0.001']`).
 */
import { parseDurationMs } from '../util/duration.js';
import type { InputReader } from '../util/input-reader.js';
import { isRecord } from '../util/is-record.js';
import type { RawSlo } from './parse-slo.js';

/** Success criteria as an API (what the audit's plan holds). */
export interface SuccessCriteria {
  /** Latency targets: `percentile`% of requests faster than `thresholdMs`. */
  latency?: ReadonlyArray<{ percentile: number; thresholdMs: number }>;
  /** Highest acceptable share of failed requests (0.001 = 0.1%). */
  errorRate?: number;
}

function latencySlo(percentile: number, thresholdMs: number): RawSlo {
  const label = String(percentile).replace('.', '');
  return {
    name: `latency-p${label}`,
    objective: percentile,
    description: `${percentile}% of requests complete within ${thresholdMs} ms`,
    sli: { latency: { threshold: `${thresholdMs}ms` } },
  };
}

function availabilitySlo(errorRate: number): RawSlo {
  const objective = Number((100 - errorRate * 100).toPrecision(10));
  return {
    name: 'availability',
    objective,
    description: `at most ${Number((errorRate * 100).toPrecision(6))}% of requests fail`,
    sli: { availability: {} },
  };
}

/** `< 400ms`, `400ms`, `400` (ms) -> 400. */
function readMs(value: unknown): number | undefined {
  const text =
    typeof value === 'number'
      ? `${value}`
      : typeof value === 'string'
        ? value.trim().replace(/^<=?\s*/, '')
        : undefined;
  return text === undefined ? undefined : parseDurationMs(text, 'ms');
}

/** `< 0.1%`, `0.1%` (percent) or `0.001` (ratio) -> 0.001. */
function readRate(value: unknown): number | undefined {
  if (typeof value === 'number') return value >= 0 && value < 1 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const text = value.trim().replace(/^<=?\s*/, '');
  const n = Number(text.replace(/%$/, ''));
  if (!Number.isFinite(n)) return undefined;
  const ratio = text.endsWith('%') ? n / 100 : n;
  return ratio >= 0 && ratio < 1 ? ratio : undefined;
}

function fromThresholds(metric: string, list: unknown, reader: InputReader): RawSlo[] {
  const items = Array.isArray(list) ? list : [list];
  const out: RawSlo[] = [];
  for (const item of items) {
    const text =
      typeof item === 'string'
        ? item.replace(/\s+/g, '')
        : isRecord(item) && typeof item['threshold'] === 'string'
          ? item['threshold'].replace(/\s+/g, '')
          : '';
    const p = /^p\((\d+(?:\.\d+)?)\)<=?(\d+(?:\.\d+)?)$/.exec(text);
    const r = /^rate<=?(\d+(?:\.\d+)?)$/.exec(text);
    if (metric === 'http_req_duration' && p) out.push(latencySlo(Number(p[1]), Number(p[2])));
    else if (metric === 'http_req_failed' && r && Number(r[1]) < 1)
      out.push(availabilitySlo(Number(r[1])));
    else
      reader.add(
        ['criteria', metric],
        `cannot turn threshold ${JSON.stringify(item)} into an SLO (supported: http_req_duration p(N)<ms, http_req_failed rate<x)`,
      );
  }
  return out;
}

/** SLO entries from a `criteria:` map (reader recorded for anything that is not an SLO). */
export function slosFromCriteria(raw: unknown, reader: InputReader): RawSlo[] {
  if (!isRecord(raw)) {
    reader.add(['criteria'], 'must be a map like {p95: 400ms, p99: 500ms, errorRate: 0.1%}');
    return [];
  }
  const out: RawSlo[] = [];
  for (const [key, value] of Object.entries(raw)) {
    const p = /^p\(?(\d+(?:\.\d+)?)\)?$/.exec(key);
    if (p) {
      const ms = readMs(value);
      if (ms === undefined || ms <= 0)
        reader.add(
          ['criteria', key],
          `invalid latency ${JSON.stringify(value)} (use 400ms or "< 400ms")`,
        );
      else out.push(latencySlo(Number(p[1]), ms));
    } else if (/^error_?rate$/i.test(key)) {
      const rate = readRate(value);
      if (rate === undefined)
        reader.add(
          ['criteria', key],
          `invalid error rate ${JSON.stringify(value)} (use 0.1% or 0.001)`,
        );
      else out.push(availabilitySlo(rate));
    } else if (key === 'http_req_duration' || key === 'http_req_failed') {
      out.push(...fromThresholds(key, value, reader));
    } else {
      reader.add(
        ['criteria', key],
        'is not an SLO criterion (supported: pNN latency, errorRate, http_req_duration / http_req_failed thresholds); throughput and resource criteria are checked by the load test, not by alerts',
      );
    }
  }
  return out;
}
