import { describe, expect, it } from 'vitest';
import { scenarioInfo } from '../../../test/helpers/scenario-info.js';
import { loopVu } from '../../executors/vu-loops.js';
import { BUILTIN_METRICS } from '../../metrics/builtin.js';
import { MetricRegistry } from '../../metrics/registry.js';
import { currentVu } from '../../script/runtime/vu-state.js';
import { type IterationFn, VuRunner } from './vu-runner.js';

/** A runner of scenario `s` whose VUs call `fn`; errors the runner reports land in `errors`. */
function runnerOf(fn: IterationFn) {
  const registry = new MetricRegistry();
  const errors: unknown[] = [];
  let next = 0;
  const runner = new VuRunner({
    scenario: scenarioInfo('s', 'shared-iterations'),
    fn,
    setupJson: undefined,
    registry,
    testTags: {},
    onError: (error) => errors.push(error),
    newVuId: () => ({ id: ++next, idInInstance: next }),
  });
  const count = (error?: string) =>
    registry.counter(
      BUILTIN_METRICS.iterations,
      error === undefined ? { scenario: 's' } : { scenario: 's', error },
    ).sum;
  return { runner, errors, count };
}

/** Runs `vus` loops of `iterations` each. */
async function loop(runner: VuRunner, vus: number, iterations: number): Promise<void> {
  await Promise.all(
    Array.from({ length: vus }, () => {
      const vu = runner.createVu();
      let left = iterations;
      return loopVu(runner, vu, () => left-- > 0);
    }),
  );
}

describe('VU loops (loopVu on VuRunner.begin/end)', () => {
  it('counts completed and failed iterations of async functions, each run as its VU', async () => {
    const seen: number[] = [];
    const { runner, errors, count } = runnerOf(async () => {
      const vu = currentVu()!;
      await new Promise((r) => setImmediate(r));
      seen.push(currentVu()!.id);
      if (vu.iteration % 2 === 1) throw new Error('odd');
    });
    await loop(runner, 2, 4);
    expect(count()).toBe(4);
    expect(count('odd')).toBe(4);
    expect(errors).toHaveLength(4);
    expect(seen.filter((id) => id === 1)).toHaveLength(4);
    expect(seen.filter((id) => id === 2)).toHaveLength(4);
  });

  it('ends functions that return or throw without a promise at once, and the VUs still take turns', async () => {
    const order: number[] = [];
    const { runner, count } = runnerOf(() => {
      const vu = currentVu()!;
      order.push(vu.id);
      if (vu.iteration === 2) throw new Error('sync');
    });
    await loop(runner, 2, 3);
    expect(count()).toBe(4);
    expect(count('sync')).toBe(2);
    expect(order).toEqual([1, 2, 1, 2, 1, 2]);
  });

  it('stops a loop whose iteration was interrupted', async () => {
    // The iteration ends when the test says so (no race of two timers on a busy machine).
    let calls = 0;
    let release = (): void => {};
    const { runner, count } = runnerOf(async () => {
      calls++;
      await new Promise<void>((r) => {
        release = r;
      });
    });
    const vu = runner.createVu();
    const looping = loopVu(runner, vu, () => true);
    await new Promise((r) => setImmediate(r));
    expect(calls).toBe(1);
    runner.interrupt(vu);
    release();
    await looping;
    expect(calls).toBe(1);
    expect(count()).toBe(0);
  });
});
