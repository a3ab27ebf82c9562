/**
 * A lone script shard runs in the controller's thread and hands its per-interval histograms over
 * unencoded (`local`); two shards run in workers and send them encoded. Both must merge into the
 * same results: the fixture records the same values whatever the split (merge-probe.js).
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runScriptTest } from '../../src/engine/script-run/run-script.js';

const SCRIPT = fileURLToPath(new URL('../fixtures/scripts/merge-probe.js', import.meta.url));

describe('script runs: in-thread (unencoded) and worker (encoded) snapshots merge alike', () => {
  it('gives the same trend, counter, rate and gauge results with 1 and 2 shards', async () => {
    const one = await runScriptTest({ scriptPath: SCRIPT, workers: 1 });
    const two = await runScriptTest({ scriptPath: SCRIPT, workers: 2 });
    for (const name of [
      'merge_trend',
      'merge_trend{kind:a}',
      'merge_counter',
      'merge_rate',
      'merge_gauge',
    ]) {
      const a = one.result.metrics[name];
      const b = two.result.metrics[name];
      expect(a, name).toBeDefined();
      // Per-second figures depend on the run's duration: compared by totals. A float sum (avg)
      // depends on the order the values were added in, which the split changes: close, not equal.
      const { rate: _ra, avg: avgA, ...va } = a!.values;
      const { rate: _rb, avg: avgB, ...vb } = b!.values;
      expect(va, name).toEqual(vb);
      if (avgA !== undefined) expect(avgA, name).toBeCloseTo(avgB!, 6);
    }
    expect(one.result.metrics['merge_trend']!.values['count']).toBe(3000);
    expect(one.result.metrics['merge_counter']!.values['count']).toBe(
      Array.from({ length: 3000 }, (_, i) => i % 7).reduce((x, y) => x + y, 0),
    );
    expect(one.result.metrics['merge_rate']!.values['passes']).toBe(600);
  }, 120_000);
});
