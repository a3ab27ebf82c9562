import { describe, expect, it } from 'vitest';
import { Aggregate, trendStat } from './aggregate.js';
import { BUILTIN_METRICS } from './builtin.js';
import { MetricRegistry } from './registry.js';

function shardWith(values: number[]): MetricRegistry {
  const registry = new MetricRegistry(() => 0);
  const trend = registry.trend(BUILTIN_METRICS.http_req_duration, { status: '200' });
  for (const v of values) trend.add(v);
  registry.counter(BUILTIN_METRICS.http_reqs, { status: '200' }).add(values.length);
  registry.rate(BUILTIN_METRICS.http_req_failed).add(0);
  registry.gauge(BUILTIN_METRICS.vus).add(values.length);
  return registry;
}

describe('Aggregate', () => {
  it('merges shards exactly: two halves give the same summary as one shard with everything', () => {
    const all = Array.from({ length: 1000 }, (_, i) => ((i * 37) % 500) + 0.5);
    const one = new Aggregate();
    one.addSnapshot(shardWith(all).snapshot(0, 0, 0, 1000));
    const two = new Aggregate();
    two.addSnapshot(shardWith(all.slice(0, 400)).snapshot(0, 0, 0, 1000));
    two.addSnapshot(shardWith(all.slice(400)).snapshot(1, 0, 0, 1000));
    const a = one.summarize('http_req_duration')!;
    const b = two.summarize('http_req_duration')!;
    for (const stat of ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)', 'count']) {
      expect(trendStat(b, stat)).toBeCloseTo(trendStat(a, stat)!, 9);
    }
    expect(two.summarize('http_reqs')!.sum).toBe(1000);
    // vus is a `sum` gauge: 400 + 600 across shards.
    expect(two.summarize('vus')!.sum).toBe(1000);
  });

  it('counts a sum gauge min/max only from totals every shard contributed to', () => {
    const gaugeShard = (value: number) => {
      const registry = new MetricRegistry(() => 0);
      registry.gauge(BUILTIN_METRICS.vus_max).add(value);
      return registry;
    };
    const known = new Aggregate(2);
    known.addSnapshot(gaugeShard(2).snapshot(0, 0, 0, 1000));
    known.addSnapshot(gaugeShard(2).snapshot(1, 0, 0, 1000));
    expect(known.summarize('vus_max')).toMatchObject({ sum: 4, min: 4, max: 4 });
    // Without the shard count, the partial total (2) is taken as a value the gauge had.
    const unknown = new Aggregate();
    unknown.addSnapshot(gaugeShard(2).snapshot(0, 0, 0, 1000));
    unknown.addSnapshot(gaugeShard(2).snapshot(1, 0, 0, 1000));
    expect(unknown.summarize('vus_max')).toMatchObject({ sum: 4, min: 2, max: 4 });
    // A shard that never reported: the total known so far stands for min and max.
    const crashed = new Aggregate(2);
    crashed.addSnapshot(gaugeShard(3).snapshot(0, 0, 0, 1000));
    expect(crashed.summarize('vus_max')).toMatchObject({ sum: 3, min: 3, max: 3 });
  });

  it('computes trend statistics within HDR precision of the exact values', () => {
    const agg = new Aggregate();
    const values = Array.from({ length: 10_000 }, (_, i) => i / 10); // 0.0 .. 999.9 ms
    agg.addSnapshot(shardWith(values).snapshot(0, 0, 0, 1000));
    const s = agg.summarize('http_req_duration')!;
    expect(trendStat(s, 'avg')).toBeCloseTo(499.95, 6);
    expect(trendStat(s, 'min')).toBe(0);
    expect(trendStat(s, 'max')).toBeCloseTo(999.9, 6);
    expect(Math.abs(trendStat(s, 'p(95)')! - 949.9)).toBeLessThan(949.9 * 0.001 + 0.001);
    expect(Math.abs(trendStat(s, 'med')! - 499.9)).toBeLessThan(0.5);
    expect(trendStat(s, 'p(101)')).toBeUndefined();
    expect(trendStat(s, 'bogus')).toBeUndefined();
  });

  it('filters sub-metrics by tags', () => {
    const registry = new MetricRegistry(() => 0);
    registry.trend('http_req_duration', { name: 'login' }, 'time').add(100);
    registry.trend('http_req_duration', { name: 'items' }, 'time').add(10);
    const agg = new Aggregate();
    agg.addSnapshot(registry.snapshot(0, 0, 0, 1000));
    expect(trendStat(agg.summarize('http_req_duration', { name: 'login' })!, 'max')).toBe(100);
    expect(agg.summarize('http_req_duration')!.count).toBe(2);
    expect(agg.summarize('http_req_duration', { name: 'none' })).toBeUndefined();
  });
});
