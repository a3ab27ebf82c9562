/**
 * ReportModel: the renderer-neutral report. Built once from an audit or a single run (already
 * redacted), then rendered as Markdown, HTML, JSON or JUnit. Renderers never read the inputs.
 */
import type { Evidence, FindingArea, FindingCode, Severity } from '../../findings/finding.js';
import type {
  AuditStepKind,
  FoldedStack,
  LeakCheck,
  PlanTreeNode,
} from '../../results/audit-result.js';
import type { Criterion, CriterionMetric, CriterionStatus } from '../../results/criteria.js';
import type { DistributionBucket } from '../../results/run-result.js';
import type { TimelineMeasure } from '../../results/timeline-measure.js';

/** One row of "Current Performance". */
export interface PerformanceRow {
  metric: CriterionMetric;
  label: string;
  value?: number;
  /** The value formatted with its unit, or 'not measured'. */
  display: string;
  criterion?: Criterion;
  /** `< 200ms` and `< 300ms`, or '—' without a criterion. */
  targetDisplay: string;
  acceptableDisplay: string;
  status: CriterionStatus;
  /** Where the value comes from when it is not the basis run (e.g. 'max capacity, stress'). */
  note?: string;
}

/** One bottleneck (a ranked finding) as the report shows it. */
export interface BottleneckView {
  rank: number;
  id: string;
  title: string;
  severity: Severity;
  area: FindingArea;
  /** `file:line`, else the function, route or query; undefined when unknown. */
  location?: string;
  /** Function and route next to a file location, e.g. 'listItems, GET /items'. */
  locationContext?: string;
  impact: string;
  rootCause: string;
  recommendation: string;
  effort?: 'low' | 'medium' | 'high';
  /** Before/after code; with `file`/`line` a rewrite of the user's own lines, else a generic example. */
  diff?: { before: string; after: string; language?: string; file?: string; line?: number };
  sql?: string;
  /** The user's source lines at the location, or why they could not be read. */
  code?: FindingCode;
  evidence: Evidence[];
}

/** One load step (or the single run) as a table row. */
export interface StepView {
  label: string;
  kind: AuditStepKind | 'run';
  users?: number;
  rate?: number;
  durationMs: number;
  requests: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  errorRate: number;
  targetCpuPercent?: number;
  /** The busiest main thread (event loop), percent of one core. */
  targetMainThreadPercent?: number;
  targetMemoryPercent?: number;
  targetRssBytes?: number;
  /** The local database server's processes, percent of all cores. */
  dbServerCpuPercent?: number;
  generatorCpuPercent?: number;
  generatorSaturated: boolean;
  valid: boolean;
  invalidReason?: string;
}

/** "Load Test Results". */
export interface LoadTestView {
  configuration: {
    users?: number;
    durationMs: number;
    infrastructure: string;
    target: string;
    flow: string[];
    /**
     * The test data the flow used: a plan's data files and how rows were drawn, "none: a single
     * URL without data", or "not stated" (a script); every report states it.
     */
    testData: string;
  };
  results: {
    maxCapacityRps?: number;
    maxCapacityNote: string;
    breakingPointUsers?: number;
    breakingPointNote: string;
    errorThreshold?: { errorRate: number; users: number };
  };
  steps: StepView[];
  leakCheck?: LeakCheck;
  /** The measured test environment as label/value pairs. */
  environment: Array<[string, string]>;
  statusCodes: Record<string, number>;
  errors: Record<string, number>;
  thresholds: Array<{
    step: string;
    metric: string;
    expression: string;
    ok: boolean;
    observed: number | null;
  }>;
  checks: Array<{ step: string; name: string; path: string; passes: number; fails: number }>;
}

/** One entry of the optimisation plan. */
export interface PlanItem {
  findingId: string;
  /** Position of the finding in the findings the plan was built from (same ids can repeat). */
  findingIndex?: number;
  title: string;
  text: string;
  severity: Severity;
  effort?: 'low' | 'medium' | 'high';
  impact: string;
}

/** "Optimization Plan" in three horizons [ref: report-layout]. */
export interface OptimizationPlan {
  immediate: PlanItem[];
  shortTerm: PlanItem[];
  longTerm: PlanItem[];
}

/** One row of "Expected Improvements"; `measured` false means an estimate. */
export interface ImprovementRow {
  optimization: string;
  gain: string;
  measured: boolean;
}

/** "Expected Improvements" plus, after `--baseline`, the verified ones. */
export interface ImprovementsView {
  rows: ImprovementRow[];
  total: ImprovementRow;
  verified?: {
    baseline: string;
    rows: Array<{
      metric: string;
      before: string;
      after: string;
      change: string;
      verdict: string;
      improved: boolean;
    }>;
  };
}

/** "Monitoring Recommendations". */
export interface MonitoringView {
  metrics: string[];
  alerts: string[];
  dashboards: string[];
  /** 'audit' when the audit supplied them; 'derived' when built from the success criteria. */
  source: 'audit' | 'derived';
}

/** One item of the Final Checklist, checked only with evidence. */
export interface ChecklistItem {
  label: string;
  checked: boolean;
  evidence: string;
}

/**
 * One point of the global timeline (all steps one after another), in the terms of the timeline's
 * {@link ChartMeasure}: `rps` is that measure per second, the percentiles its latency (absent
 * when nothing of it completed in the second, or when the measure has no latency).
 */
export interface ChartTimelinePoint {
  t: number;
  p50?: number;
  p90?: number;
  p95?: number;
  p99?: number;
  rps: number;
  vus: number;
  /** Failures of the measure in the second (0 when the measure counts none: see `errors`). */
  failed: number;
  errors: Record<string, number>;
}

/**
 * What the timeline charts plot: HTTP requests when the runs sent any, otherwise the measure of
 * the protocol the runs used (WebSocket echo round trips, gRPC calls, WebSocket messages), or
 * iterations.
 */
export type ChartMeasure = TimelineMeasure;

/** Data of every chart; absent parts mean "not measured". */
export interface ChartData {
  /**
   * What `timeline` measures; absent when the runs have nothing per second to plot (a run
   * without HTTP requests saved before per-second protocol measures existed).
   */
  measure?: ChartMeasure;
  timeline: ChartTimelinePoint[];
  /** Step boundaries on the timeline. */
  segments: Array<{ label: string; startT: number; endT: number; valid: boolean }>;
  distribution: DistributionBucket[];
  stress?: {
    points: Array<{
      label: string;
      users: number;
      rps: number;
      p95: number;
      errorRate: number;
      valid: boolean;
    }>;
    kneeIndex: number;
  };
  flame?: { unit: 'ms' | 'samples'; total: number; stacks: FoldedStack[] };
  plan?: { engine: string; query: string; totalMs: number; root: PlanTreeNode };
}

/** The whole renderer-neutral report. */
export interface ReportModel {
  format: 'redline-report';
  version: 1;
  kind: 'run' | 'audit';
  title: string;
  subject: string;
  /** When the measured work started (epoch ms): reports are reproducible, not stamped "now". */
  startedAtMs: number;
  redlineVersion: string;
  summary: { verdict: CriterionStatus; paragraphs: string[] };
  performance: { basis: string; rows: PerformanceRow[] };
  bottlenecks: BottleneckView[];
  /** Info-level findings: observations, not bottlenecks. */
  observations: BottleneckView[];
  loadTest: LoadTestView;
  plan: OptimizationPlan;
  improvements: ImprovementsView;
  monitoring: MonitoringView;
  checklist: ChecklistItem[];
  charts: ChartData;
}
