/** Test helper: real Aggregates interval by interval, built from a MetricRegistry as a shard would. */
import { Aggregate } from '../../../metrics/aggregate.js';
import { MetricRegistry } from '../../../metrics/registry.js';
import type { IntervalUpdate, RunMeta } from '../../../results/run-meta.js';

/** A run's meta for tests. */
export function testMeta(overrides: Partial<RunMeta> = {}): RunMeta {
  return {
    runId: 'run-1',
    startedAtMs: 1_700_000_000_000,
    intervalMs: 1000,
    target: 'http://127.0.0.1:1/',
    tags: {},
    scenarios: [{ name: 'default', executor: 'constant-vus', description: 'test' }],
    ...overrides,
  };
}

/** Produces consecutive interval updates: record into `registry`, then call `next()`. */
export function createIntervalFeed(): {
  registry: MetricRegistry;
  totals: Aggregate;
  next(): IntervalUpdate;
} {
  const registry = new MetricRegistry(() => 0);
  const totals = new Aggregate();
  let interval = 0;
  return {
    registry,
    totals,
    next() {
      const startMs = interval * 1000;
      const delta = new Aggregate();
      delta.addSnapshot(registry.snapshot(0, interval, startMs, startMs + 1000));
      totals.addAggregate(delta);
      return { interval: interval++, startMs, endMs: startMs + 1000, delta, totals };
    },
  };
}
