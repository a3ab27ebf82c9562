/**
 * The typed, validated Plan of a scripted run: every scenario normalised to one executor config
 * with k6's defaults filled in and every duration in milliseconds. Built by `buildPlan` from a
 * script's exported `options`, CLI overrides and presets; consumed by the engine's executors.
 */

import type { HostRule } from './hosts.js';
import type { TlsOptions } from './tls-options.js';

/** Stage of a ramping executor: reach `target` (VUs or iterations per timeUnit) linearly over `durationMs`. */
export interface Stage {
  durationMs: number;
  target: number;
}

/** Options every scenario accepts (k6 defaults: startTime 0, gracefulStop 30 s, exec 'default'). */
export interface ScenarioBase {
  /** Scenario name (the key in `options.scenarios`; `default` for shortcuts). */
  name: string;
  startTimeMs: number;
  gracefulStopMs: number;
  /** Name of the exported function each iteration calls. */
  exec: string;
  /** Extra environment variables for this scenario's VUs (`__ENV`). */
  env: Record<string, string>;
  /** Tags added to every sample of this scenario. */
  tags: Record<string, string>;
}

/** shared-iterations: `iterations` in total, shared by `vus` VUs, within `maxDurationMs` (default 10 m). */
export interface SharedIterationsScenario extends ScenarioBase {
  executor: 'shared-iterations';
  vus: number;
  iterations: number;
  maxDurationMs: number;
}

/** per-vu-iterations: each of `vus` VUs runs `iterations`, within `maxDurationMs` (default 10 m). */
export interface PerVuIterationsScenario extends ScenarioBase {
  executor: 'per-vu-iterations';
  vus: number;
  iterations: number;
  maxDurationMs: number;
}

/** constant-vus: `vus` VUs loop for `durationMs`. */
export interface ConstantVusScenario extends ScenarioBase {
  executor: 'constant-vus';
  vus: number;
  durationMs: number;
}

/** ramping-vus: VUs follow `stages` from `startVUs` (default 1); `gracefulRampDownMs` default 30 s. */
export interface RampingVusScenario extends ScenarioBase {
  executor: 'ramping-vus';
  startVUs: number;
  stages: Stage[];
  gracefulRampDownMs: number;
}

/** constant-arrival-rate: `rate` iterations per `timeUnitMs` (default 1 s) for `durationMs`. */
export interface ConstantArrivalRateScenario extends ScenarioBase {
  executor: 'constant-arrival-rate';
  rate: number;
  timeUnitMs: number;
  durationMs: number;
  preAllocatedVUs: number;
  /** Defaults to preAllocatedVUs. */
  maxVUs: number;
}

/** ramping-arrival-rate: from `startRate` (default 0) iterations per `timeUnitMs` through `stages`. */
export interface RampingArrivalRateScenario extends ScenarioBase {
  executor: 'ramping-arrival-rate';
  startRate: number;
  timeUnitMs: number;
  stages: Stage[];
  preAllocatedVUs: number;
  maxVUs: number;
}

/** One normalised scenario. */
export type ScenarioPlan =
  | SharedIterationsScenario
  | PerVuIterationsScenario
  | ConstantVusScenario
  | RampingVusScenario
  | ConstantArrivalRateScenario
  | RampingArrivalRateScenario;

/** Executor names. */
export type ExecutorName = ScenarioPlan['executor'];

/** A threshold as written by the user (parsed later by thresholds/). */
export interface ThresholdSpec {
  threshold: string;
  abortOnFail: boolean;
  delayAbortEvalMs: number;
  /** Redline extension: evaluate over a sliding window of this length instead of the whole run. */
  windowMs?: number;
}

/** Test-wide options that are not scenarios. */
export interface PlanOptions {
  /** Test-wide tags (`options.tags`). */
  tags: Record<string, string>;
  /** `summaryTrendStats` (default k6's plus p(99)). */
  summaryTrendStats: string[];
  summaryTimeUnit?: 'ms' | 's' | 'us';
  setupTimeoutMs: number;
  teardownTimeoutMs: number;
  /** Do not keep response bodies unless a request asks for them. */
  discardResponseBodies: boolean;
  /** Open a new connection for every request. */
  noConnectionReuse: boolean;
  /** User-Agent header (empty string: send none). */
  userAgent: string;
  insecureSkipTLSVerify: boolean;
  /** `tlsVersion`, `tlsCipherSuites`, `tlsAuth` in node:tls terms (undefined: none set). */
  tls?: TlsOptions;
  /** Host overrides: name -> address (`options.hosts` and `--host`). */
  hosts: Record<string, string>;
  /** Max parallel requests of one `http.batch` (k6 default 20) and per host (default 6). */
  batch: number;
  batchPerHost: number;
  /** Max redirects followed per request (k6 default 10). */
  maxRedirects: number;
  /** Fail the run (exit 110) when any check failed (Redline extension; k6 issue 4065). */
  failOnCheck: boolean;
  /** Per-request timeout default (k6: 60 s). */
  httpTimeoutMs: number;
  /**
   * Extra names whose values are secrets in URLs, tags and outputs (Redline extension; added to
   * the built-in names, `--redact-param` and REDLINE_REDACT_PARAMS).
   */
  redactParams?: string[];
  /** Cookie handling and other k6 options that need no special type, kept as given. */
  extra: Record<string, unknown>;
  /** `--env K=V` values: added to every VU's `__ENV` (above the process env, below scenario `env`). */
  env?: Record<string, string>;
  /** Host rewrite rules from `--host` and `options.hosts`, most specific first (see config/hosts.ts). */
  hostRules?: HostRule[];
  /** Skip `setup()` / `teardown()` (k6 `noSetup` / `noTeardown`). */
  noSetup?: boolean;
  noTeardown?: boolean;
  /**
   * k6 `executionSegment` / `executionSegmentSequence` (`--execution-segment`, ...), validated;
   * undefined: the whole test. Engine shards rebuild the tuple with createExecutionTuple.
   */
  executionSegment?: string;
  executionSegmentSequence?: string;
  /** How long `handleSummary()` may run (k6 `handleSummaryTimeout`, default 2 min). */
  handleSummaryTimeoutMs?: number;
}

/** The whole validated plan. */
export interface Plan {
  scenarios: ScenarioPlan[];
  thresholds: Record<string, ThresholdSpec[]>;
  options: PlanOptions;
}

/** Where a problem was found (for messages: `options.scenarios.login.rate`). */
export interface PlanProblem {
  path: string;
  message: string;
  /** Nearest valid name when the problem is an unknown one. */
  suggestion?: string;
}
