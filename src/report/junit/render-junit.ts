/**
 * JUnit XML renderer for CI: success criteria, step validity, thresholds and critical findings
 * as test cases. Failures: a criterion at ❌, a failed threshold of a step that is not meant to
 * break (stress and spike steps are skipped), a critical finding. ⚠️ (acceptable) passes with a note.
 */

import { formatCriterionValue } from '../../results/criteria.js';
import { escapeXml } from '../escape.js';
import type { ReportModel } from '../model/report-model.js';

interface Case {
  classname: string;
  name: string;
  timeS?: number;
  failure?: { message: string; type: string; body?: string };
  skipped?: string;
  out?: string;
}

function criteriaCases(model: ReportModel): Case[] {
  return model.performance.rows.map((r) => {
    const name = `${r.label} ${r.targetDisplay} (acceptable ${r.acceptableDisplay})`;
    const c: Case = {
      classname: 'redline.criteria',
      name,
      out: `measured ${r.display} at ${model.performance.basis}${r.note ? ` (${r.note})` : ''}: ${r.status}`,
    };
    if (r.status === 'unknown') c.skipped = r.criterion ? 'not measured' : 'no criterion set';
    if (r.status === 'fail') {
      const limit = r.criterion ? formatCriterionValue(r.metric, r.criterion.acceptable) : '';
      c.failure = {
        type: 'criterion',
        message: `${r.label} is ${r.display}, beyond the acceptable ${limit}`,
      };
    }
    return c;
  });
}

function stepCases(model: ReportModel): Case[] {
  return model.loadTest.steps.map((s) => {
    const c: Case = {
      classname: 'redline.steps',
      name: `${s.label} is valid`,
      timeS: s.durationMs / 1000,
      out: `${s.requests} requests, ${s.rps.toFixed(1)} req/s, p95 ${s.p95.toFixed(1)} ms, errors ${(s.errorRate * 100).toFixed(2)}%`,
    };
    if (!s.valid) c.skipped = `invalid: ${s.invalidReason ?? 'untrusted numbers'}`;
    return c;
  });
}

function thresholdCases(model: ReportModel): Case[] {
  const breaking = new Set(
    model.loadTest.steps
      .filter((s) => s.kind === 'stress' || s.kind === 'spike')
      .map((s) => s.label),
  );
  return model.loadTest.thresholds.map((t) => {
    const c: Case = {
      classname: 'redline.thresholds',
      name: `${t.step}: ${t.metric} ${t.expression}`,
      out: `observed ${t.observed ?? 'n/a'}`,
    };
    if (breaking.has(t.step)) c.skipped = 'stress and spike steps are meant to break thresholds';
    else if (!t.ok)
      c.failure = {
        type: 'threshold',
        message: `${t.metric} ${t.expression} failed (observed ${t.observed ?? 'n/a'})`,
      };
    return c;
  });
}

function findingCases(model: ReportModel): Case[] {
  return model.bottlenecks.map((b) => {
    const c: Case = {
      classname: 'redline.findings',
      name: `${b.id}: ${b.title}`,
      out: `${b.severity}; ${b.impact}; at ${b.location ?? 'unknown location'}`,
    };
    if (b.severity === 'critical')
      c.failure = {
        type: 'finding',
        message: `${b.title} (${b.impact})`,
        body: `${b.rootCause}\n${b.recommendation}`,
      };
    return c;
  });
}

function suiteXml(name: string, cases: readonly Case[]): string {
  const failures = cases.filter((c) => c.failure).length;
  const skipped = cases.filter((c) => c.skipped !== undefined).length;
  const time = cases.reduce((s, c) => s + (c.timeS ?? 0), 0);
  const body = cases.map((c) => {
    const inner = [
      c.failure
        ? `<failure message="${escapeXml(c.failure.message)}" type="${escapeXml(c.failure.type)}">${escapeXml(c.failure.body ?? c.failure.message)}</failure>`
        : '',
      c.skipped !== undefined ? `<skipped message="${escapeXml(c.skipped)}"/>` : '',
      c.out ? `<system-out>${escapeXml(c.out)}</system-out>` : '',
    ].join('');
    return `    <testcase classname="${escapeXml(c.classname)}" name="${escapeXml(c.name)}" time="${(c.timeS ?? 0).toFixed(3)}">${inner}</testcase>`;
  });
  return [
    `  <testsuite name="${escapeXml(name)}" tests="${cases.length}" failures="${failures}" errors="0" skipped="${skipped}" time="${time.toFixed(3)}">`,
    ...body,
    '  </testsuite>',
  ].join('\n');
}

/** Renders the model as JUnit XML (one <testsuites> with four suites). */
export function renderJunit(model: ReportModel): string {
  const suites: Array<[string, Case[]]> = [
    ['success criteria', criteriaCases(model)],
    ['steps', stepCases(model)],
    ['thresholds', thresholdCases(model)],
    ['findings', findingCases(model)],
  ];
  const all = suites.flatMap(([, c]) => c);
  const failures = all.filter((c) => c.failure).length;
  const skipped = all.filter((c) => c.skipped !== undefined).length;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${escapeXml(model.title)}" tests="${all.length}" failures="${failures}" errors="0" skipped="${skipped}">`,
    ...suites.map(([name, cases]) => suiteXml(name, cases)),
    '</testsuites>',
    '',
  ].join('\n');
}
