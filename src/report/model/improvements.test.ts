// Expected Improvements never count the same time twice (issue 13 §3).
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../findings/finding.js';
import { createOptimizationPlan } from './findings-view.js';
import { createImprovements } from './improvements.js';

function finding(
  id: string,
  share: number,
  location: Finding['location'],
  shareOf = 'request latency',
): Finding {
  return {
    id,
    area: 'database',
    title: `${id} at ${JSON.stringify(location)}`,
    severity: 'high',
    location,
    impact: { description: 'x', share, shareOf },
    rootCause: 'x',
    recommendation: { text: 'x', effort: 'low' },
    evidence: [],
  };
}

const totalOf = (findings: Finding[]) =>
  createImprovements(findings, createOptimizationPlan(findings)).total.gain;

describe('Expected Improvements total', () => {
  it('counts two findings on the same query once, with the larger share', () => {
    const query = 'SELECT * FROM orders WHERE user_id = $1';
    const total = totalOf([
      finding('probe.n-plus-one', 0.4, { route: 'GET /orders', query }),
      finding('db.missing-index', 0.5, { query }),
    ]);
    // Not 1 − 0.6 × 0.5 = 70 %: both describe the time of the same statement.
    expect(total).toBe('up to −50% request latency (estimate)');
  });

  it('combines findings on different queries or lines as overlapping at most', () => {
    const total = totalOf([
      finding('db.missing-index', 0.5, { query: 'SELECT a FROM t WHERE b = $1' }),
      finding('cpu.sync-crypto', 0.2, { file: 'src/a.ts', line: 3 }),
    ]);
    expect(total).toBe('up to −60% request latency (estimate)');
  });

  it('takes each plan row from its own finding when ids repeat', () => {
    const findings = [
      finding('probe.cache-candidate', 0.3, { query: 'SELECT 1' }),
      finding('probe.cache-candidate', 0.1, { query: 'SELECT 2' }),
    ];
    const view = createImprovements(findings, createOptimizationPlan(findings));
    expect(view.rows.map((r) => r.gain).sort()).toEqual([
      'up to −10% request latency (estimate)',
      'up to −30% request latency (estimate)',
    ]);
    expect(view.total.gain).toBe('up to −37% request latency (estimate)');
  });
});

describe('Expected Improvements: measured gains', () => {
  it('shows a gain on the finding of the statement it was measured on, not on every finding of its rule', () => {
    const a = 'SELECT * FROM articles ORDER BY created_at DESC LIMIT $1';
    const b = 'SELECT * FROM comments WHERE article_id = $1';
    const findings = [
      finding('db.missing-index', 0.5, { query: a }),
      finding('db.missing-index', 0.4, { query: b }),
    ];
    const view = createImprovements(findings, createOptimizationPlan(findings), [
      {
        findingId: 'db.missing-index',
        query: b,
        metric: 'query time',
        before: 6.4,
        after: 0.06,
        unit: 'ms',
        source: 'verify-index',
      },
    ]);
    const measured = view.rows.filter((r) => r.measured);
    expect(measured).toHaveLength(1);
    expect(measured[0]?.optimization).toContain('comments');
    expect(measured[0]?.gain).toContain('6.4 ms → 0.06 ms');
    expect(view.rows.filter((r) => !r.measured)).toHaveLength(1);
  });
});
