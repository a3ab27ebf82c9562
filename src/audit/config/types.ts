/** The validated audit configuration (`redline.config.ts|yaml`), with every default filled in. */
import type { SuccessCriteria } from '../../results/criteria.js';

/** The target: where the load goes, and optionally how Redline starts it. */
export interface AuditTargetConfig {
  /** Base URL; `{port}` is replaced with the port Redline picked when it starts the target. */
  url: string;
  /** Command Redline starts (argv). Without it the target must already run at `url`. */
  command?: string[];
  cwd?: string;
  env?: Record<string, string>;
  /** Path polled until the started target answers (any HTTP status). */
  readyPath: string;
  readyTimeoutMs: number;
  /** A running process to measure (CPU, memory) when Redline did not start the target. */
  pid?: number;
  /** Name and version of the target for the test environment table. */
  name?: string;
  version?: string;
  /** Preload the in-app probe into a started Node target (default true). */
  probe: boolean;
  /** Start a started Node target with the inspector, for the profile and leak steps (default true). */
  inspect: boolean;
  /** A Go target's net/http/pprof address: the profile step fetches its CPU profile for the window. */
  pprof?: string;
}

/** One statement the DB step explains (parameters make EXPLAIN ANALYZE possible). */
export interface AuditQuery {
  name?: string;
  sql: string;
  params?: unknown[];
  /** Route that runs it, for the report (e.g. `GET /categories/:slug/items`). */
  route?: string;
}

/** The database behind the target. */
export interface AuditDatabaseConfig {
  /** `postgres://…`, `mysql://…`, `pglite:<dir>`; `{dataDir}` is the audit's PGlite folder. */
  url?: string;
  queries: AuditQuery[];
  /** Measure suggested indexes (default: on for a PGlite copy, off for a shared server). */
  verifyIndex?: boolean;
  /** Read pg_stat_statements / performance_schema over the run (default true on servers). */
  statements: boolean;
  /** Run statements that write under EXPLAIN ANALYZE (rolled back); false plans them only. Default true. */
  analyzeWrites?: boolean;
}

/** The user flow of one iteration. */
export type AuditFlowConfig =
  | {
      kind: 'steps';
      steps: unknown[];
      variables?: Record<string, unknown>;
      /**
       * Data files the iterations draw from (the YAML plan's `payload`, docs/yaml-plans.md), paths
       * already resolved against the config's folder.
       */
      payload?: Array<Record<string, unknown>>;
      headers?: Record<string, string>;
    }
  | { kind: 'urls'; urls: string[]; headers?: Record<string, string> }
  | { kind: 'script'; script: string };

/** A load step: users for a duration; `enabled: false` skips it. */
export interface LoadStepSettings {
  enabled: boolean;
  users: number;
  durationMs: number;
}

/** The stress ramp: steps of `stepUsers` from `startUsers` until the breaking point. */
export interface StressSettings {
  enabled: boolean;
  startUsers: number;
  stepUsers: number;
  maxSteps: number;
  stepDurationMs: number;
  /** Steps run after the knee, to show how the service degrades (default 0). */
  stepsAfterBreak: number;
}

/** The short endurance step (leak check). */
export interface SoakSettings extends LoadStepSettings {
  /** Period of the forced full GCs that measure the retained heap during the captured part. */
  heapCheckIntervalMs: number;
  /** Runs the soak is split into: a heap checkpoint follows each but the last (captured) one. */
  parts: number;
  /**
   * Requests the plain parts serve at least: more parts run until then (default SOAK_MIN_REQUESTS,
   * steps/soak-stop.ts), within `maxDurationMs`.
   */
  minRequests?: number;
  /** Hard cap on the whole soak, ms (default SOAK_TIME_CAP_FACTOR × `durationMs`). */
  maxDurationMs?: number;
}

/** The profile step under normal load. */
export interface ProfileSettings extends LoadStepSettings {
  samplingIntervalUs: number;
}

/** Every step's settings, in run order. */
export interface AuditStepsConfig {
  baseline: LoadStepSettings;
  load: LoadStepSettings;
  peak: LoadStepSettings;
  stress: StressSettings;
  spike: LoadStepSettings;
  soak: SoakSettings;
  profile: ProfileSettings;
  db: { enabled: boolean };
}

/** Names of the steps `--skip` and `steps:` accept. */
export const STEP_NAMES = [
  'baseline',
  'load',
  'peak',
  'stress',
  'spike',
  'soak',
  'profile',
  'db',
] as const;

/** One of {@link STEP_NAMES}. */
export type StepName = (typeof STEP_NAMES)[number];

/** The whole validated configuration. */
export interface AuditConfig {
  /** System name for titles (default: the target URL). */
  name?: string;
  /** The file it came from (absolute), if any. */
  source?: string;
  target: AuditTargetConfig;
  database?: AuditDatabaseConfig;
  criteria: SuccessCriteria;
  flow: AuditFlowConfig;
  /** Base load X: concurrent users of the normal-load step. */
  baseUsers: number;
  steps: AuditStepsConfig;
  /** Output folder (absolute). */
  outDir: string;
  /** Largest generator event-loop lag accepted, as a share of the step's p95 latency. */
  maxGeneratorLagShare: number;
  /** Exact secret values found in the config (flow passwords, env secrets): redacted everywhere. */
  secrets: string[];
}
