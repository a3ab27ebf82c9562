// Series tags are redacted once, where they are created, so every output reads clean tags.
import { afterEach, describe, expect, it } from 'vitest';
import { addRedactedNames, REDACTED, resetRedactedNames } from '../util/redact.js';
import { Aggregate } from './aggregate.js';
import { BUILTIN_METRICS } from './builtin.js';
import { MetricRegistry } from './registry.js';

describe('MetricRegistry tag redaction', () => {
  afterEach(() => resetRedactedNames());

  it('stores URL secrets redacted in tags and keys, keeping names and other parameters', () => {
    const registry = new MetricRegistry(() => 0);
    const url = 'http://u:pw@127.0.0.1:1/a?access_token=SECRET1&page=2&keyboard=x';
    registry.trend(BUILTIN_METRICS.http_req_duration, { url, name: url, method: 'GET' }).add(5);
    const snapshot = registry.snapshot(0, 0, 0, 1000);
    const text = JSON.stringify(snapshot);
    expect(text).not.toContain('SECRET1');
    expect(text).not.toContain(':pw@');
    const series = snapshot.series[0]!;
    expect(series.tags['url']).toBe(
      `http://${REDACTED}@127.0.0.1:1/a?access_token=${REDACTED}&page=2&keyboard=x`,
    );
    expect(series.key).toContain(`access_token=${REDACTED}`);
  });

  it('merges series that differ only by a secret value, counting every sample', () => {
    const registry = new MetricRegistry(() => 0);
    for (let i = 0; i < 5; i++)
      registry.counter(BUILTIN_METRICS.http_reqs, { url: `http://h/x?token=t${i}&page=1` }).add(1);
    registry.counter(BUILTIN_METRICS.http_reqs, { url: 'http://h/x?token=t0&page=1' }).add(1);
    const totals = new Aggregate(1);
    totals.addSnapshot(registry.snapshot(0, 0, 0, 1000));
    const series = [...totals.series.values()];
    expect(series).toHaveLength(1);
    expect(series[0]!.sum).toBe(6);
    expect(series[0]!.tags['url']).toBe(`http://h/x?token=${REDACTED}&page=1`);
  });

  it('redacts values of tags with a secret name and names added by the user', () => {
    const registry = new MetricRegistry(() => 0);
    addRedactedNames(['tenant']);
    registry.counter('custom_total', { session: 'abc', tenant: 'acme', page: '2' }).add(1);
    const [series] = registry.snapshot(0, 0, 0, 1000).series;
    expect(series!.tags).toEqual({ session: REDACTED, tenant: REDACTED, page: '2' });
  });

  it('leaves clean tags untouched', () => {
    const registry = new MetricRegistry(() => 0);
    const tags = { url: 'http://h/x?page=2&monkey=1', status: '200' };
    registry.counter(BUILTIN_METRICS.http_reqs, tags).add(1);
    expect(registry.snapshot(0, 0, 0, 1000).series[0]!.tags).toEqual(tags);
  });
});

describe('MetricRegistry local snapshots', () => {
  it('merge into the same totals as encoded ones, and carry histogram objects only when local', () => {
    const feed = (registry: MetricRegistry, interval: number) => {
      const trend = registry.trend(BUILTIN_METRICS.http_req_duration, { method: 'GET' });
      for (let i = 0; i < 500; i++) trend.addMicros(((i * 7919 + interval * 104_729) % 90_000) + 1);
      trend.add(0.0004 * (interval + 1));
      registry.counter(BUILTIN_METRICS.http_reqs, { method: 'GET' }).add(501);
    };
    const encoded = new MetricRegistry(() => 0);
    const local = new MetricRegistry(() => 0);
    const viaCodec = new Aggregate(1);
    const viaLocal = new Aggregate(1);
    for (let interval = 0; interval < 3; interval++) {
      feed(encoded, interval);
      feed(local, interval);
      const a = encoded.snapshot(0, interval, interval * 1000, (interval + 1) * 1000);
      const b = local.snapshot(0, interval, interval * 1000, (interval + 1) * 1000, true);
      const trendOf = (s: typeof a) => s.series.find((x) => x.delta.type === 'trend')!.delta;
      expect(typeof (trendOf(a) as { histogram: unknown }).histogram).toBe('string');
      expect(typeof (trendOf(b) as { histogram: unknown }).histogram).toBe('object');
      viaCodec.addSnapshot(a);
      viaLocal.addSnapshot(b);
    }
    const x = viaCodec.summarize('http_req_duration')!;
    const y = viaLocal.summarize('http_req_duration')!;
    expect(y.count).toBe(1503);
    expect({ ...y, histogram: undefined }).toEqual({ ...x, histogram: undefined });
    for (const p of [0, 1, 50, 90, 99, 99.9, 100])
      expect(y.histogram!.getValueAtPercentile(p)).toBe(x.histogram!.getValueAtPercentile(p));
    expect(y.histogram!.maxValue).toBe(x.histogram!.maxValue);
    expect(y.histogram!.minNonZeroValue).toBe(x.histogram!.minNonZeroValue);
    expect(viaLocal.summarize('http_reqs')!.sum).toBe(1503);
  });

  it('counts zero trend values added on the hot path in count, min and histogram, as add(0) does', () => {
    // addMicros(0) is counted at the drain (most requests record 0 for connecting and receiving).
    const values = [0, 5, 0, 0, 1200, 0, 3];
    for (const local of [false, true]) {
      const hot = new MetricRegistry(() => 0);
      const slow = new MetricRegistry(() => 0);
      const onlyZeros = new MetricRegistry(() => 0);
      const tags = { method: 'GET' };
      for (const v of values) {
        hot.trend(BUILTIN_METRICS.http_req_receiving, tags).addMicros(v);
        slow.trend(BUILTIN_METRICS.http_req_receiving, tags).add(v / 1000);
      }
      for (let i = 0; i < 4; i++)
        onlyZeros.trend(BUILTIN_METRICS.http_req_receiving, tags).addMicros(0);
      const merged = (registry: MetricRegistry) => {
        const aggregate = new Aggregate(1);
        for (let interval = 0; interval < 2; interval++)
          aggregate.addSnapshot(registry.snapshot(0, interval, 0, 1000, local));
        return aggregate.summarize('http_req_receiving')!;
      };
      const a = merged(hot);
      const b = merged(slow);
      expect(a.count).toBe(7);
      expect([a.count, a.min, a.max]).toEqual([b.count, b.min, b.max]);
      expect(a.sum).toBeCloseTo(b.sum, 9); // add() sums floats, addMicros integers
      expect(a.min).toBe(0);
      for (const p of [0, 40, 50, 60, 100])
        expect(a.histogram!.getValueAtPercentile(p)).toBe(b.histogram!.getValueAtPercentile(p));
      const z = merged(onlyZeros);
      expect([z.count, z.min, z.max, z.sum, z.histogram!.totalCount]).toEqual([4, 0, 0, 0, 4]);
    }
  });
});
