/**
 * A `promtool test rules` file for the generated rules: per SLO, synthetic counters (1 m apart)
 * for three stories, each checked at a computed time:
 *
 *   clean:      no errors at all              -> page and ticket alerts stay silent
 *   fast burn:  clean, then a burst of errors -> the page alert fires (ratio recorded exactly)
 *   slow burn:  a steady error ratio between the ticket and page thresholds
 *                                             -> the ticket alert fires, the page alert does not
 *
 * Ratios are powers of two and traffic is 2^20 events/min, so every count is an exact integer.
 * SLIs whose series cannot be synthesised (raw PromQL, regex matchers) get no test; the file
 * says so in a comment and `skipped` lists them.
 */
import { stringify } from 'yaml';
import { alertAnnotations, sloLabels, sloSelector } from './rules.js';
import {
  type BurnWindow,
  burnFactor,
  errorBudget,
  type Matchers,
  promDuration,
  type Slo,
  type SloSpec,
} from './spec.js';

const PER_MINUTE = 2 ** 20;
const MINUTE = 60_000;

interface Phase {
  perMinute: number;
  minutes: number;
}

/** Expanding notation of a counter that starts at 0 and grows by `perMinute` in each phase. */
export function counterValues(phases: readonly Phase[]): string {
  const parts: string[] = [];
  let value = 0;
  let first = true;
  for (const p of phases) {
    if (p.minutes <= 0) continue;
    const start = first ? 0 : value + p.perMinute;
    const steps = first ? p.minutes : p.minutes - 1;
    parts.push(`${start}+${p.perMinute}x${steps}`);
    value = start + steps * p.perMinute;
    first = false;
  }
  return parts.join(' ');
}

function equalityOnly(m: Matchers): boolean {
  return Object.values(m).every((v) => !/^(=~|!=|!~)/.test(v));
}

function seriesText(metric: string, labels: Record<string, string>): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  return parts.length ? `${metric}{${parts.join(',')}}` : metric;
}

/** Input series of one story: total traffic with `errorPhases` of failed (or slow) events. */
function inputSeries(
  slo: Slo,
  goodPhases: Phase[],
  errorPhases: Phase[],
): Array<{ series: string; values: string }> | undefined {
  const sli = slo.sli;
  if (sli.kind === 'availability') {
    if (!equalityOnly(sli.selector) || !equalityOnly(sli.errors)) return undefined;
    const [errLabel, errValue] = Object.entries(sli.errors)[0]!;
    const good = {
      ...sli.selector,
      ...sli.errors,
      [errLabel]: errValue === 'false' ? 'true' : `not_${errValue}`,
    };
    return [
      { series: seriesText(sli.metric, good), values: counterValues(goodPhases) },
      {
        series: seriesText(sli.metric, { ...sli.selector, ...sli.errors }),
        values: counterValues(errorPhases),
      },
    ];
  }
  if (sli.kind === 'latency') {
    if (!equalityOnly(sli.selector)) return undefined;
    const total = goodPhases.map((g, i) => ({
      minutes: g.minutes,
      perMinute: g.perMinute + (errorPhases[i]?.perMinute ?? 0),
    }));
    return [
      { series: seriesText(`${sli.metric}_count`, sli.selector), values: counterValues(total) },
      {
        series: seriesText(`${sli.metric}_bucket`, { ...sli.selector, le: String(sli.thresholdS) }),
        values: counterValues(goodPhases),
      },
      {
        series: seriesText(`${sli.metric}_bucket`, { ...sli.selector, le: '+Inf' }),
        values: counterValues(total),
      },
    ];
  }
  return undefined;
}

