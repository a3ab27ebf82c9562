/** Builds the ReportModel of one plain run (`redline run --json`), graded against success criteria. */

import { DEFAULT_SUCCESS_CRITERIA, type SuccessCriteria } from '../../results/criteria.js';
import { runTestData } from '../../results/run-meta.js';
import type { RunResultFile } from '../../results/run-result.js';
import { readRunStats } from '../../results/run-stats.js';
import { type RedactOptions, redactDeep } from '../../util/redact.js';
import { createTimeline } from './charts.js';
import { createChecklist } from './checklist.js';
import { addRunDetails } from './create-from-audit.js';
import { describeInfrastructure, environmentFromRun, environmentRows } from './environment.js';
import { createImprovements } from './improvements.js';
import { createMonitoringView } from './monitoring.js';
import { createPerformanceRows, describeRows, overallVerdict } from './performance.js';
import type { LoadTestView, ReportModel } from './report-model.js';
import { createRunStepView } from './step-view.js';
import { formatThroughputInterval, throughputInterval } from './throughput-interval.js';

/** Options of {@link createReportModelFromRun}. */
export interface RunReportOptions extends RedactOptions {
  /**
   * Criteria to grade against; default: Redline's table ({@link DEFAULT_SUCCESS_CRITERIA}, [ref:
   * success-criteria]).
   */
  criteria?: SuccessCriteria;
}

const NOT_IN_RUN = 'not part of a plain run (use redline audit)';
const NO_HTTP =
  'no HTTP request in this run: its measures are its own metrics (ws_*, grpc_*, custom)';

/**
 * What a plain run says about capacity: nothing measured (one fixed load is not a stress ramp,
 * and its best second is not a capacity), only the throughput it sustained, with a 95 % interval
 * over its whole seconds (issue 13 §3).
 */
export function sustainedThroughputNote(run: RunResultFile): string {
  const base = 'a single run at fixed load is not a stress ramp (use redline audit)';
  // In the run's own measure: req/s of HTTP, else e.g. calls/s of gRPC (never 0 req/s of none).
  const { measure, timeline } = createTimeline([{ label: 'run', run, valid: true }]);
  if (!measure) return base;
  const http = measure.kind === 'http';
  const interval = throughputInterval(run, http ? undefined : timeline.map((p) => p.rps));
  if (!interval) return base;
  const unit = http ? 'req/s' : `${measure.rateUnit} (${measure.name})`;
  return `${base}; it sustained ${formatThroughputInterval(interval, unit)}`;
}

function loadTest(run: RunResultFile): LoadTestView {
  const step = createRunStepView(run);
  const env = environmentFromRun(run);
  const view: LoadTestView = {
    configuration: {
      users: step.users,
      durationMs: run.durationMs,
      infrastructure: describeInfrastructure(env),
      target: run.meta.target,
      flow: run.meta.scenarios.map((s) => `${s.name}: ${s.executor} — ${s.description}`),
      testData: runTestData(run.meta),
    },
    results: {
      maxCapacityNote: sustainedThroughputNote(run),
      breakingPointNote: 'not determined: a single run is not a stress ramp (use redline audit)',
    },
    steps: [step],
    environment: environmentRows(env),
    statusCodes: {},
    errors: {},
    thresholds: [],
    checks: [],
  };
  addRunDetails(view, 'run', run);
  return view;
}

