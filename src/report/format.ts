/** Number formatting shared by the report renderers (ms, percent, req/s, bytes, durations). */
import { formatDuration } from '../util/duration.js';

/** Milliseconds with 3 significant digits at most: `0.42 ms`, `61.8 ms`, `1,234 ms`. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  const digits = ms >= 100 ? 0 : ms >= 10 ? 1 : 2;
  return `${Number(ms.toFixed(digits)).toLocaleString('en-US')} ms`;
}

/** A 0..1 fraction as a percentage: `0.04%`, `3.00%`, `12.0%`. */
export function formatFraction(fraction: number): string {
  if (!Number.isFinite(fraction)) return '—';
  const pct = fraction * 100;
  return `${pct.toFixed(pct >= 10 ? 1 : 2)}%`;
}

/** A percentage value (already 0..100): `65%`, `7.5%`. */
export function formatPercentValue(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return '—';
  return `${Number(value.toFixed(value >= 10 ? 0 : 1))}%`;
}

/** Requests per second: `1,150 req/s`, `9.5 req/s`. */
export function formatRps(rps: number | undefined): string {
  if (rps === undefined || !Number.isFinite(rps)) return '—';
  return `${Number(rps.toFixed(rps >= 100 ? 0 : 1)).toLocaleString('en-US')} req/s`;
}

/** Binary bytes for memory: `236 MiB`, `1.2 GiB`. */
export function formatMemory(bytes: number | undefined): string {
  if (bytes === undefined || !Number.isFinite(bytes)) return '—';
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
  return `${Math.round(bytes / 1024 ** 2)} MiB`;
}

/** A duration in ms, k6-style (`1m30s`). */
export function formatReportDuration(ms: number): string {
  return formatDuration(Math.round(ms));
}

/** An integer count with separators: `12,345`. */
export function formatInteger(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

/** Status symbol of a graded criterion: ✅ ⚠️ ❌ [ref: success-criteria]. */
export function statusSymbol(status: 'pass' | 'acceptable' | 'fail' | 'unknown'): string {
  return { pass: '✅', acceptable: '⚠️', fail: '❌', unknown: '❔' }[status];
}

/**
 * A step's CPU cell: the target's share of all cores, its event loop's share of one core, and the
 * local database server's share of all cores when measured: `14% (loop 30%) + DB 32%`.
 */
export function formatStepCpu(s: {
  targetCpuPercent?: number;
  targetMainThreadPercent?: number;
  dbServerCpuPercent?: number;
}): string {
  const loop =
    s.targetMainThreadPercent === undefined
      ? ''
      : ` (loop ${formatPercentValue(s.targetMainThreadPercent)})`;
  const db =
    s.dbServerCpuPercent === undefined ? '' : ` + DB ${formatPercentValue(s.dbServerCpuPercent)}`;
  return `${formatPercentValue(s.targetCpuPercent)}${loop}${db}`;
}

/**
 * The p50, p95, p99 and error-rate cells of a step table row: "—" when the step completed no
 * HTTP request (a WebSocket or gRPC run measured none of them: not 0 ms, not 0 %).
 */
export function stepHttpCells(s: {
  requests: number;
  p50: number;
  p95: number;
  p99: number;
  errorRate: number;
}): string[] {
  if (s.requests === 0) return ['—', '—', '—', '—'];
  return [formatMs(s.p50), formatMs(s.p95), formatMs(s.p99), formatFraction(s.errorRate)];
}
