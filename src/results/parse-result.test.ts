// Tests of result-file detection and its errors (unknown format, bad JSON, missing fields).
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../errors/exit-codes.js';
import { RedlineError } from '../errors/redline-error.js';
import { createSyntheticAudit } from './__fixtures__/synthetic-audit.js';
import { createSyntheticRun } from './__fixtures__/synthetic-run.js';
import { parseResultText, selectComparableRun } from './parse-result.js';

function errorOf(fn: () => unknown): RedlineError {
  try {
    fn();
  } catch (e) {
    if (e instanceof RedlineError) return e;
    throw e;
  }
  throw new Error('expected a RedlineError');
}

describe('parseResultText', () => {
  it('detects runs and audits by their format field', () => {
    expect(parseResultText(JSON.stringify(createSyntheticRun()), 'r.json').kind).toBe('run');
    expect(parseResultText(JSON.stringify(createSyntheticAudit()), 'a.json').kind).toBe('audit');
  });

  it('rejects an unknown format with a DataError', () => {
    const e = errorOf(() => parseResultText('{"format":"k6-summary"}', 'x.json'));
    expect(e.code).toBe('E_REPORT_FORMAT');
    expect(e.exitCode).toBe(ExitCode.DataError);
    expect(e.message).toContain('"k6-summary"');
  });

  it('rejects invalid JSON and lists missing fields', () => {
    expect(errorOf(() => parseResultText('{', 'x.json')).code).toBe('E_REPORT_JSON');
    const run = createSyntheticRun() as unknown as Record<string, unknown>;
    delete run.timeline;
    const e = errorOf(() => parseResultText(JSON.stringify(run), 'x.json'));
    expect(e.code).toBe('E_REPORT_SHAPE');
    expect(e.problems).toContain('timeline is not an array');
    const audit = createSyntheticAudit() as unknown as {
      steps: Array<{ run: Record<string, unknown> }>;
    };
    delete audit.steps[2]!.run.meta;
    expect(errorOf(() => parseResultText(JSON.stringify(audit), 'a.json')).problems).toContain(
      'steps[2].run: meta is missing',
    );
  });

  it('selects the step to compare from an audit', () => {
    const parsed = parseResultText(JSON.stringify(createSyntheticAudit()), 'a.json');
    expect(selectComparableRun(parsed, 'a.json', 'peak').meta.scenarios[0]?.description).toContain(
      '150 VUs',
    );
    const noSoak = createSyntheticAudit();
    noSoak.steps = noSoak.steps.filter((s) => s.kind !== 'soak');
    const e = errorOf(() =>
      selectComparableRun(parseResultText(JSON.stringify(noSoak), 'a.json'), 'a.json', 'soak'),
    );
    expect(e.code).toBe('E_COMPARE_STEP');
  });
});