/** Traffic phases with error ratio `ratio` (a power of two) after `cleanMinutes` of none. */
function phases(
  cleanMinutes: number,
  burnMinutes: number,
  ratio: number,
): { good: Phase[]; errors: Phase[] } {
  const bad = ratio * PER_MINUTE;
  return {
    good: [
      { perMinute: PER_MINUTE, minutes: cleanMinutes },
      { perMinute: PER_MINUTE - bad, minutes: burnMinutes },
    ],
    errors: [
      { perMinute: 0, minutes: cleanMinutes },
      { perMinute: bad, minutes: burnMinutes },
    ],
  };
}

const powerOfTwoAtLeast = (x: number) => 2 ** Math.ceil(Math.log2(x));
const minutesOf = (ms: number) => Math.ceil(ms / MINUTE);

function expectedAlert(spec: SloSpec, slo: Slo, severity: 'page' | 'ticket') {
  const labels = { ...sloLabels(spec, slo), ...slo.alerting.labels, severity };
  return { exp_labels: labels, exp_annotations: alertAnnotations(spec, slo, severity) };
}

/** Plans the fast-burn story on the first page tier that can fire at all. */
function fastBurn(spec: SloSpec, slo: Slo) {
  const b = errorBudget(slo.objective);
  const tier = spec.windows.find(
    (w): w is BurnWindow => w.severity === 'page' && burnFactor(w, spec.periodMs) * b < 0.5,
  );
  if (!tier) return undefined;
  const fb = burnFactor(tier, spec.periodMs) * b;
  const ratio = Math.min(1, powerOfTwoAtLeast(2 * fb));
  // A short clean stretch keeps promtool fast; the long window then mixes clean and burst data:
  // its ratio passes fb after clean*fb/(ratio-fb) minutes, the short one after short*fb/ratio.
  const clean = Math.min(15, minutesOf(tier.longMs));
  const needed = Math.max((clean * fb) / (ratio - fb), (minutesOf(tier.shortMs) * fb) / ratio);
  const burn = Math.ceil(1.5 * needed) + 3 + minutesOf(slo.alerting.pageForMs);
  return { ratio, clean, burn, eval: clean + burn };
}

/** Plans the slow-burn story: a ratio strictly between the ticket and the page thresholds. */
function slowBurn(spec: SloSpec, slo: Slo) {
  const b = errorBudget(slo.objective);
  const ticket = spec.windows.filter((w) => w.severity === 'ticket');
  const page = spec.windows.filter((w) => w.severity === 'page');
  if (ticket.length === 0) return undefined;
  const ticketAt = Math.min(...ticket.map((w) => burnFactor(w, spec.periodMs) * b));
  const pageAt = Math.min(1, ...page.map((w) => burnFactor(w, spec.periodMs) * b));
  const ratio = 2 ** Math.round(Math.log2(Math.sqrt(ticketAt * pageAt)));
  if (!(ratio > 1.2 * ticketAt && ratio * 1.2 < pageAt) || ratio * PER_MINUTE < 1) return undefined;
  // A steady ratio from the start: every window, however long, sees exactly `ratio` at once.
  return { ratio, eval: 15 + minutesOf(slo.alerting.ticketForMs) };
}

type Severity = 'page' | 'ticket';

/** Builds the alert checks and story tests of one SLO. */
class SloStories {
  readonly tests: unknown[] = [];
  readonly skipped: string[] = [];
  constructor(
    readonly spec: SloSpec,
    readonly slo: Slo,
  ) {}

  alertTest(severity: Severity, at: number, fire: boolean) {
    const a = this.slo.alerting;
    return {
      eval_time: `${at}m`,
      alertname: severity === 'page' ? a.pageName : a.ticketName,
      exp_alerts: fire ? [expectedAlert(this.spec, this.slo, severity)] : [],
    };
  }

  enabled(severity: Severity): boolean {
    const on = severity === 'page' ? this.slo.alerting.page : this.slo.alerting.ticket;
    return on && this.spec.windows.some((w) => w.severity === severity);
  }

