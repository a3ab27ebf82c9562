/**
 * The typed, validated Plan of a scripted run: every scenario normalised to one executor config
 * with k6's defaults filled in and every duration in milliseconds (the scenario types are the
 * executors', `executors/`). Built by `buildPlan` from a
 * script's exported `options`, CLI overrides and presets; consumed by the engine's executors.
 */

import type { ScenarioPlan } from '../executors/registry.js';
import type { HostRule } from './hosts.js';
import type { TlsOptions } from './tls-options.js';

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
