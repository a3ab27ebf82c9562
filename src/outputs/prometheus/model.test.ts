import { describe, expect, it } from 'vitest';
import { BUILTIN_METRICS } from '../../metrics/builtin.js';
import { createIntervalFeed, testMeta } from './__fixtures__/interval-feed.js';
import { renderExposition } from './exposition.js';
import { PrometheusModel, withLabel } from './model.js';
import { nativeBucketIndex, TrendBuckets } from './trend-buckets.js';

function sampleValue(text: string, line: string): number | undefined {
  const found = text.split('\n').find((l) => l.startsWith(`${line} `));
  return found === undefined ? undefined : Number(found.slice(line.length + 1));
}

describe('PrometheusModel', () => {
  it('exports counters, gauges, rates and trends with k6-like names, seconds and cumulative buckets', () => {
    const feed = createIntervalFeed();
    const model = new PrometheusModel({ trendStats: ['p(99)', 'avg', 'count'] });
    model.start(testMeta({ tags: { env: 'ci' } }));
    const tags = { method: 'GET', status: '200' };
    const duration = feed.registry.trend(BUILTIN_METRICS.http_req_duration, tags);
    for (const ms of [1, 4, 4.9, 6, 120]) duration.add(ms);
    feed.registry.counter(BUILTIN_METRICS.http_reqs, tags).add(5);
    feed.registry.gauge(BUILTIN_METRICS.vus).add(3);
    feed.registry.rate(BUILTIN_METRICS.http_req_failed).addMany(1, 5);
    const first = feed.next();
    model.update(first.delta, first.totals, 1);
    duration.add(700);
    feed.registry.counter(BUILTIN_METRICS.http_reqs, tags).add(1);
    const second = feed.next();
    model.update(second.delta, second.totals, 2);

    const text = renderExposition(model.families());
    const l = 'env="ci",method="GET",status="200",testid="run-1"';
    expect(text).toContain('# TYPE redline_http_reqs_total counter');
    expect(sampleValue(text, `redline_http_reqs_total{${l}}`)).toBe(6);
    expect(sampleValue(text, 'redline_vus{env="ci",testid="run-1"}')).toBe(3);
    expect(sampleValue(text, 'redline_http_req_failed_rate{env="ci",testid="run-1"}')).toBeCloseTo(
      0.2,
      12,
    );
    expect(sampleValue(text, 'redline_http_req_failed_passes_total{env="ci",testid="run-1"}')).toBe(
      1,
    );
    expect(sampleValue(text, 'redline_http_req_failed_fails_total{env="ci",testid="run-1"}')).toBe(
      4,
    );
    expect(text).toContain('# TYPE redline_http_req_duration_seconds histogram');
    const bucket = (le: string) =>
      sampleValue(
        text,
        `redline_http_req_duration_seconds_bucket{${l.replace('method=', `le="${le}",method=`)}}`,
      );
    expect(bucket('0.001')).toBe(1);
    expect(bucket('0.005')).toBe(3);
    expect(bucket('0.01')).toBe(4);
    expect(bucket('0.15')).toBe(5);
    expect(bucket('0.75')).toBe(6);
    expect(bucket('+Inf')).toBe(6);
    expect(sampleValue(text, `redline_http_req_duration_seconds_count{${l}}`)).toBe(6);
    expect(sampleValue(text, `redline_http_req_duration_seconds_sum{${l}}`)).toBeCloseTo(0.8359, 9);
    expect(sampleValue(text, `redline_http_req_duration_avg{${l}}`)).toBeCloseTo(0.8359 / 6, 9);
    expect(sampleValue(text, `redline_http_req_duration_count{${l}}`)).toBe(6);
    expect(Math.abs(sampleValue(text, `redline_http_req_duration_p99{${l}}`)! - 0.7)).toBeLessThan(
      0.7 * 0.001,
    );
  });

  it('rebuilds a series from the totals when it missed intervals (output attached late)', () => {
    const feed = createIntervalFeed();
    const trend = feed.registry.trend(BUILTIN_METRICS.http_req_duration);
    trend.add(2);
    feed.next();
    trend.add(30);
    const second = feed.next();
    const model = new PrometheusModel();
    model.start(testMeta());
    model.update(second.delta, second.totals, 0);
    const text = renderExposition(model.families(false));
    expect(
      sampleValue(text, 'redline_http_req_duration_seconds_bucket{le="0.0025",testid="run-1"}'),
    ).toBe(1);
    expect(sampleValue(text, 'redline_http_req_duration_seconds_count{testid="run-1"}')).toBe(2);
    expect(text).not.toContain('_p95');
  });

  it('sanitizes tag names, escapes label values and puts user tags named le aside', () => {
    const feed = createIntervalFeed();
    feed.registry.counter('custom_things', { 'my-tag': 'a"b\\c\nd', le: 'x' }).add(1);
    const model = new PrometheusModel({ prefix: 'x_' });
    model.start(testMeta({ tags: { testid: 'mine' } }));
    const u = feed.next();
    model.update(u.delta, u.totals, 0);
    const text = renderExposition(model.families());
    expect(text).toContain(
      'x_custom_things_total{my_tag="a\\"b\\\\c\\nd",tag_le="x",testid="mine"} 1',
    );
  });
});

describe('TrendBuckets', () => {
  it('classifies values at HDR precision and keeps native buckets', () => {
    const feed = createIntervalFeed();
    const trend = feed.registry.trend(BUILTIN_METRICS.http_req_duration);
    for (const ms of [0, 0.5, 1, 1000, 1024]) trend.add(ms);
    const u = feed.next();
    const b = new TrendBuckets([0.001, 1, 2], 0.001, true);
    b.add(u.delta.series.get('http_req_duration')!.histogram!);
    expect(b.cumulative()).toEqual([3, 4, 5, 5]);
    expect(b.zeroCount).toBe(1);
    // 1 ms = 2^-9.97 s; 1 s = 2^0 -> index 0 (upper bound inclusive); 1.024 s -> index 1.
    expect(b.native!.get(0)).toBe(1);
    expect(b.native!.get(1)).toBe(1);
    expect([...b.native!.values()].reduce((a, c) => a + c, 0) + b.zeroCount).toBe(5);
  });

  it('computes native bucket indexes with inclusive upper bounds', () => {
    expect(nativeBucketIndex(1, 3)).toBe(0);
    expect(nativeBucketIndex(2, 3)).toBe(8);
    expect(nativeBucketIndex(2.0001, 3)).toBe(9);
    expect(nativeBucketIndex(0.5, 0)).toBe(-1);
    expect(nativeBucketIndex(0.75, 0)).toBe(0);
  });

  it('inserts labels in sorted order', () => {
    expect(
      withLabel(
        [
          ['a', '1'],
          ['z', '2'],
        ],
        'le',
        '+Inf',
      ),
    ).toEqual([
      ['a', '1'],
      ['le', '+Inf'],
      ['z', '2'],
    ]);
    expect(withLabel([['a', '1']], 'b', '2')).toEqual([
      ['a', '1'],
      ['b', '2'],
    ]);
  });
});
