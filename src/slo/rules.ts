/**
 * Prometheus rules of an SLO spec, multi-window multi-burn-rate (SRE Workbook), with
 * Sloth-compatible record names:
 *
 *   slo:sli_error:ratio_rate<w>        error ratio per window (5m, 30m, 1h, 6h, 3d, ...)
 *   slo:sli_error:ratio_rate<period>   average of the 5m ratio over the period (no raw 30d scan)
 *   slo:objective:ratio, slo:error_budget:ratio, slo:time_period:days, slo:current_burn_rate:ratio,
 *   slo:period_burn_rate:ratio, slo:period_error_budget_remaining:ratio, redline_slo_info
 *   alerts <Name>Page / <Name>Ticket: both windows of a tier above factor x budget
 */
import { stringify } from 'yaml';
import { errorRatioExpr } from './sli.js';
import {
  type BurnWindow,
  burnFactor,
  errorBudget,
  promDuration,
  recordedWindows,
  type Slo,
  type SloSpec,
} from './spec.js';

/** A recording or alerting rule as written in a rule file. */
export type Rule =
  | { record: string; expr: string; labels: Record<string, string> }
  | {
      alert: string;
      expr: string;
      for?: string;
      labels: Record<string, string>;
      annotations: Record<string, string>;
    };

/** A rule group. */
export interface RuleGroup {
  name: string;
  rules: Rule[];
}

/** Labels that identify an SLO's series (plus the spec's and the SLO's own labels). */
export function sloLabels(spec: SloSpec, slo: Slo): Record<string, string> {
  return {
    ...spec.labels,
    ...slo.labels,
    slo_id: slo.id,
    slo_service: spec.service,
    slo_name: slo.name,
  };
}

/** `{slo_id="..."}`: selects one SLO's recorded series. */
export function sloSelector(slo: Slo): string {
  return `{slo_id=${JSON.stringify(slo.id)}}`;
}

function sliRules(spec: SloSpec, slo: Slo): Rule[] {
  const labels = sloLabels(spec, slo);
  const rules: Rule[] = recordedWindows(spec).map((ms) => ({
    record: `slo:sli_error:ratio_rate${promDuration(ms)}`,
    expr: errorRatioExpr(slo.sli, promDuration(ms)),
    labels: { ...labels, slo_window: promDuration(ms) },
  }));
  const shortest = promDuration(recordedWindows(spec)[0]!);
  const period = promDuration(spec.periodMs);
  const base = `slo:sli_error:ratio_rate${shortest}${sloSelector(slo)}`;
  rules.push({
    record: `slo:sli_error:ratio_rate${period}`,
    expr: `sum_over_time(${base}[${period}])\n/ ignoring (slo_window)\ncount_over_time(${base}[${period}])`,
    labels: { ...labels, slo_window: period },
  });
  return rules;
}

function metaRules(spec: SloSpec, slo: Slo): Rule[] {
  const labels = sloLabels(spec, slo);
  const sel = sloSelector(slo);
  const budget = errorBudget(slo.objective);
  const join = 'on (slo_id, slo_name, slo_service) group_left';
  const shortest = promDuration(recordedWindows(spec)[0]!);
  const period = promDuration(spec.periodMs);
  return [
    {
      record: 'slo:objective:ratio',
      expr: `vector(${Number((slo.objective / 100).toPrecision(12))})`,
      labels,
    },
    { record: 'slo:error_budget:ratio', expr: `vector(${budget})`, labels },
    { record: 'slo:time_period:days', expr: `vector(${spec.periodMs / 86_400_000})`, labels },
    {
      record: 'slo:current_burn_rate:ratio',
      expr: `slo:sli_error:ratio_rate${shortest}${sel}\n/ ${join}\nslo:error_budget:ratio${sel}`,
      labels,
    },
    {
      record: 'slo:period_burn_rate:ratio',
      expr: `slo:sli_error:ratio_rate${period}${sel}\n/ ${join}\nslo:error_budget:ratio${sel}`,
      labels,
    },
    {
      record: 'slo:period_error_budget_remaining:ratio',
      expr: `1 - slo:period_burn_rate:ratio${sel}`,
      labels,
    },
    {
      record: 'redline_slo_info',
      expr: 'vector(1)',
      labels: { ...labels, slo_objective: String(slo.objective), slo_period: period },
    },
  ];
}

