/** PromQL of an SLI: its error ratio over a window, and the traffic queries dashboards show. */
import type { LatencySli, Matchers, Sli } from './spec.js';

/** One matcher as PromQL (`name="v"`, `name=~"re"`, ...), the value quoted with escapes. */
function matcher(name: string, spec: string): string {
  const m = /^(=~|!=|!~)/.exec(spec);
  const op = m ? m[1] : '=';
  const value = m ? spec.slice(2) : spec;
  return `${name}${op}${JSON.stringify(value)}`;
}

/** A selector `{a="1",b=~"x"}` (empty string when there are no matchers). */
export function selectorText(matchers: Matchers, extra: string[] = []): string {
  const parts = Object.entries(matchers).map(([k, v]) => matcher(k, v));
  parts.push(...extra);
  return parts.length === 0 ? '' : `{${parts.join(',')}}`;
}

/**
 * The `le` matcher of a bucket bound. Prometheus 3 writes integer bounds as `1.0`, Prometheus 2
 * and Redline as `1`: integers match both spellings; other bounds print the same in both.
 */
export function leMatcher(thresholdS: number): string {
  if (Number.isInteger(thresholdS)) return `le=~${JSON.stringify(`${thresholdS}(\\.0)?`)}`;
  return `le=${JSON.stringify(String(thresholdS))}`;
}

/** Total events per second over `range` (`5m` or `$__rate_interval`). */
export function totalRateExpr(sli: Sli, range: string): string {
  switch (sli.kind) {
    case 'availability':
      return `sum(rate(${sli.metric}${selectorText(sli.selector)}[${range}]))`;
    case 'latency':
      return `sum(rate(${sli.metric}_count${selectorText(sli.selector)}[${range}]))`;
    case 'events':
      return sli.totalQuery.replaceAll('{{window}}', range);
  }
}

/** Failed (or too slow) events per second over `range`; 0 instead of no data when none failed. */
export function errorRateExpr(sli: Sli, range: string): string {
  switch (sli.kind) {
    case 'availability':
      return `(sum(rate(${sli.metric}${selectorText({ ...sli.selector, ...sli.errors })}[${range}])) or vector(0))`;
    case 'latency':
      return `(${totalRateExpr(sli, range)} - ${goodLatencyRateExpr(sli, range)})`;
    case 'events':
      return `(${sli.errorQuery.replaceAll('{{window}}', range)})`;
  }
}

/** Requests faster than the threshold, per second. */
function goodLatencyRateExpr(sli: LatencySli, range: string): string {
  return `sum(rate(${sli.metric}_bucket${selectorText(sli.selector, [leMatcher(sli.thresholdS)])}[${range}]))`;
}

/** The error ratio (0..1) of `sli` over `range`: errors / total. */
export function errorRatioExpr(sli: Sli, range: string): string {
  return `${errorRateExpr(sli, range)}\n/\n(${totalRateExpr(sli, range)})`;
}
