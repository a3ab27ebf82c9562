/** RequestFailureLog: one line per error class at once, then at most one per class every 10 s. */
import { describe, expect, it } from 'vitest';
import { Aggregate } from '../metrics/aggregate.js';
import { BUILTIN_METRICS } from '../metrics/builtin.js';
import { MetricRegistry } from '../metrics/registry.js';
import { RequestFailureLog } from './request-failure-log.js';

const BASE = {
  method: 'GET',
  url: 'http://127.0.0.1:9/x?token=abc',
  name: 'http://127.0.0.1:9/x?token=abc',
};
const REFUSED = { error: 'connection refused', error_code: '1212', error_class: 'refused' };
const RESET = { error: 'connection reset by peer', error_code: '1220', error_class: 'reset' };

/** Runs `seconds` intervals of 1 s; `failures(second)` says how many of each kind failed. */
function simulate(
  seconds: number,
  failures: (second: number) => { refused: number; reset: number; ok: number },
) {
  const lines: string[] = [];
  const log = new RequestFailureLog((text) => lines.push(text));
  const registry = new MetricRegistry();
  const totals = new Aggregate(1);
  const counts = { refused: 0, reset: 0 };
  for (let s = 0; s < seconds; s++) {
    const f = failures(s);
    registry.counter(BUILTIN_METRICS.http_reqs, { ...BASE, ...REFUSED }).add(f.refused);
    registry.counter(BUILTIN_METRICS.http_reqs, { ...BASE, ...RESET }).add(f.reset);
    registry.counter(BUILTIN_METRICS.http_reqs, { ...BASE, status: '200' }).add(f.ok);
    counts.refused += f.refused;
    counts.reset += f.reset;
    const delta = new Aggregate(1);
    const snapshot = registry.snapshot(0, s, s * 1000, (s + 1) * 1000);
    delta.addSnapshot(snapshot);
    totals.addSnapshot(snapshot);
    log.onInterval({ interval: s, startMs: s * 1000, endMs: (s + 1) * 1000, delta, totals });
  }
  log.stop({ totals, durationMs: seconds * 1000, reason: 'completed' });
  return { lines, counts };
}

/** Failures a class's lines account for: 1 for the first line, then each "N more". */
function accounted(lines: string[], errorClass: string): number {
  let n = 0;
  for (const line of lines) {
    if (line.startsWith(`request failed (${errorClass})`)) n += 1;
    const more = new RegExp(`^(\\d+) more requests? failed \\(${errorClass}\\)`).exec(line);
    if (more) n += Number(more[1]);
  }
  return n;
}

describe('RequestFailureLog', () => {
  it('prints the first failure of each class with its request and reason (secrets redacted)', () => {
    const { lines } = simulate(2, (s) => ({
      refused: s === 0 ? 1 : 0,
      reset: s === 1 ? 1 : 0,
      ok: 5,
    }));
    expect(lines).toEqual([
      'request failed (refused) at 1s: GET http://127.0.0.1:9/x?token=[REDACTED]: connection refused (k6 error code 1212)',
      'request failed (reset) at 2s: GET http://127.0.0.1:9/x?token=[REDACTED]: connection reset by peer (k6 error code 1220)',
    ]);
  });

  it('rate-limits per class: one line at once, then one every 10 s saying how many more failed', () => {
    const { lines, counts } = simulate(25, (s) => ({ refused: 7, reset: s >= 3 ? 2 : 0, ok: 100 }));
    const refused = lines.filter((l) => l.includes('(refused)'));
    // First at 1 s, then at 11 s and 21 s, then the rest when the run ends at 25 s.
    expect(refused.map((l) => /at (\d+s)|and (\d+s)/.exec(l)?.slice(1).find(Boolean))).toEqual([
      '1s',
      '11s',
      '21s',
      '25s',
    ]);
    // 6 more in the first interval after the line printed, then 7 in each of the next 10.
    expect(refused[1]).toBe(
      '76 more requests failed (refused) between 1s and 11s, not printed one by one (at most one line per error class every 10s; every failure is counted in the summary)',
    );
    expect(accounted(lines, 'refused')).toBe(counts.refused);
    expect(accounted(lines, 'reset')).toBe(counts.reset);
    expect(lines.length).toBeLessThanOrEqual(2 * (1 + Math.ceil(25 / 10)));
  });

  it('says nothing when no request failed (HTTP error statuses are not request failures, as in k6)', () => {
    const { lines } = simulate(3, () => ({ refused: 0, reset: 0, ok: 10 }));
    expect(lines).toEqual([]);
  });
});
