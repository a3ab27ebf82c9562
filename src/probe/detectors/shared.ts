/** Helpers shared by the probe's detectors. */
import type { Evidence, Severity } from '../../findings/finding.js';
import { severityFromShare } from '../../findings/rank.js';
import type { AggregatedDetection, RenderContext } from '../findings-store.js';
import { sampleOf } from '../query-samples.js';

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

/** Single-quotes a word for a POSIX shell. */
function shellQuote(text: string): string {
  return `'${text.replace(/'/g, "'\\''")}'`;
}

/**
 * A `redline db explain` command for a statement the probe saw, built from one real execution:
 * the text exactly as the app sent it (no renumbered `$n`, no `IN (...)` collapsed) and its
 * parameters. Only numbers, booleans and dates are written out; any string is replaced by a
 * `<text n>` placeholder (it may be an e-mail, a token or a password). The database is
 * `"$DATABASE_URL"`: the probe never writes a connection string.
 */
export function explainCommand(sql: string | undefined): string | undefined {
  const sample = sql ? sampleOf(sql) : undefined;
  if (!sample) return undefined;
  const params = sample.params.map((value, i) => {
    if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean')
      return String(value);
    if (value instanceof Date) return shellQuote(value.toISOString());
    if (value === null) return shellQuote('');
    return shellQuote(`<text ${i + 1}>`);
  });
  const text = sample.text.replace(/\s+/g, ' ').trim();
  return [
    'redline db explain',
    shellQuote(text),
    ...params.map((p) => `-p ${p}`),
    '--db "$DATABASE_URL"',
  ].join(' ');
}

/** The explain command as evidence, when the probe has a sample of the statement. */
export function explainEvidence(sql: string | undefined): Evidence[] {
  const command = explainCommand(sql);
  return command ? [{ label: 'explain it', value: command, source: 'probe' }] : [];
}

/** A time the probe measured, as evidence: `label`, in ms to one decimal. */
export function probeTimeEvidence(label: string, ms: number): Evidence {
  return { label, value: Math.round(ms * 10) / 10, unit: 'ms', source: 'probe' };
}
