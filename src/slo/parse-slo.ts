/** Validation of one SLO entry of `slo.yaml` (SLI kinds, objective, alerting) into an {@link Slo}. */
import { DEFAULT_TIME_BUCKETS_SECONDS } from '../outputs/prometheus/naming.js';
import { parseDurationMs } from '../util/duration.js';
import { FILE_DURATION, type InputPath, type InputReader } from '../util/input-reader.js';
import { isRecord } from '../util/is-record.js';
import { type Matchers, pascalCase, type Sli, type Slo, type SloAlerting } from './spec.js';
import { readLabels, readPercent } from './spec-read.js';

/** An SLO entry as written in the file (validated by {@link buildSlo}). */
export type RawSlo = Record<string, unknown>;

/** Redline's own series, the defaults of the availability and latency SLIs. */
export const REDLINE_REQUESTS = 'redline_http_reqs_total';
export const REDLINE_DURATION = 'redline_http_req_duration_seconds';

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

function readMatchers(value: unknown, path: InputPath, reader: InputReader): Matchers {
  const labels = readLabels(value, path, reader);
  for (const [k, v] of Object.entries(labels)) {
    if (/^(=~|!~)/.test(v)) {
      try {
        new RegExp(v.slice(2));
      } catch {
        reader.add([...path, k], `invalid regular expression "${v.slice(2)}"`);
      }
    }
  }
  return labels;
}

function readMetric(
  value: unknown,
  fallback: string,
  path: InputPath,
  reader: InputReader,
): string {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !METRIC_NAME.test(value)) {
    reader.add(path, 'must be a Prometheus metric name');
    return fallback;
  }
  return value;
}

function readSli(
  raw: unknown,
  path: InputPath,
  selector: Matchers,
  reader: InputReader,
): Sli | undefined {
  if (!isRecord(raw) || Object.keys(raw).length !== 1) {
    reader.add(path, 'must have exactly one of availability, latency or events');
    return undefined;
  }
  const [kind, body] = Object.entries(raw)[0] as [string, unknown];
  const b = isRecord(body) ? body : {};
  const p = [...path, kind];
  if (body !== null && body !== undefined && !isRecord(body)) reader.add(p, 'must be a map');
  const sel = { ...selector, ...readMatchers(b['selector'], [...p, 'selector'], reader) };
  switch (kind) {
    case 'availability': {
      const metric = readMetric(b['metric'], REDLINE_REQUESTS, [...p, 'metric'], reader);
      const errors =
        b['errors'] === undefined
          ? { expected_response: 'false' }
          : readMatchers(b['errors'], [...p, 'errors'], reader);
      if (Object.keys(errors).length === 0)
        reader.add([...p, 'errors'], 'needs at least one matcher selecting the failed events');
      return { kind, metric, errors, selector: sel };
    }
    case 'latency': {
      const metric = readMetric(b['metric'], REDLINE_DURATION, [...p, 'metric'], reader);
      const t = b['threshold'];
      const ms =
        typeof t === 'string' || typeof t === 'number' ? parseDurationMs(t, 's') : undefined;
      if (ms === undefined || ms <= 0) {
        reader.add(
          [...p, 'threshold'],
          `invalid latency threshold ${JSON.stringify(t)} (use 300ms, 0.5s)`,
        );
        return undefined;
      }
      const thresholdS = ms / 1000;
      const check = b['checkBucket'] !== false;
      if (
        check &&
        metric.startsWith('redline_') &&
        !DEFAULT_TIME_BUCKETS_SECONDS.includes(thresholdS)
      ) {
        const nearest = [...DEFAULT_TIME_BUCKETS_SECONDS]
          .sort((x, y) => Math.abs(x - thresholdS) - Math.abs(y - thresholdS))
          .slice(0, 2);
        reader.add(
          [...p, 'threshold'],
          `${thresholdS}s is not a bucket bound of Redline's histograms (nearest: ${nearest.join('s, ')}s); pick one, or set checkBucket: false if you export custom buckets (REDLINE_PROMETHEUS_BUCKETS)`,
        );
      }
      return { kind, metric, thresholdS, selector: sel };
    }
    case 'events': {
      const errorQuery = b['errorQuery'];
      const totalQuery = b['totalQuery'];
      for (const [key, q] of [
        ['errorQuery', errorQuery],
        ['totalQuery', totalQuery],
      ] as const) {
        if (typeof q !== 'string' || !q.includes('{{window}}'))
          reader.add([...p, key], 'must be a PromQL query using {{window}} as the range');
      }
      return typeof errorQuery === 'string' && typeof totalQuery === 'string'
        ? { kind, errorQuery, totalQuery }
        : undefined;
    }
  }
  reader.problems.unknownKey([...path, kind], 'SLI kind', ['availability', 'latency', 'events']);
  return undefined;
}

