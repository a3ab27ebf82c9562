/**
 * The saved result of one audit (`redline audit --json`): the input the audit fills and the
 * report renders. Versioned like RunResultFile; fields are only ever added.
 */
import type { Finding } from '../findings/finding.js';
import type { SuccessCriteria } from './criteria.js';
import type { RunResultFile } from './run-result.js';

/** The kinds of audit steps, in the order an audit runs them. */
export type AuditStepKind = 'baseline' | 'load' | 'peak' | 'stress' | 'spike' | 'soak';

/** What the audit was told to do (secrets already left out by the audit; the report redacts again). */
export interface AuditConfigSummary {
  /** Name of the system under test, for titles (e.g. 'demo shop'). */
  systemName?: string;
  /** Base URL of the target. */
  target: string;
  /** The user flow as short step labels, e.g. ['POST /auth/login', 'GET /users/me', 'sleep 1s']. */
  flow: string[];
  /**
   * The test data the flow's iterations used: data files with record counts and how rows were
   * drawn, "no data file: …", or "not stated" (a script that does not tell). No values.
   */
  testData?: string;
  /** Base load X: concurrent users of the normal-load step (peak is 3X). */
  baseUsers: number;
  /** The success criteria table (Target and Acceptable per metric). */
  criteria: SuccessCriteria;
  /** Planned duration per step kind, ms (what --plan-only writes; the report shows the measured ones). */
  plannedDurationsMs?: Partial<Record<AuditStepKind, number>>;
  /** Users per step kind when not the defaults (baseline 1, load X, peak 3X, spike 5X, soak X). */
  stepUsers?: Partial<Record<AuditStepKind, number>>;
  /** Tools used, e.g. ['redline 0.1.0 (load)', 'V8 inspector (profile)', 'EXPLAIN ANALYZE (db)']. */
  tools?: string[];
}

/** Memory trend of the soak step: the leak check. */
export interface LeakCheck {
  /** Target RSS at the start and end of the soak window, bytes. */
  startRssBytes: number;
  endRssBytes: number;
  /** Least-squares slope of RSS over the window, bytes per minute. */
  rssSlopeBytesPerMin: number;
  /** Heap used slope, bytes per minute, when the target exposes it (probe or inspector). */
  heapSlopeBytesPerMin?: number;
  /** The audit's verdict and why. */
  leakSuspected: boolean;
  note: string;
  /**
   * Set when no leak was suspected but the audit could not have seen one of a size that matters
   * (too few requests, or the retained heap not measured): why. Shown as "cannot tell", never as
   * "no leak seen".
   */
  cannotTell?: string;
}

/** How a leak check reads in one phrase: suspected, cannot tell, or none seen. */
export function leakCheckVerdict(
  leak: LeakCheck,
): 'leak suspected' | 'cannot tell' | 'no leak seen' {
  if (leak.leakSuspected) return 'leak suspected';
  return leak.cannotTell ? 'cannot tell' : 'no leak seen';
}

/** One step of the audit: one load run plus what was measured around it. */
export interface AuditStep {
  kind: AuditStepKind;
  /** Label shown in tables, e.g. 'stress 4/8'; defaults to the kind. */
  label?: string;
  /** Concurrent users (closed model) of the step. */
  users?: number;
  /** Arrival rate per second (open model) of the step. */
  rate?: number;
  run: RunResultFile;
  /** False when the numbers cannot be trusted (e.g. the generator saturated). */
  valid: boolean;
  invalidReason?: string;
  /** Target process CPU, percent of one core × cores (100 = all cores busy), mean over the step. */
  targetCpuPercent?: number;
  /**
   * The busiest target process's main thread (a Node service's event loop), percent of one core,
   * mean over the step: saturation of a single-threaded loop that `targetCpuPercent` hides.
   */
  targetMainThreadPercent?: number;
  /** Target memory as percent of the host's (or container's) memory, max over the step. */
  targetMemoryPercent?: number;
  /** Target resident set size, bytes, max over the step. */
  targetRssBytes?: number;
  /**
   * The local database server's processes (see {@link DbServerMeasure.scope}), percent of all
   * cores (100 = every core busy), mean over the step. Absent when not measured.
   */
  dbServerCpuPercent?: number;
  /** The load generator's own CPU, percent (mean over the step). */
  generatorCpuPercent?: number;
  /** Soak only: the memory trend verdict. */
  leakCheck?: LeakCheck;
}

/** The breaking point found by the stress ramp. */
export interface BreakingPoint {
  /** Highest throughput sustained while every criterion still held, req/s. */
  maxRps: number;
  /** Users at the first failing stress step (the knee). */
  users: number;
  /** Error rate (0..1) at the knee. */
  errorRate: number;
  /** Index into the audit's stress steps (in step order) of the knee; -1 when none broke. */
  kneeIndex: number;
  /** What broke first. */
  reason: 'errors' | 'latency' | 'throughput-plateau' | 'not-reached';
}

/** One frame stack with its weight: the folded-stack format (`a;b;c 123`) as data. */
export interface FoldedStack {
  /** Frames from the root to the leaf, each `function (file:line)`. */
  frames: string[];
  /** Weight in `unit` (self time of the leaf on this exact stack). */
  value: number;
}