function summary(run: RunResultFile, model: Omit<ReportModel, 'summary'>): string[] {
  const s = readRunStats(run);
  const seconds = (run.durationMs / 1000).toFixed(1);
  const measures =
    s.requests > 0
      ? `${s.requests} requests in ${seconds} s (${s.rps.toFixed(1)} req/s), p95 ${s.p95.toFixed(1)} ms, ${(s.errorRate * 100).toFixed(2)}% errors`
      : `no HTTP request in ${seconds} s (its measures are its own metrics: ws_*, grpc_*, custom)`;
  const out = [
    `Run ${run.meta.runId} against ${run.meta.target}: ${measures}; ended: ${run.reason}${run.detail ? ` (${run.detail})` : ''}.`,
    `Against the success criteria it ${describeRows(model.performance.rows)}.`,
  ];
  const failed = run.thresholds.filter((t) => !t.ok);
  out.push(
    run.thresholds.length === 0
      ? 'No thresholds were defined.'
      : failed.length === 0
        ? `All ${run.thresholds.length} thresholds passed.`
        : `${failed.length} of ${run.thresholds.length} thresholds failed: ${failed.map((t) => `${t.metric} ${t.expression}`).join(', ')}.`,
  );
  if (run.generator.saturated) {
    const g = run.generator;
    const why =
      g.warnings.length > 0
        ? g.warnings.join('; ')
        : `CPU ${g.cpuPercent.toFixed(0)}%, event-loop lag p99 ${g.eventLoopLagP99Ms.toFixed(0)} ms`;
    out.push(
      `The load generator saturated (${why}): the numbers may measure the generator, not the target.`,
    );
  }
  return out;
}

/** Builds the report of a single run; the run is redacted before anything is read. */
export function createReportModelFromRun(
  input: RunResultFile,
  options: RunReportOptions = {},
): ReportModel {
  const run = redactDeep(input, options);
  const criteria = options.criteria ?? { ...DEFAULT_SUCCESS_CRITERIA };
  const s = readRunStats(run);
  // A run without HTTP requests (WebSocket, gRPC, a script measuring its own metrics) measured
  // none of the HTTP criteria: 0 ms latency and 0 % errors would grade as met, 0 req/s as failed.
  const http = s.requests > 0;
  const measured = (value: number, note?: string) =>
    http ? { value, ...(note ? { note } : {}) } : { note: NO_HTTP };
  const rows = createPerformanceRows(criteria, {
    p50: measured(s.p50),
    p95: measured(s.p95),
    p99: measured(s.p99),
    errorRate: measured(s.errorRate),
    throughput: measured(s.rps, 'mean over the run'),
    cpu: { note: 'target CPU is measured by redline audit' },
    memory: { note: 'target memory is measured by redline audit' },
  });
  const plan = { immediate: [], shortTerm: [], longTerm: [] };
  const partial: Omit<ReportModel, 'summary'> = {
    format: 'redline-report',
    version: 1,
    kind: 'run',
    title: `Performance Analysis Report: ${run.meta.target}`,
    subject: run.meta.target,
    startedAtMs: run.meta.startedAtMs,
    redlineVersion: run.redlineVersion,
    performance: {
      basis: `run ${run.meta.runId}${options.criteria ? '' : ", graded against Redline's default criteria"}`,
      rows,
    },
    bottlenecks: [],
    observations: [],
    loadTest: loadTest(run),
    plan,
    improvements: createImprovements([], plan),
    monitoring: createMonitoringView(undefined, criteria),
    checklist: createChecklist(
      {
        ...(s.requests > 0
          ? { baseline: `this run: ${s.requests} requests, p95 ${s.p95.toFixed(1)} ms` }
          : {}),
        ...(run.meta.scenarios.length > 0
          ? {
              loadTests: `scenarios: ${run.meta.scenarios.map((x) => `${x.name} (${x.executor})`).join(', ')}`,
            }
          : {}),
      },
      {
        profiling: NOT_IN_RUN,
        bottlenecks: NOT_IN_RUN,
        optimizations: NOT_IN_RUN,
        verified: 'compare with a previous run: redline compare',
        monitoring: NOT_IN_RUN,
        alerts: NOT_IN_RUN,
        documentation: NOT_IN_RUN,
      },
    ),
    charts: {
      ...createTimeline([{ label: 'run', run, valid: !run.generator.saturated }]),
      distribution: run.distribution,
    },
  };
  return {
    ...partial,
    summary: { verdict: overallVerdict(rows), paragraphs: summary(run, partial) },
  };
}