function readAlerting(
  raw: unknown,
  defaults: unknown,
  base: string,
  path: InputPath,
  reader: InputReader,
): SloAlerting {
  const d = isRecord(defaults) ? defaults : {};
  const a = isRecord(raw) ? raw : {};
  if (raw !== undefined && !isRecord(raw)) reader.add(path, 'must be a map');
  const pick = (key: string) => (a[key] !== undefined ? a[key] : d[key]);
  const bool = (key: string) => {
    const v = pick(key);
    if (v !== undefined && typeof v !== 'boolean')
      reader.add([...path, key], 'must be true or false');
    return v !== false;
  };
  const forMs = (key: string) => {
    const v = pick(key);
    return v === undefined ? 0 : (reader.duration(v, [...path, key], FILE_DURATION) ?? 0);
  };
  const name = typeof pick('name') === 'string' ? String(pick('name')) : `${base}ErrorBudgetBurn`;
  const annotations = {
    ...readLabelsLoose(d['annotations']),
    ...readLabelsLoose(a['annotations']),
  };
  const runbook = pick('runbook');
  if (typeof runbook === 'string') annotations['runbook_url'] = runbook;
  return {
    pageName: typeof pick('pageName') === 'string' ? String(pick('pageName')) : `${name}Page`,
    ticketName:
      typeof pick('ticketName') === 'string' ? String(pick('ticketName')) : `${name}Ticket`,
    page: bool('page'),
    ticket: bool('ticket'),
    pageForMs: forMs('pageFor'),
    ticketForMs: forMs('ticketFor'),
    labels: {
      ...readLabels(d['labels'], ['alerting', 'labels'], reader),
      ...readLabels(a['labels'], [...path, 'labels'], reader),
    },
    annotations,
  };
}

function readLabelsLoose(value: unknown): Record<string, string> {
  if (!isRecord(value)) return {};
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, String(v)]));
}

/** Validates one SLO; `defaults` holds the file-level `selector` and `alerting`. */
export function buildSlo(
  raw: RawSlo,
  path: InputPath,
  service: string,
  defaults: { selector: unknown; alerting: unknown },
  reader: InputReader,
): Slo | undefined {
  if (!isRecord(raw)) {
    reader.add(path, 'must be a map with name, objective and sli');
    return undefined;
  }
  const name = raw['name'];
  if (typeof name !== 'string' || !/^[a-zA-Z0-9_.-]+$/.test(name))
    reader.add([...path, 'name'], 'must be a name of letters, digits, _ . -');
  const objective = readPercent(raw['objective'], [...path, 'objective'], reader);
  const selector = readMatchers(defaults.selector, ['selector'], reader);
  const sli = readSli(raw['sli'], [...path, 'sli'], selector, reader);
  const labels = readLabels(raw['labels'], [...path, 'labels'], reader);
  if (typeof name !== 'string' || objective === undefined || !sli) return undefined;
  const alerting = readAlerting(
    raw['alerting'],
    defaults.alerting,
    pascalCase(service, name),
    [...path, 'alerting'],
    reader,
  );
  const description = typeof raw['description'] === 'string' ? raw['description'] : '';
  return { name, id: `${service}-${name}`, objective, description, sli, labels, alerting };
}
