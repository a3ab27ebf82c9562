/** Reads a saved result file (run or audit), telling which it is by its `format` field. */
import { ExitCode } from '../errors/exit-codes.js';
import { RedlineError } from '../errors/redline-error.js';
import { isRecord } from '../util/is-record.js';
import type { AuditResultFile, AuditStepKind } from './audit-result.js';
import type { RunResultFile } from './run-result.js';

/** A parsed result file. */
export type ParsedResult =
  | { kind: 'run'; run: RunResultFile }
  | { kind: 'audit'; audit: AuditResultFile };

/** True when `value` looks like a RunResultFile (format and the fields renderers need). */
export function isRunResultFile(value: unknown): value is RunResultFile {
  return runProblems(value).length === 0;
}

/** True when `value` looks like an AuditResultFile. */
export function isAuditResultFile(value: unknown): value is AuditResultFile {
  return auditProblems(value).length === 0;
}

function runProblems(v: unknown, where = ''): string[] {
  if (!isRecord(v) || v.format !== 'redline-run') return [`${where}format is not "redline-run"`];
  const p: string[] = [];
  if (v.version !== 1) p.push(`${where}version ${String(v.version)} is not supported (expected 1)`);
  if (!isRecord(v.meta)) p.push(`${where}meta is missing`);
  if (!isRecord(v.metrics)) p.push(`${where}metrics is missing`);
  if (!Array.isArray(v.timeline)) p.push(`${where}timeline is not an array`);
  if (!Array.isArray(v.distribution)) p.push(`${where}distribution is not an array`);
  if (!isRecord(v.environment)) p.push(`${where}environment is missing`);
  if (!isRecord(v.generator)) p.push(`${where}generator is missing`);
  for (const k of ['checks', 'thresholds'])
    if (!Array.isArray(v[k])) p.push(`${where}${k} is not an array`);
  for (const k of ['statusCodes', 'errors']) if (!isRecord(v[k])) p.push(`${where}${k} is missing`);
  return p;
}

function auditProblems(v: unknown): string[] {
  if (!isRecord(v) || v.format !== 'redline-audit') return ['format is not "redline-audit"'];
  const p: string[] = [];
  if (v.version !== 1) p.push(`version ${String(v.version)} is not supported (expected 1)`);
  if (!isRecord(v.config) || !isRecord(v.config.criteria)) p.push('config.criteria is missing');
  if (!isRecord(v.environment)) p.push('environment is missing');
  if (!Array.isArray(v.findings)) p.push('findings is not an array');
  if (!Array.isArray(v.steps)) p.push('steps is not an array');
  else {
    for (const [i, s] of v.steps.entries()) {
      p.push(
        ...(isRecord(s)
          ? runProblems(s.run, `steps[${i}].run: `)
          : [`steps[${i}] is not an object`]),
      );
    }
  }
  return p;
}

/** Parses the text of a result file; `file` names it in errors. Throws RedlineError (DataError). */
export function parseResultText(text: string, file: string): ParsedResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new RedlineError('E_REPORT_JSON', `${file} is not valid JSON`, {
      cause,
      exitCode: ExitCode.DataError,
      position: { file },
      hint: 'pass a file written by `redline run --json` or `redline audit`',
    });
  }
  const format = isRecord(value) ? value.format : undefined;
  const problems =
    format === 'redline-run'
      ? runProblems(value)
      : format === 'redline-audit'
        ? auditProblems(value)
        : null;
  if (problems === null) {
    throw new RedlineError(
      'E_REPORT_FORMAT',
      `${file} is not a Redline result (format ${JSON.stringify(format ?? null)})`,
      {
        exitCode: ExitCode.DataError,
        position: { file },
        hint: 'expected "format": "redline-run" or "redline-audit"',
      },
    );
  }
  if (problems.length > 0) {
    throw new RedlineError(
      'E_REPORT_SHAPE',
      `${file} is a ${String(format)} file with missing or wrong fields`,
      {
        exitCode: ExitCode.DataError,
        position: { file },
        problems,
        hint: 'the file may be truncated or written by an incompatible version',
      },
    );
  }
  return format === 'redline-run'
    ? { kind: 'run', run: value as RunResultFile }
    : { kind: 'audit', audit: value as AuditResultFile };
}

/** The run of a result to compare: the run itself, or the audit's step of `kind` (first valid one). */
export function selectComparableRun(
  parsed: ParsedResult,
  file: string,
  kind: AuditStepKind = 'load',
): RunResultFile {
  if (parsed.kind === 'run') return parsed.run;
  const step =
    parsed.audit.steps.find((s) => s.kind === kind && s.valid) ??
    parsed.audit.steps.find((s) => s.kind === kind);
  if (!step) {
    throw new RedlineError('E_COMPARE_STEP', `${file} has no "${kind}" step`, {
      exitCode: ExitCode.DataError,
      position: { file },
      hint: `choose a step the audit ran with --step (${[...new Set(parsed.audit.steps.map((s) => s.kind))].join(', ')})`,
    });
  }
  return step.run;
}