/** The PromQL condition of one tier: both windows above factor x budget. */
export function tierCondition(spec: SloSpec, slo: Slo, w: BurnWindow): string {
  const threshold = `(${burnFactor(w, spec.periodMs)} * ${errorBudget(slo.objective)})`;
  const part = (ms: number) =>
    `max(slo:sli_error:ratio_rate${promDuration(ms)}${sloSelector(slo)} > ${threshold}) without (slo_window)`;
  return `(\n  ${part(w.shortMs)}\n  and\n  ${part(w.longMs)}\n)`;
}

/** Static annotations of an alert (no templates, so `promtool test rules` can check them exactly). */
export function alertAnnotations(
  spec: SloSpec,
  slo: Slo,
  severity: 'page' | 'ticket',
): Record<string, string> {
  const tiers = spec.windows
    .filter((w) => w.severity === severity)
    .map(
      (w) =>
        `${burnFactor(w, spec.periodMs)}x over ${promDuration(w.longMs)} and ${promDuration(w.shortMs)}`,
    );
  const speed = severity === 'page' ? 'fast' : 'steadily';
  return {
    summary: `${spec.service} ${slo.name}: the error budget is burning ${speed} (${severity})`,
    description: `The error ratio of SLO ${slo.name} (objective ${slo.objective}% over ${promDuration(spec.periodMs)}) is above ${tiers.join(', or ')} the error budget rate.${slo.description ? ` SLO: ${slo.description}.` : ''}`,
    ...slo.alerting.annotations,
  };
}

function alertRules(spec: SloSpec, slo: Slo): Rule[] {
  const rules: Rule[] = [];
  for (const severity of ['page', 'ticket'] as const) {
    const tiers = spec.windows.filter((w) => w.severity === severity);
    const enabled = severity === 'page' ? slo.alerting.page : slo.alerting.ticket;
    if (!enabled || tiers.length === 0) continue;
    const forMs = severity === 'page' ? slo.alerting.pageForMs : slo.alerting.ticketForMs;
    rules.push({
      alert: severity === 'page' ? slo.alerting.pageName : slo.alerting.ticketName,
      expr: tiers.map((w) => tierCondition(spec, slo, w)).join('\nor\n'),
      ...(forMs > 0 ? { for: promDuration(forMs) } : {}),
      labels: { ...slo.alerting.labels, severity },
      annotations: alertAnnotations(spec, slo, severity),
    });
  }
  return rules;
}

/** Every rule group of the spec: per SLO one SLI group, one meta group and one alert group. */
export function createSloRuleGroups(spec: SloSpec): RuleGroup[] {
  return spec.slos
    .flatMap((slo) => [
      { name: `redline-slo-${slo.id}-sli`, rules: sliRules(spec, slo) },
      { name: `redline-slo-${slo.id}-meta`, rules: metaRules(spec, slo) },
      { name: `redline-slo-${slo.id}-alerts`, rules: alertRules(spec, slo) },
    ])
    .filter((g) => g.rules.length > 0);
}

/** The rule file (YAML) of the spec. */
export function renderRulesYaml(spec: SloSpec, source = 'slo.yaml'): string {
  const header = `# Generated by \`redline slo generate ${source}\`: SLO recording and burn-rate alerting rules for ${spec.service}.\n# Do not edit by hand; change the SLO file and generate again.\n`;
  return (
    header +
    stringify({ groups: createSloRuleGroups(spec) }, { lineWidth: 0, aliasDuplicateObjects: false })
  );
}
