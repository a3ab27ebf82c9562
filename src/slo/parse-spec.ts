/**
 * Reads `slo.yaml` into a validated {@link SloSpec}, reporting every problem at once with its
 * line. Accepts explicit `slos:` and the success-criteria shorthand `criteria:` (p95/p99/error
 * rate, as in a load test plan), which becomes latency and availability SLOs.
 */
import { LineCounter, parseDocument } from 'yaml';
import { ExitCode } from '../errors/exit-codes.js';
import { RedlineError } from '../errors/redline-error.js';
import { isRecord } from '../util/is-record.js';
import { slosFromCriteria } from './criteria.js';
import { buildSlo, type RawSlo } from './parse-slo.js';
import { type BurnWindow, DEFAULT_BURN_WINDOWS, promDuration, type SloSpec } from './spec.js';
import { Problems, readDuration, readLabels, readPercent } from './spec-read.js';

function readWindows(value: unknown, periodMs: number, problems: Problems): BurnWindow[] {
  if (value === undefined) {
    const tooLong = DEFAULT_BURN_WINDOWS.filter((w) => w.longMs > periodMs);
    for (const w of tooLong)
      problems.add(
        ['period'],
        `is shorter than the default ${promDuration(w.longMs)} ${w.severity} window: set windows: for a period this short`,
      );
    return [...DEFAULT_BURN_WINDOWS];
  }
  if (!Array.isArray(value) || value.length === 0) {
    problems.add(['windows'], 'must be a list of {severity, long, short, budget}');
    return [];
  }
  return value.flatMap((w, i): BurnWindow[] => {
    const path = ['windows', i];
    if (!isRecord(w)) {
      problems.add(path, 'must be a map with severity, long, short and budget');
      return [];
    }
    const severity = w['severity'];
    if (severity !== 'page' && severity !== 'ticket')
      problems.add([...path, 'severity'], 'must be page or ticket');
    const longMs = readDuration(w['long'], [...path, 'long'], problems);
    const shortMs = readDuration(w['short'], [...path, 'short'], problems);
    const budgetPercent = readPercent(w['budget'], [...path, 'budget'], problems);
    if (longMs !== undefined && shortMs !== undefined && shortMs >= longMs)
      problems.add(path, 'the short window must be shorter than the long one');
    if (longMs !== undefined && longMs > periodMs)
      problems.add([...path, 'long'], 'is longer than the SLO period');
    if ((severity !== 'page' && severity !== 'ticket') || !longMs || !shortMs || !budgetPercent)
      return [];
    return [{ severity, longMs, shortMs, budgetPercent }];
  });
}

/** Parses and validates an SLO spec from YAML text; throws one RedlineError listing every problem. */
export function parseSloSpec(text: string, file = 'slo.yaml'): SloSpec {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const pos = lineCounter.linePos(e.pos[0]);
    throw new RedlineError('E_SLO_SPEC', `${file} is not valid YAML: ${e.message.split('\n')[0]}`, {
      exitCode: ExitCode.InvalidConfig,
      position: { file, line: pos.line, column: pos.col },
    });
  }
  const where = (path: Array<string | number>) => {
    for (let n = path.length; n >= 0; n--) {
      const node = doc.getIn(path.slice(0, n), true) as
        | { range?: [number, number, number] }
        | undefined;
      if (node?.range) return `line ${lineCounter.linePos(node.range[0]).line}: `;
    }
    return '';
  };
  const problems = new Problems(where);
  const raw = doc.toJS() as unknown;
  const spec = buildSpec(raw, problems);
  if (problems.list.length > 0 || !spec) {
    throw new RedlineError('E_SLO_SPEC', `${file} has ${problems.list.length} problem(s)`, {
      exitCode: ExitCode.InvalidConfig,
      problems: problems.list,
      hint: 'see docs/monitoring.md for the SLO file format',
      position: { file },
    });
  }
  return spec;
}

/** Validates an already-parsed object (the YAML document as plain data). */
export function buildSpec(raw: unknown, problems: Problems): SloSpec | undefined {
  if (!isRecord(raw)) {
    problems.add([], 'the SLO file must be a map with service and slos (or criteria)');
    return undefined;
  }
  const known = new Set([
    'version',
    'service',
    'labels',
    'period',
    'window',
    'windows',
    'slos',
    'criteria',
    'selector',
    'alerting',
  ]);
  for (const k of Object.keys(raw))
    if (!known.has(k)) problems.add([k], `unknown key (expected one of ${[...known].join(', ')})`);
  const service = raw['service'];
  if (typeof service !== 'string' || !/^[a-zA-Z0-9_.-]+$/.test(service))
    problems.add(['service'], 'must be a name of letters, digits, _ . -');
  const periodKey = raw['period'] !== undefined ? 'period' : 'window';
  const periodMs =
    raw[periodKey] === undefined
      ? 30 * 86_400_000
      : (readDuration(raw[periodKey], [periodKey], problems) ?? 30 * 86_400_000);
  const labels = readLabels(raw['labels'], ['labels'], problems);
  const windows = readWindows(raw['windows'], periodMs, problems);
  const rawSlos: Array<{ raw: RawSlo; path: Array<string | number> }> = [];
  if (raw['slos'] !== undefined) {
    if (!Array.isArray(raw['slos'])) problems.add(['slos'], 'must be a list');
    else
      for (const [i, s] of raw['slos'].entries())
        rawSlos.push({ raw: s as RawSlo, path: ['slos', i] });
  }
  if (raw['criteria'] !== undefined) {
    for (const s of slosFromCriteria(raw['criteria'], problems))
      rawSlos.push({ raw: s, path: ['criteria'] });
  }
  if (rawSlos.length === 0) problems.add([], 'no SLO defined: add slos: or criteria:');
  const defaults = { selector: raw['selector'], alerting: raw['alerting'] };
  const names = new Set<string>();
  const slos = rawSlos.flatMap(({ raw: s, path }) => {
    const slo = buildSlo(s, path, String(service), defaults, problems);
    if (slo && names.has(slo.name)) problems.add(path, `duplicate SLO name "${slo.name}"`);
    if (slo) names.add(slo.name);
    return slo ? [slo] : [];
  });
  if (typeof service !== 'string') return undefined;
  return { service, periodMs, labels, windows, slos };
}
