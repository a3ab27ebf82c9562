/**
 * ThresholdEvaluator: the Output that judges thresholds. It evaluates every 2 s of run time (from
 * the 1 s interval updates) so `abortOnFail` can stop a run early, and once more at the end, which
 * gives the verdict (exit 99 when any failed). Windowed thresholds fail when any full window failed.
 */
import type { Aggregate, MetricSummary } from '../metrics/aggregate.js';
import { BUILTIN_METRICS } from '../metrics/builtin.js';
import type { Output } from '../outputs/output.js';
import type { IntervalUpdate, RunEnd, RunMeta } from '../results/run-meta.js';
import type { ResultThreshold } from '../results/run-result.js';
import { formatDuration } from '../util/duration.js';
import { diagnoseMissing } from './missing.js';
import { compare, formatObservation, hasSamples, isWorse, observe } from './observe.js';
import { formatAggregation } from './parse-expression.js';
import type { ThresholdDefinition } from './types.js';
import { WindowRing } from './window.js';

/** A threshold's outcome: the result-file fields plus what the summary and logs show. */
export interface ThresholdOutcome extends ResultThreshold {
  /** `p(95)`, `rate`, ... */
  aggregation: string;
  /** `p(95)=148.21ms`: the observed value as the summary prints it. */
  observedText: string;
  /**
   * passed/failed; no-data and no-match (no samples: judged as k6 judges an empty metric, see
   * missing.ts); unknown-metric, no-answer (no samples because the target answered no
   * request), invalid (fail).
   */
  status: 'passed' | 'failed' | 'no-data' | 'unknown-metric' | 'no-match' | 'no-answer' | 'invalid';
  /** Why it failed or was not evaluated, for the terminal. */
  reason?: string;
  /** Sliding window length, ms (Redline extension). */
  windowMs?: number;
}

/** Options of {@link ThresholdEvaluator}. */
export interface ThresholdEvaluatorOptions {
  thresholds: readonly ThresholdDefinition[];
  /** Called once when an `abortOnFail` threshold fails (after its `delayAbortEval`). */
  onAbort?: (reason: string, outcome: ThresholdOutcome) => void;
  /** Evaluation period during the run, ms (default 2000, as k6). */
  evaluateEveryMs?: number;
  /** Names of metrics the script declared (built-in names are always known). */
  declaredMetrics?: Iterable<string>;
}

interface State {
  def: ThresholdDefinition;
  outcome: ThresholdOutcome;
  /** Windowed: a full window failed at some point; worst value seen. */
  windowFailed: boolean;
  worst: number | null;
  windowEvaluated: boolean;
  /** This threshold triggered the abort: it stays failed. */
  abortFailed: boolean;
}

/** Evaluates parsed thresholds against the run's aggregates. */
export class ThresholdEvaluator implements Output {
  readonly description = 'thresholds';
  readonly #states: State[];
  readonly #windows = new Map<string, WindowRing>();
  readonly #onAbort: ThresholdEvaluatorOptions['onAbort'];
  readonly #everyMs: number;
  readonly #declared: Set<string>;
  readonly #warnings: string[] = [];
  #intervalMs = 1000;
  #lastEvalMs = 0;
  #abortedBy: ThresholdOutcome | undefined;
  #final = false;

