/**
 * Reads `slo.yaml` into a validated {@link SloSpec}, reporting every problem at once with its
 * line. Accepts explicit `slos:` and the success-criteria shorthand `criteria:` (p95/p99/error
 * rate, as in a load test plan), which becomes latency and availability SLOs.
 */
import { LineCounter, parseDocument } from 'yaml';
import { ExitCode } from '../errors/exit-codes.js';
import { RedlineError } from '../errors/redline-error.js';
import {
  FILE_DURATION,
  formatInputProblem,
  type InputPath,
  InputReader,
} from '../util/input-reader.js';
import { isRecord } from '../util/is-record.js';
import { yamlPositionOf } from '../util/yaml-position.js';
import { slosFromCriteria } from './criteria.js';
import { buildSlo, type RawSlo } from './parse-slo.js';
import { type BurnWindow, DEFAULT_BURN_WINDOWS, promDuration, type SloSpec } from './spec.js';
import { readLabels, readPercent } from './spec-read.js';

function readWindows(value: unknown, periodMs: number, reader: InputReader): BurnWindow[] {
  if (value === undefined) {
    const tooLong = DEFAULT_BURN_WINDOWS.filter((w) => w.longMs > periodMs);
    for (const w of tooLong)
      reader.add(
        ['period'],
        `is shorter than the default ${promDuration(w.longMs)} ${w.severity} window: set windows: for a period this short`,
      );
    return [...DEFAULT_BURN_WINDOWS];
  }
  if (!Array.isArray(value) || value.length === 0) {
    reader.add(['windows'], 'must be a list of {severity, long, short, budget}');
    return [];
  }
  return value.flatMap((w, i): BurnWindow[] => {
    const path = ['windows', i];
    if (!isRecord(w)) {
      reader.add(path, 'must be a map with severity, long, short and budget');
      return [];
    }
    const severity = w['severity'];
    if (severity !== 'page' && severity !== 'ticket')
      reader.add([...path, 'severity'], 'must be page or ticket');
    const longMs = reader.duration(w['long'], [...path, 'long'], FILE_DURATION);
    const shortMs = reader.duration(w['short'], [...path, 'short'], FILE_DURATION);
    const budgetPercent = readPercent(w['budget'], [...path, 'budget'], reader);
    if (longMs !== undefined && shortMs !== undefined && shortMs >= longMs)
      reader.add(path, 'the short window must be shorter than the long one');
    if (longMs !== undefined && longMs > periodMs)
      reader.add([...path, 'long'], 'is longer than the SLO period');
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
  const positionOf = yamlPositionOf(doc, lineCounter);
  const reader = new InputReader();
  const raw = doc.toJS() as unknown;
  const spec = buildSpec(raw, reader);
  const found = reader.problems.problems;
  if (found.length > 0 || !spec) {
    const first = found[0] && positionOf(found[0].path, found[0].atKey);
    throw new RedlineError('E_SLO_SPEC', `${file} has ${found.length} problem(s)`, {
      exitCode: ExitCode.InvalidConfig,
      problems: found.map((p) => {
        const at = positionOf(p.path, p.atKey);
        return formatInputProblem(p, at ? `${file}:${at.line}:${at.column}` : file);
      }),
      hint: 'see docs/monitoring.md for the SLO file format',
      position: { file, ...(first ? { line: first.line, column: first.column } : {}) },
    });
  }
  return spec;
}

/** Validates an already-parsed object (the YAML document as plain data). */
export function buildSpec(raw: unknown, reader: InputReader): SloSpec | undefined {
  if (!isRecord(raw)) {
    reader.add([], 'the SLO file must be a map with service and slos (or criteria)');
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
    if (!known.has(k)) reader.problems.unknownKey([k], 'key', known);
  const service = raw['service'];
  if (typeof service !== 'string' || !/^[a-zA-Z0-9_.-]+$/.test(service))
    reader.add(['service'], 'must be a name of letters, digits, _ . -');
  const periodKey = raw['period'] !== undefined ? 'period' : 'window';
  const periodMs =
    raw[periodKey] === undefined
      ? 30 * 86_400_000
      : (reader.duration(raw[periodKey], [periodKey], FILE_DURATION) ?? 30 * 86_400_000);
  const labels = readLabels(raw['labels'], ['labels'], reader);
  const windows = readWindows(raw['windows'], periodMs, reader);
  const rawSlos: Array<{ raw: RawSlo; path: InputPath }> = [];
  if (raw['slos'] !== undefined) {
    if (!Array.isArray(raw['slos'])) reader.add(['slos'], 'must be a list');
    else
      for (const [i, s] of raw['slos'].entries())
        rawSlos.push({ raw: s as RawSlo, path: ['slos', i] });
  }
  if (raw['criteria'] !== undefined) {
    for (const s of slosFromCriteria(raw['criteria'], reader))
      rawSlos.push({ raw: s, path: ['criteria'] });
  }
  if (rawSlos.length === 0) reader.add([], 'no SLO defined: add slos: or criteria:');
  const defaults = { selector: raw['selector'], alerting: raw['alerting'] };
  const names = new Set<string>();
  const slos = rawSlos.flatMap(({ raw: s, path }) => {
    const slo = buildSlo(s, path, String(service), defaults, reader);
    if (slo && names.has(slo.name)) reader.add(path, `duplicate SLO name "${slo.name}"`);
    if (slo) names.add(slo.name);
    return slo ? [slo] : [];
  });
  if (typeof service !== 'string') return undefined;
  return { service, periodMs, labels, windows, slos };
}
