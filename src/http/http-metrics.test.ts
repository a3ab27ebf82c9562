import { describe, expect, it } from 'vitest';
import { Aggregate } from '../metrics/aggregate.js';
import { MetricRegistry } from '../metrics/registry.js';
import { answerWarning, requestAccounting } from '../metrics/request-accounting.js';
import { errorsByClass } from '../results/timeline.js';
import { closedBeforeResponse, interruptedRequest, requestTimeout } from './errors.js';
import { HttpSeriesCache } from './http-metrics.js';
import { TimingTrail } from './timing-trail.js';

/** Records requests through the real series cache and merges them like a run's totals. */
function totalsOf(record: (cache: HttpSeriesCache) => void): Aggregate {
  const registry = new MetricRegistry(() => 0);
  const cache = new HttpSeriesCache(registry, { method: 'GET' }, (s) => s < 400, false);
  record(cache);
  const totals = new Aggregate();
  totals.addSnapshot(registry.snapshot(0, 0, 0, 1000));
  return totals;
}

const trail = Object.assign(new TimingTrail(), { duration: 5, waiting: 5 });

describe('request accounting', () => {
  it('splits every request into answered, failed and interrupted, retries apart', () => {
    const totals = totalsOf((cache) => {
      for (let i = 0; i < 4; i++) cache.forStatus(200).record(trail, 0);
      cache.forStatus(503).record(trail, 0);
      cache.forStatus(999).record(trail, 0);
      cache.forError(closedBeforeResponse()).record(trail, 0);
      cache.forError(requestTimeout()).record(trail, 0);
      for (let i = 0; i < 2; i++) cache.forError(interruptedRequest()).record(trail, 0);
      cache.countRetry();
    });
    expect(requestAccounting(totals)).toEqual({
      sent: 10,
      answered: 6,
      failed: 2,
      interrupted: 2,
      retried: 1,
    });
    expect(errorsByClass(totals)).toEqual({
      'http-5xx': 1,
      'http-invalid-status': 1,
      closed: 1,
      timeout: 1,
      interrupted: 2,
    });
    // Interrupted requests count as failed requests but add no latency sample.
    expect(totals.summarize('http_req_failed')).toMatchObject({ sum: 6, count: 10 });
    expect(totals.summarize('http_req_duration')?.count).toBe(8);
  });

  it('warns when nothing, or less than half, was answered, and only then', () => {
    const counts = (answered: number, sent: number, interrupted = 0) => ({
      sent,
      answered,
      failed: sent - answered - interrupted,
      interrupted,
      retried: 0,
    });
    expect(answerWarning(counts(0, 5, 5))).toBe(
      'the target answered none of the 5 requests sent; 5 were still waiting when the test ended: these results describe no response at all',
    );
    expect(answerWarning(counts(3, 10))).toBe(
      'the target answered only 3 of the 10 requests sent (30.0%)',
    );
    expect(answerWarning(counts(5, 10))).toBeUndefined();
    expect(answerWarning(counts(0, 0))).toBeUndefined();
  });
});

describe('the proto tag', () => {
  it("is the response's: answered requests keep it, failed ones have none (k6)", () => {
    const registry = new MetricRegistry(() => 0);
    const cache = new HttpSeriesCache(
      registry,
      { method: 'GET', proto: 'HTTP/2.0' },
      () => true,
      false,
    );
    cache.forStatus(200).record(trail, 0);
    cache.forError(requestTimeout()).record(trail, 0);
    cache.forError(interruptedRequest()).record(trail, 0);
    const totals = new Aggregate();
    totals.addSnapshot(registry.snapshot(0, 0, 0, 1000));
    const protoByStatus = [...totals.series.values()]
      .filter((s) => s.metric === 'http_reqs')
      .map((s) => [s.tags['status'], s.tags['proto'] ?? 'none'])
      .sort();
    expect(protoByStatus).toEqual([
      ['0', 'none'],
      ['0', 'none'],
      ['200', 'HTTP/2.0'],
    ]);
    expect(totals.summarize('http_reqs', { proto: 'HTTP/2.0' })?.sum).toBe(1);
  });
});