  constructor(options: ThresholdEvaluatorOptions) {
    this.#states = options.thresholds.map((def) => ({
      def,
      outcome: initialOutcome(def),
      windowFailed: false,
      worst: null,
      windowEvaluated: false,
      abortFailed: false,
    }));
    this.#onAbort = options.onAbort;
    this.#everyMs = options.evaluateEveryMs ?? 2000;
    this.#declared = new Set([...Object.keys(BUILTIN_METRICS), ...(options.declaredMetrics ?? [])]);
    this.#createWindows();
  }

  start(meta: RunMeta): void {
    this.#intervalMs = meta.intervalMs > 0 ? meta.intervalMs : 1000;
    this.#createWindows();
  }

  onInterval(update: IntervalUpdate): void {
    for (const ring of this.#windows.values())
      ring.push(update.delta, update.endMs - update.startMs);
    if (update.endMs - this.#lastEvalMs < this.#everyMs - 1) return;
    this.#lastEvalMs = update.endMs;
    this.#evaluateAll(update.totals, update.endMs, false);
  }

  stop(end: RunEnd): void {
    this.#evaluateAll(end.totals, end.durationMs, true);
    this.#final = true;
  }

  /** Outcomes in definition order: the final verdict after `stop`, the latest evaluation before. */
  outcomes(): ThresholdOutcome[] {
    return this.#states.map((s) => s.outcome);
  }

  /** Warnings found at the end (thresholds on metrics without samples, invalid aggregations). */
  warnings(): readonly string[] {
    return this.#warnings;
  }

  /** True when at least one threshold failed (final after `stop`). */
  get failed(): boolean {
    return this.#states.some((s) => !s.outcome.ok);
  }

  /** True once `stop` ran. */
  get finished(): boolean {
    return this.#final;
  }

  /** The threshold that aborted the run, if any. */
  get abortedBy(): ThresholdOutcome | undefined {
    return this.#abortedBy;
  }

  #createWindows(): void {
    for (const { def } of this.#states) {
      if (def.windowMs === undefined) continue;
      const capacity = Math.ceil(def.windowMs / this.#intervalMs);
      const ring = this.#windows.get(def.metricKey);
      if (ring) ring.ensureCapacity(capacity);
      else
        this.#windows.set(
          def.metricKey,
          new WindowRing(def.metric.name, def.metric.tags, capacity),
        );
    }
  }

  #evaluateAll(totals: Aggregate, elapsedMs: number, final: boolean): void {
    const cache = new Map<string, MetricSummary | undefined>();
    const summaryOf = (def: ThresholdDefinition): MetricSummary | undefined => {
      if (!cache.has(def.metricKey))
        cache.set(def.metricKey, totals.summarize(def.metric.name, def.metric.tags));
      return cache.get(def.metricKey);
    };
    for (const state of this.#states) {
      if (state.def.windowMs === undefined)
        this.#evaluateWhole(state, summaryOf(state.def), elapsedMs, totals, final);
      else this.#evaluateWindow(state, summaryOf(state.def), elapsedMs, totals, final);
      if (!final) this.#maybeAbort(state, elapsedMs);
    }
  }

  #evaluateWhole(
    state: State,
    summary: MetricSummary | undefined,
    elapsedMs: number,
    totals: Aggregate,
    final: boolean,
  ): void {
    const outcome = this.#judge(state.def, summary, elapsedMs / 1000);
    if (final && (outcome.status === 'no-data' || outcome.status === 'invalid'))
      this.#finalizeMissing(state.def, outcome, totals);
    if (state.abortFailed)
      markFailed(outcome, outcome.reason ?? 'failed during the run and aborted it (abortOnFail)');
    state.outcome = outcome;
  }

  #evaluateWindow(
    state: State,
    total: MetricSummary | undefined,
    elapsedMs: number,
    totals: Aggregate,
    final: boolean,
  ): void {
    const def = state.def;
    const view = this.#windows.get(def.metricKey)!.view(def.windowMs!);
    if (view.full) {
      const outcome = this.#judge(def, view.summary, view.spanMs / 1000);
      if (outcome.status === 'failed' || outcome.status === 'passed') {
        state.windowEvaluated = true;
        if (outcome.status === 'failed') state.windowFailed = true;
        if (
          outcome.observed !== null &&
          (state.worst === null || isWorse(outcome.observed, state.worst, def.expression.operator))
        ) {
          state.worst = outcome.observed;
        }
      }
      state.outcome = outcome;
    }
    if (!final) return;
    let outcome: ThresholdOutcome;
    if (!state.windowEvaluated) {
      // Never a full window with data: judge the whole run instead, and say so.
      outcome = this.#judge(def, total, elapsedMs / 1000);
      if (outcome.status === 'no-data' || outcome.status === 'invalid')
        this.#finalizeMissing(def, outcome, totals);
      else
        outcome.reason = `the run (${formatDuration(elapsedMs)}) had no full ${formatDuration(def.windowMs!)} window with samples: judged over the whole run`;
    } else {
      outcome = { ...state.outcome, observed: state.worst, ok: !state.windowFailed };
      outcome.status = outcome.ok ? 'passed' : 'failed';
      outcome.observedText = this.#windowText(state, total);
      delete outcome.reason;
    }
    if (state.abortFailed)
      markFailed(outcome, outcome.reason ?? 'failed during the run and aborted it (abortOnFail)');
    state.outcome = outcome;
  }

  #windowText(state: State, total: MetricSummary | undefined): string {
    const def = state.def;
    const text = formatObservation(def, state.worst, total?.contains, total?.type);
    return `${text} (worst ${formatDuration(def.windowMs!)} window)`;
  }

  #judge(
    def: ThresholdDefinition,
    summary: MetricSummary | undefined,
    elapsedSeconds: number,
  ): ThresholdOutcome {
    const outcome = initialOutcome(def);
    if (!summary || !hasSamples(summary)) return outcome;
    const observation = observe(def, summary, elapsedSeconds);
    if ('problem' in observation) {
      markFailed(outcome, observation.problem);
      outcome.status = 'invalid';
      return outcome;
    }
    outcome.observed = observation.value;
    outcome.observedText = formatObservation(
      def,
      observation.value,
      summary.contains,
      summary.type,
    );
    if (observation.value === null) return outcome;
    outcome.ok = compare(observation.value, def.expression.operator, def.expression.value);
    outcome.status = outcome.ok ? 'passed' : 'failed';
    return outcome;
  }

  #finalizeMissing(def: ThresholdDefinition, outcome: ThresholdOutcome, totals: Aggregate): void {
    if (outcome.status === 'invalid') {
      this.#warnings.push(`threshold "${def.source}" on ${def.metricKey}: ${outcome.reason}`);
      return;
    }
    const verdict = diagnoseMissing(def, totals, this.#declared);
    this.#warnings.push(verdict.warning);
    outcome.status = verdict.status;
    outcome.reason = verdict.warning;
    if (verdict.observed !== undefined) {
      const metric = totals.descriptors.get(def.metric.name);
      outcome.observed = verdict.observed;
      outcome.observedText = formatObservation(
        def,
        verdict.observed,
        metric?.contains,
        metric?.type,
      );
    }
    if (verdict.failed) outcome.ok = false;
  }

  #maybeAbort(state: State, elapsedMs: number): void {
    const { def, outcome } = state;
    if (!def.abortOnFail || this.#abortedBy || outcome.status !== 'failed') return;
    if (elapsedMs < def.delayAbortEvalMs) return;
    state.abortFailed = true;
    this.#abortedBy = outcome;
    const reason = `threshold "${def.source}" on ${def.metricKey} failed (${outcome.observedText}) and has abortOnFail`;
    outcome.reason = reason;
    this.#onAbort?.(reason, outcome);
  }
}

function initialOutcome(def: ThresholdDefinition): ThresholdOutcome {
  const outcome: ThresholdOutcome = {
    metric: def.metricKey,
    expression: def.source,
    ok: true,
    observed: null,
    abortOnFail: def.abortOnFail,
    aggregation: formatAggregation(def.expression.aggregation),
    observedText: `${formatAggregation(def.expression.aggregation)}=n/a`,
    status: 'no-data',
  };
  if (def.windowMs !== undefined) outcome.windowMs = def.windowMs;
  return outcome;
}

function markFailed(outcome: ThresholdOutcome, reason: string): void {
  outcome.ok = false;
  if (outcome.status === 'passed' || outcome.status === 'no-data') outcome.status = 'failed';
  outcome.reason = reason;
}
