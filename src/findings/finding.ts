/** The one `Finding` type every domain (engine, profiler, db, probe, audit) produces and reports consume. */

/** Which part of the system a finding is about. */
export type FindingArea =
  | 'latency'
  | 'errors'
  | 'throughput'
  | 'capacity'
  | 'cpu'
  | 'memory'
  | 'event-loop'
  | 'gc'
  | 'database'
  | 'http'
  | 'generator'
  | 'config';

/** How bad it is. `critical` breaks a success criterion on its own; `info` is an observation. */
export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'info';

/** Severities from worst to mildest (for sorting and thresholds). */
export const SEVERITY_ORDER: readonly Severity[] = ['critical', 'high', 'medium', 'low', 'info'];

/** A place in the user's code (after source maps), or in a query / route. */
export interface FindingLocation {
  /** File path as the user knows it (relative to the project when possible). */
  file?: string;
  /** 1-based line. */
  line?: number;
  /** 1-based column. */
  column?: number;
  /** Function name, when known. */
  functionName?: string;
  /** HTTP route (`GET /items`), when the finding is tied to one. */
  route?: string;
  /** Normalised SQL text, when the finding is tied to a query. */
  query?: string;
}

/** How much the problem costs. `share` is the fraction (0..1) of the measured total it accounts for. */
export interface FindingImpact {
  /** Fraction of total latency, CPU time or DB time (0..1), when measured. */
  share?: number;
  /** What `share` is a fraction of (e.g. 'CPU time under load', 'request latency', 'DB time'). */
  shareOf?: string;
  /** Time it costs, in milliseconds (per request, or in total: say which in `description`). */
  timeMs?: number;
  /** One-line human summary of the impact, e.g. "38% of CPU time under load". */
  description: string;
  /**
   * The measure findings of every rule are ranked by (src/findings/common-impact.ts): the time
   * the fix would save, in ms per request of the audit's traffic (every route's requests). Set
   * by the audit when the rule's own figures allow the estimate; else `perRequestUnknown` says why.
   */
  perRequestMs?: number;
  /** What `perRequestMs` is time of: request time (probe, database) or the target's CPU time (profile). */
  perRequestOf?: 'request time' | 'CPU time';
  /** Why `perRequestMs` could not be estimated for this finding (it then ranks after those with it). */
  perRequestUnknown?: string;
}

/** The fix. `diff` holds a before/after code pair when one is known; `sql` a statement to run. */
export interface FindingRecommendation {
  text: string;
  /** Effort to apply it: sorts the optimisation plan into Immediate / Short-term / Long-term. */
  effort?: 'low' | 'medium' | 'high';
  /**
   * Before/after code. With `file` and `line`, `before` is the user's own lines from there and
   * `after` their rewrite; without them it is the rule's generic example.
   */
  diff?: { before: string; after: string; language?: string; file?: string; line?: number };
  sql?: string;
}

/** One measured fact supporting a finding (a number with a unit, or a short text). */
export interface Evidence {
  label: string;
  value: string | number;
  unit?: string;
  /** Where the evidence comes from, e.g. 'cpuprofile', 'EXPLAIN ANALYZE', 'probe'. */
  source?: string;
}

/** One numbered line of the user's source. */
export interface SourceLine {
  /** 1-based line number. */
  line: number;
  /** The line as written, secrets and key-like literals redacted. */
  text: string;
}

/**
 * The user's own source at a finding's location: the lines around the call site (redacted), or
 * why they could not be read. Shown in the report next to the recommendation.
 */
export interface FindingCode {
  /** The file as the report shows it (relative to the project when possible). */
  file: string;
  /** The line the finding points at. */
  line: number;
  /** A few lines before and after `line`, when the source was readable. */
  lines?: SourceLine[];
  /** Fence language of the lines, e.g. 'ts', 'js', 'py'. */
  language?: string;
  /** Why no lines are shown: the file is missing or unreadable, or the line is past its end. */
  unreadable?: string;
}

/**
 * A problem found, with where it is, what it costs, why it happens and what to do.
 * `id` is the stable id of the rule that produced it (e.g. `cpu.sync-crypto`, `db.missing-index`).
 */
export interface Finding {
  id: string;
  area: FindingArea;
  title: string;
  severity: Severity;
  location?: FindingLocation;
  impact?: FindingImpact;
  rootCause: string;
  recommendation: FindingRecommendation;
  evidence: Evidence[];
  /** The user's source lines at `location` (added by the audit when the file is readable). */
  code?: FindingCode;
  /** Optional structured attachment for renderers (e.g. a plan tree, top stacks). */
  data?: unknown;
  /**
   * Rule ids of the findings of the same root cause folded into this one (the audit's merge
   * step); each left an evidence line here, and its measured gains count for this finding.
   */
  merged?: string[];
  /**
   * Other statements the same fix serves (one index needed by several statements, merged by the
   * audit): their measured gains count for this finding as its own statement's do.
   */
  alsoQueries?: string[];
}