  clean(evalTimes: number[], horizon: number): void {
    const p = phases(horizon, 0, 0);
    this.tests.push({
      name: `${this.slo.id}: no errors, no alerts`,
      interval: '1m',
      input_series: inputSeries(this.slo, p.good, p.errors),
      alert_rule_test: [...new Set(evalTimes)].flatMap((at) =>
        (['page', 'ticket'] as const)
          .filter((s) => this.enabled(s))
          .map((s) => this.alertTest(s, at, false)),
      ),
    });
  }

  fast(plan: ReturnType<typeof fastBurn>): void {
    if (!this.enabled('page')) return;
    if (!plan) {
      this.skipped.push(
        `${this.slo.name}: objective ${this.slo.objective}% leaves no page tier that a burst can trip`,
      );
      return;
    }
    const p = phases(plan.clean, plan.burn + 1, plan.ratio);
    const window = promDuration(this.spec.windows.find((w) => w.severity === 'page')!.shortMs);
    const labels = Object.entries({ ...sloLabels(this.spec, this.slo), slo_window: window });
    this.tests.push({
      name: `${this.slo.id}: a burst of ${plan.ratio * 100}% errors pages`,
      interval: '1m',
      input_series: inputSeries(this.slo, p.good, p.errors),
      alert_rule_test: [
        this.alertTest('page', plan.clean - 1, false),
        this.alertTest('page', plan.eval, true),
      ],
      promql_expr_test: [
        {
          expr: `round(slo:sli_error:ratio_rate${window}${sloSelector(this.slo)} * ${PER_MINUTE})`,
          eval_time: `${plan.eval}m`,
          exp_samples: [
            {
              labels: `{${labels.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',')}}`,
              value: plan.ratio * PER_MINUTE,
            },
          ],
        },
      ],
    });
  }

  slow(plan: ReturnType<typeof slowBurn>): void {
    if (!this.enabled('ticket')) return;
    if (!plan) {
      this.skipped.push(
        `${this.slo.name}: the ticket and page thresholds are too close for a slow-burn test`,
      );
      return;
    }
    const p = phases(0, plan.eval + 1, plan.ratio);
    this.tests.push({
      name: `${this.slo.id}: a steady ${plan.ratio * 100}% error ratio opens a ticket, not a page`,
      interval: '1m',
      input_series: inputSeries(this.slo, p.good, p.errors),
      alert_rule_test: [
        this.alertTest('ticket', plan.eval, true),
        ...(this.enabled('page') ? [this.alertTest('page', plan.eval, false)] : []),
      ],
    });
  }
}

/** The promtool test file (YAML) for `rules` (file name of the rule file, relative to the test). */
export function renderPromtoolTests(
  spec: SloSpec,
  rulesFile: string,
): { yaml: string; skipped: string[] } {
  const tests: unknown[] = [];
  const skipped: string[] = [];
  for (const slo of spec.slos) {
    if (!inputSeries(slo, [], [])) {
      skipped.push(
        `${slo.name}: its SLI uses raw PromQL or regex matchers, so no synthetic series can be made`,
      );
      continue;
    }
    const fast = fastBurn(spec, slo);
    const slow = slowBurn(spec, slo);
    const horizon = Math.max(fast?.eval ?? 0, slow?.eval ?? 0, 30);
    const stories = new SloStories(spec, slo);
    stories.clean([...(fast ? [fast.eval] : []), ...(slow ? [slow.eval] : []), horizon], horizon);
    stories.fast(fast);
    stories.slow(slow);
    tests.push(...stories.tests);
    skipped.push(...stories.skipped);
  }
  const header = `# Generated by \`redline slo generate\`: unit tests of ${rulesFile}; run \`promtool test rules <this file>\`.\n${skipped.map((s) => `# Not tested: ${s}\n`).join('')}`;
  const body = stringify(
    { rule_files: [rulesFile], evaluation_interval: '1m', tests },
    { lineWidth: 0, aliasDuplicateObjects: false },
  );
  return { yaml: header + body, skipped };
}
