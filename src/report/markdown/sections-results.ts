/** Markdown of "Load Test Results": configuration, results, steps, environment, codes, checks. */

import { leakCheckVerdict } from '../../results/audit-result.js';
import {
  formatFraction,
  formatInteger,
  formatMemory,
  formatPercentValue,
  formatReportDuration,
  formatRps,
  formatStepCpu,
  stepHttpCells,
} from '../format.js';
import { summarizeChecks } from '../model/checks-view.js';
import { LEAK_MARK } from '../model/leak-view.js';
import type { LoadTestView, ReportModel, StepView } from '../model/report-model.js';
import { bullets, code, table, text } from './md.js';

function stepRow(s: StepView): string[] {
  const mem =
    s.targetMemoryPercent !== undefined
      ? `${formatPercentValue(s.targetMemoryPercent)}${s.targetRssBytes !== undefined ? ` (${formatMemory(s.targetRssBytes)})` : ''}`
      : formatMemory(s.targetRssBytes);
  const gen = `${formatPercentValue(s.generatorCpuPercent)}${s.generatorSaturated ? ' saturated' : ''}`;
  return [
    text(s.label),
    s.users !== undefined ? formatInteger(s.users) : s.rate !== undefined ? `${s.rate}/s` : '—',
    formatReportDuration(s.durationMs),
    formatInteger(s.requests),
    formatRps(s.rps),
    ...stepHttpCells(s),
    formatStepCpu(s),
    mem,
    gen,
    s.valid ? '✅' : `❌ ${text(s.invalidReason ?? 'invalid')}`,
  ];
}

/** The step table (also used by the HTML renderer's tests for column parity). */
export const STEP_COLUMNS = [
  'Step',
  'Users',
  'Duration',
  'Requests',
  'req/s',
  'p50',
  'p95',
  'p99',
  'Errors',
  'Target CPU',
  'Target memory',
  'Generator CPU',
  'Valid',
] as const;

function counts(title: string, record: Record<string, number>): string[] {
  const entries = Object.entries(record).sort((a, b) => b[1] - a[1]);
  if (entries.length === 0) return [];
  return [
    `**${title}:**`,
    '',
    table(
      ['Name', 'Count'],
      entries.map(([k, n]) => [code(k), formatInteger(n)]),
    ),
    '',
  ];
}

function results(view: LoadTestView): string[] {
  const r = view.results;
  const lines = [
    `Maximum capacity: ${r.maxCapacityRps !== undefined ? formatRps(r.maxCapacityRps) : 'not measured'} (${text(r.maxCapacityNote)})`,
    `Breaking point: ${r.breakingPointUsers !== undefined ? `${formatInteger(r.breakingPointUsers)} users` : 'not reached'} (${text(r.breakingPointNote)})`,
    `Error threshold: ${r.errorThreshold ? `${formatFraction(r.errorThreshold.errorRate)} at ${formatInteger(r.errorThreshold.users)} users` : 'not reached'}`,
  ];
  const leak = view.leakCheck;
  if (leak) {
    lines.push(
      `Endurance (leak check): ${LEAK_MARK[leakCheckVerdict(leak)]} ${leakCheckVerdict(leak)}: RSS ${formatMemory(leak.startRssBytes)} → ${formatMemory(leak.endRssBytes)}, ${formatMemory(leak.rssSlopeBytesPerMin)}/min (${text(leak.note)})`,
    );
  }
  return lines;
}

function checksAndThresholds(view: LoadTestView): string[] {
  const out: string[] = [];
  if (view.thresholds.length > 0) {
    const rows = view.thresholds.map((t) => [
      text(t.step),
      code(t.metric),
      code(t.expression),
      t.observed === null
        ? '—'
        : text(String(Number(t.observed.toFixed(Math.abs(t.observed) >= 100 ? 1 : 3)))),
      t.ok ? '✅' : '❌',
    ]);
    out.push(
      '**Thresholds:**',
      '',
      table(['Step', 'Metric', 'Threshold', 'Observed', 'Result'], rows),
      '',
    );
  }
  if (view.checks.length > 0) {
    const rows = summarizeChecks(view.checks).map((c) => {
      const total = c.passes + c.fails;
      return [
        text(c.check),
        text(c.steps),
        formatInteger(c.passes),
        formatInteger(c.fails),
        total > 0 ? formatFraction(c.passes / total) : '—',
        c.failedIn.length > 0 ? text(c.failedIn.join(', ')) : '—',
      ];
    });
    out.push(
      '**Checks:**',
      '',
      table(['Check', 'Steps', 'Passes', 'Fails', 'Pass rate', 'Failed in'], rows),
      '',
    );
  }
  return out;
}

/** "### Load Test Results". */
export function renderLoadTest(model: ReportModel): string {
  const view = model.loadTest;
  const c = view.configuration;
  const usersLine =
    model.kind === 'audit' && c.users !== undefined
      ? `${formatInteger(c.users)} (base load X; peak 3X = ${formatInteger(c.users * 3)})`
      : c.users !== undefined
        ? formatInteger(c.users)
        : 'not recorded';
  return [
    '### Load Test Results',
    '',
    '**Test Configuration:**',
    bullets([
      `Concurrent users: ${usersLine}`,
      `Test duration: ${formatReportDuration(c.durationMs)}`,
      `Infrastructure: ${text(c.infrastructure)}`,
      `Target: ${code(c.target)}`,
      `User flow: ${c.flow.length > 0 ? c.flow.map(code).join(' → ') : 'not recorded'}`,
      `Test data: ${text(c.testData)}`,
    ]),
    '',
    '**Results:**',
    bullets(results(view)),
    '',
    '**Steps:**',
    '',
    table([...STEP_COLUMNS], view.steps.map(stepRow)),
    '',
    '**Test environment (measured):**',
    '',
    table(
      ['Item', 'Value'],
      view.environment.map(([k, v]) => [text(k), text(v)]),
    ),
    '',
    ...counts('Status codes', view.statusCodes),
    ...counts('Errors by class', view.errors),
    ...checksAndThresholds(view),
  ]
    .join('\n')
    .trimEnd();
}