/** What the profile under normal load showed, enough for a flamegraph of the top stacks. */
export interface ProfileSummary {
  durationMs: number;
  sampleCount: number;
  /**
   * Requests served while the profile was taken (the profile step's request rate × the profile's
   * duration): the profile's CPU times per request, for ranking (src/findings/common-impact.ts).
   */
  requests?: number;
  /** Unit of FoldedStack.value. */
  unit: 'ms' | 'samples';
  /** Top stacks by weight (the audit keeps the heaviest few hundred). */
  stacks: FoldedStack[];
  /** Where the profile file was written, for the reader. */
  file?: string;
}

/** One node of an engine-neutral query plan (small, for the report only). */
export interface PlanTreeNode {
  nodeType: string;
  relation?: string;
  index?: string;
  /** Time spent in this node alone (children excluded), ms, over all loops. */
  selfMs: number;
  totalMs?: number;
  rowsEstimated?: number;
  rowsActual?: number;
  loops?: number;
  /** Problems the plan rules saw here, e.g. 'seq-scan', 'misestimate x120', 'sort-spill'. */
  flags: string[];
  children: PlanTreeNode[];
}

/** The worst query of the DB step with its plan. */
export interface WorstQuery {
  engine: string;
  query: string;
  /** Execution time of the EXPLAIN ANALYZE run, ms. */
  totalMs: number;
  /** Calls per request or per second, when known from statement stats or the probe. */
  callsPerRequest?: number;
  plan: PlanTreeNode;
}

/** A gain measured by a verify run or `--verify-index` for one finding. */
export interface MeasuredGain {
  findingId: string;
  /**
   * The statement the gain was measured on, as its finding's `location.query` holds it: two
   * findings of one rule on different statements each get their own gain. Absent in results
   * written before it existed (then a gain is matched by rule id alone).
   */
  query?: string;
  /** What was measured, e.g. 'p95 latency', 'query time'. */
  metric: string;
  before: number;
  after: number;
  unit: string;
  source: 'verify-run' | 'verify-index';
}

/** One metric of the baseline-vs-now comparison of `redline audit --baseline`. */
export interface VerifiedMetric {
  metric: string;
  unit: string;
  before: number;
  after: number;
  lowerIsBetter: boolean;
  /** Verdict from the compare engine, when it ran. */
  verdict?: 'regression' | 'improvement' | 'no-change' | 'not-significant';
}

/** Improvements verified against a previous audit or run. */
export interface Verification {
  /** File or label of the baseline result. */
  baseline: string;
  baselineRunId?: string;
  metrics: VerifiedMetric[];
}

/** An alert recommendation; `ruleName` once the monitoring issue generates the rule. */
export interface AlertRecommendation {
  name: string;
  condition: string;
  severity: 'page' | 'ticket' | 'info';
  ruleName?: string;
}

/** Monitoring recommendations and, once written, the files that configure them. */
export interface MonitoringPlan {
  metrics: string[];
  alerts: AlertRecommendation[];
  dashboards: string[];
  /** Files written by the audit (rules, dashboards): the evidence for the checklist. */
  files?: { kind: 'rules' | 'dashboard' | 'metrics'; path: string }[];
}

/** Whether and how the database server's CPU was measured next to the target's. */
export interface DbServerMeasure {
  /** 'PostgreSQL', 'MariaDB', 'MySQL', 'PGlite'. */
  engine: string;
  /** True when the server's processes were read from /proc during the steps. */
  measured: boolean;
  /** Which processes were read, or why none: 'not measured (remote database)'. */
  scope: string;
}

/** The test environment as measured during the audit. */
export interface AuditEnvironment {
  hostname: string;
  platform: string;
  cores: number;
  cpuModel: string;
  memoryBytes: number;
  node: string;
  target?: { name: string; version?: string };
  database?: { engine: string; version?: string };
  notes?: string[];
}

/** The whole saved audit. */
export interface AuditResultFile {
  format: 'redline-audit';
  version: 1;
  redlineVersion: string;
  startedAtMs: number;
  durationMs: number;
  config: AuditConfigSummary;
  environment: AuditEnvironment;
  /** The database server's CPU: measured (local server) or why not; absent without a database. */
  dbServer?: DbServerMeasure;
  steps: AuditStep[];
  breakingPoint?: BreakingPoint;
  profile?: ProfileSummary;
  worstQuery?: WorstQuery;
  findings: Finding[];
  gains?: MeasuredGain[];
  verification?: Verification;
  monitoring?: MonitoringPlan;
  /** Documentation files the audit wrote or updated (evidence for the checklist). */
  documentation?: string[];
}

/** Default users per step kind relative to the base load X. */
export function defaultStepUsers(x: number): Record<AuditStepKind, number> {
  return { baseline: 1, load: x, peak: 3 * x, stress: x, spike: 5 * x, soak: x };
}

/** The step "Current Performance" describes: the first valid normal-load step, else the first valid one. */
export function selectBasisStep(audit: AuditResultFile): AuditStep | undefined {
  return (
    audit.steps.find((s) => s.kind === 'load' && s.valid) ??
    audit.steps.find((s) => s.valid) ??
    audit.steps[0]
  );
}
