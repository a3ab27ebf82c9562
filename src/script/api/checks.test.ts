// check(): every outcome lands in the `checks` series of the calling VU's context (scenario,
// group, VU tags, the check's own tags), also when the series is found through the per-VU memo.
import { describe, expect, it } from 'vitest';
import { freshThreadRuntimes } from '../../../test/helpers/thread-runtime.js';
import { BUILTIN_METRICS } from '../../metrics/builtin.js';
import type { MetricRegistry } from '../../metrics/registry.js';
import { type VuState, vuContext } from '../runtime/vu-state.js';
import { check } from './checks.js';

const freshRuntime = freshThreadRuntimes();

function vuIn(scenario: string): VuState {
  return { scenario: { name: scenario, tags: {} }, group: '', tags: {} } as unknown as VuState;
}

/** passes/total of the `checks` series with exactly these tags. */
function outcome(registry: MetricRegistry, tags: Record<string, string>): [number, number] {
  const series = registry.rate(BUILTIN_METRICS.checks, tags);
  return [series.passes, series.total];
}

describe('check', () => {
  it('records per group, VU tags and check tags, as the VU changes them between checks', () => {
    const registry = freshRuntime({ env: 't' });
    const vu = vuIn('s');
    const ok = { 'is ok': (v: number) => v === 1 };
    vuContext.run(vu, () => {
      check(1, ok);
      check(2, ok);
      vu.group = '::login';
      check(1, ok);
      vu.group = '';
      check(1, ok);
      vu.tags['tier'] = 'a';
      check(1, ok);
      delete vu.tags['tier'];
      check(1, ok, { kind: 'x' });
      check(2, ok);
    });
    const base = { env: 't', scenario: 's', check: 'is ok' };
    expect(outcome(registry, { ...base, group: '' })).toEqual([2, 4]);
    expect(outcome(registry, { ...base, group: '::login' })).toEqual([1, 1]);
    expect(outcome(registry, { ...base, group: '', tier: 'a' })).toEqual([1, 1]);
    expect(outcome(registry, { ...base, group: '', kind: 'x' })).toEqual([1, 1]);
  });

  it('keeps the VUs and registries apart', () => {
    const first = freshRuntime();
    const a = vuIn('a');
    const b = vuIn('b');
    vuContext.run(a, () => check(0, { c: true }));
    vuContext.run(b, () => check(0, { c: false }));
    const second = freshRuntime();
    vuContext.run(a, () => check(0, { c: true }));
    expect(outcome(first, { scenario: 'a', group: '', check: 'c' })).toEqual([1, 1]);
    expect(outcome(first, { scenario: 'b', group: '', check: 'c' })).toEqual([0, 1]);
    expect(outcome(second, { scenario: 'a', group: '', check: 'c' })).toEqual([1, 1]);
  });
});
