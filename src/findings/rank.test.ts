/**
 * Ranking across rules: findings whose shares are of different totals are ordered by the common
 * measure (time saved per request of the run, common-impact.ts), within their severity.
 */
import { describe, expect, it } from 'vitest';
import { describePerRequest, estimatePerRequest, withPerRequestImpact } from './common-impact.js';
import type { Finding } from './finding.js';
import { rankFindings } from './rank.js';

function finding(
  id: string,
  severity: Finding['severity'],
  impact: Finding['impact'],
  evidence: Finding['evidence'] = [],
): Finding {
  return {
    id,
    area: id.startsWith('cpu.') ? 'cpu' : 'database',
    title: id,
    severity,
    ...(impact ? { impact } : {}),
    rootCause: '',
    recommendation: { text: '' },
    evidence,
  };
}

/** 40 % of a quiet route: 100 requests of 50 ms, the loop costs 2,000 ms over the run. */
const quietLoop = finding('probe.n-plus-one', 'medium', {
  share: 0.4,
  shareOf: 'request time on GET /admin',
  timeMs: 2_000,
  description: '40% of GET /admin time',
});
/** 20 % of a statement that took 60 s over the run: 12,000 ms saved. */
const busyIndex = finding(
  'db.missing-index',
  'medium',
  { share: 0.2, shareOf: 'statement time', timeMs: 3, description: '20% of the statement' },
  [{ label: 'statement time over the run', value: 60_000, unit: 'ms', source: 'probe' }],
);
/** 25 % of CPU samples in a profile of 400 requests: 800 ms of CPU. */
const hotCpu = finding('cpu.hot-function', 'medium', {
  share: 0.25,
  shareOf: 'CPU time (excluding idle)',
  timeMs: 800,
  description: '25% of CPU time',
});
const context = { requests: 2_000, profileRequests: 400 };

describe('estimatePerRequest', () => {
  it('brings each rule back to ms per request from what it measured', () => {
    expect(estimatePerRequest(quietLoop, context)).toEqual({ ms: 1, of: 'request time' });
    expect(estimatePerRequest(busyIndex, context)).toEqual({ ms: 6, of: 'request time' });
    expect(estimatePerRequest(hotCpu, context)).toEqual({ ms: 2, of: 'CPU time' });
  });

  it('says why when the rule gives no time to save', () => {
    const leak = finding('memory.leak', 'high', { description: '2 kB per request retained' });
    const configured = finding('db.missing-index', 'high', {
      share: 0.9,
      timeMs: 40,
      description: '',
    });
    expect(estimatePerRequest(leak, context)).toEqual({
      unknown: 'the rule measures no time that a fix would save',
    });
    expect(estimatePerRequest(configured, context)).toHaveProperty('unknown');
    // An estimated plan (EXPLAIN without ANALYZE) measured nothing: no estimate, not 0 ms.
    const estimated = finding(
      'db.missing-index',
      'medium',
      { share: 0, timeMs: 0, description: '' },
      busyIndex.evidence,
    );
    expect(estimatePerRequest(estimated, context)).toEqual({
      unknown: 'the plan was estimated, not run: no time was measured',
    });
    expect(estimatePerRequest(quietLoop, {})).toEqual({ unknown: 'the probe counted no requests' });
    const described = describePerRequest(withPerRequestImpact(leak, context).impact!);
    expect(described).toMatch(/^not ranked by time per request: /);
  });
});

describe('rankFindings', () => {
  it('orders findings of different denominators by the common measure, not their shares', () => {
    const before = rankFindings([quietLoop, hotCpu, busyIndex]).map((f) => f.id);
    // The old order: the largest share first, whatever it was a share of.
    expect(before).toEqual(['probe.n-plus-one', 'cpu.hot-function', 'db.missing-index']);
    const after = rankFindings(
      [quietLoop, hotCpu, busyIndex].map((f) => withPerRequestImpact(f, context)),
    );
    expect(after.map((f) => f.id)).toEqual([
      'db.missing-index',
      'cpu.hot-function',
      'probe.n-plus-one',
    ]);
    expect(after.map((f) => f.impact?.perRequestMs)).toEqual([6, 2, 1]);
  });

  it('keeps severity first: a high finding with less time stays above a medium one', () => {
    const high = withPerRequestImpact({ ...quietLoop, severity: 'high' }, context);
    const ranked = rankFindings([withPerRequestImpact(busyIndex, context), high]);
    expect(ranked.map((f) => f.severity)).toEqual(['high', 'medium']);
  });

  it('breaks ties of the measure by the rule’s share, then its time', () => {
    const a = { ...quietLoop, impact: { ...quietLoop.impact!, perRequestMs: 1, share: 0.1 } };
    const b = { ...quietLoop, impact: { ...quietLoop.impact!, perRequestMs: 1, share: 0.3 } };
    const c = {
      ...quietLoop,
      impact: { ...quietLoop.impact!, perRequestMs: 1, share: 0.3, timeMs: 9_000 },
    };
    expect(rankFindings([a, b, c])).toEqual([c, b, a]);
  });

  it('ranks findings without the measure after those of their severity that have it', () => {
    const leak = withPerRequestImpact(
      finding('memory.leak', 'medium', { description: 'retained' }),
      context,
    );
    const none = finding('capacity.below-target', 'medium', undefined);
    const tiny = withPerRequestImpact(
      { ...quietLoop, impact: { ...quietLoop.impact!, timeMs: 1 } },
      context,
    );
    const low = withPerRequestImpact({ ...busyIndex, severity: 'low' }, context);
    const ranked = rankFindings([low, leak, none, tiny]);
    expect(ranked.map((f) => f.id)).toEqual([
      'probe.n-plus-one',
      'memory.leak',
      'capacity.below-target',
      'db.missing-index',
    ]);
  });
});
