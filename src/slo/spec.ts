/** The typed SLO spec (`slo.yaml` after validation): service, period, burn windows and SLOs. */

/**
 * Label matchers: label -> value. A plain value matches equality; a value starting with `=~`,
 * `!=` or `!~` uses that PromQL operator (`status: "=~5.."`).
 */
export type Matchers = Readonly<Record<string, string>>;

/** Errors over total from one counter: errors are the series matching `errors` too. */
export interface AvailabilitySli {
  kind: 'availability';
  /** Counter of all events, e.g. `redline_http_reqs_total`. */
  metric: string;
  /** Matchers that select the failed events among them. */
  errors: Matchers;
  /** Matchers applied to both queries. */
  selector: Matchers;
}

/** Share of events slower than `thresholdS`, from a classic histogram's buckets. */
export interface LatencySli {
  kind: 'latency';
  /** Histogram base name (without `_bucket`), e.g. `redline_http_req_duration_seconds`. */
  metric: string;
  /** Threshold in seconds; must be one of the histogram's bucket bounds. */
  thresholdS: number;
  selector: Matchers;
}

/** Raw PromQL; `{{window}}` is replaced by each window (`5m`, `1h`, ...). */
export interface EventsSli {
  kind: 'events';
  errorQuery: string;
  totalQuery: string;
}

/** How the error ratio of an SLO is measured. */
export type Sli = AvailabilitySli | LatencySli | EventsSli;

/** One multi-window burn-rate tier: alert when both windows burn faster than the factor. */
export interface BurnWindow {
  severity: 'page' | 'ticket';
  longMs: number;
  shortMs: number;
  /** Share of the period's error budget (percent) this tier lets burn before alerting. */
  budgetPercent: number;
}

/** Alerting settings of one SLO. */
export interface SloAlerting {
  pageName: string;
  ticketName: string;
  page: boolean;
  ticket: boolean;
  /** `for:` of the alerts, ms (0 = none, as Sloth). */
  pageForMs: number;
  ticketForMs: number;
  labels: Readonly<Record<string, string>>;
  annotations: Readonly<Record<string, string>>;
}

/** One SLO. */
export interface Slo {
  /** Name as written (`availability`, `latency-p99`). */
  name: string;
  /** `<service>-<name>`: the `slo_id` label. */
  id: string;
  /** Objective in percent (99.9). */
  objective: number;
  description: string;
  sli: Sli;
  labels: Readonly<Record<string, string>>;
  alerting: SloAlerting;
}

/** A validated SLO file. */
export interface SloSpec {
  service: string;
  /** SLO period in ms (default 30 days). */
  periodMs: number;
  /** Labels added to every rule. */
  labels: Readonly<Record<string, string>>;
  windows: readonly BurnWindow[];
  slos: readonly Slo[];
}

const HOUR = 3_600_000;
const MINUTE = 60_000;

/** The SRE Workbook's tiers: 2% of the budget in 1h (page), 5% in 6h (page), 10% in 3d (ticket). */
export const DEFAULT_BURN_WINDOWS: readonly BurnWindow[] = [
  { severity: 'page', longMs: HOUR, shortMs: 5 * MINUTE, budgetPercent: 2 },
  { severity: 'page', longMs: 6 * HOUR, shortMs: 30 * MINUTE, budgetPercent: 5 },
  { severity: 'ticket', longMs: 72 * HOUR, shortMs: 6 * HOUR, budgetPercent: 10 },
];

/**
 * Burn-rate factor of a tier: the budget share it allows, spread over the long window, relative
 * to spending the whole budget evenly over the period (30d: 14.4, 6, 1; 28d: 13.44, 5.6, 0.933).
 */
export function burnFactor(window: BurnWindow, periodMs: number): number {
  return Number((((window.budgetPercent / 100) * periodMs) / window.longMs).toPrecision(6));
}

/** Error budget of an objective (99.9 -> 0.001), rounded to hide float noise. */
export function errorBudget(objectivePercent: number): number {
  return Number((1 - objectivePercent / 100).toPrecision(10));
}

/** A duration as PromQL writes it, in the largest whole unit (`5m`, `1h`, `3d`, `30d`). */
export function promDuration(ms: number): string {
  const units: Array<[string, number]> = [
    ['d', 24 * HOUR],
    ['h', HOUR],
    ['m', MINUTE],
    ['s', 1000],
  ];
  for (const [unit, size] of units) if (ms % size === 0) return `${ms / size}${unit}`;
  return `${ms}ms`;
}

/** Every window the rules need a recording for: the short and long window of each tier. */
export function recordedWindows(spec: Pick<SloSpec, 'windows'>): number[] {
  const set = new Set<number>();
  for (const w of spec.windows) {
    set.add(w.shortMs);
    set.add(w.longMs);
  }
  return [...set].sort((a, b) => a - b);
}

/** The SLO names in PascalCase for alert names (`checkout`, `latency-p99` -> `CheckoutLatencyP99`). */
export function pascalCase(...parts: string[]): string {
  return parts
    .join('-')
    .split(/[^a-zA-Z0-9]+/)
    .filter((p) => p !== '')
    .map((p) => p[0]!.toUpperCase() + p.slice(1))
    .join('');
}
