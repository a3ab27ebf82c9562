/** Helpers shared by the probe's detectors. */
import type { Severity } from '../../findings/finding.js';
import { severityFromShare } from '../../findings/rank.js';
import type { AggregatedDetection, RenderContext } from '../findings-store.js';

/** Milliseconds for messages. */
export function ms(value: number): string {
  return `${value >= 10 ? value.toFixed(0) : value.toFixed(1)} ms`;
}

/** Share of the route's request time a pattern cost (0..1). */
export function routeShare(item: AggregatedDetection, context: RenderContext): number {
  return context.routeMs > 0 ? Math.min(1, item.totalMs / context.routeMs) : 0;
}

/** Severity from the share of route time, never below `floor`. */
export function severityOf(share: number, floor: Severity = 'low'): Severity {
  const order: Severity[] = ['critical', 'high', 'medium', 'low', 'info'];
  const s = severityFromShare(share);
  return order.indexOf(s) < order.indexOf(floor) ? s : floor;
}

/** Shortens SQL for titles. */
export function shortSql(sql: string | undefined, max = 80): string {
  if (!sql) return '';
  return sql.length > max ? `${sql.slice(0, max - 3)}...` : sql;
}
