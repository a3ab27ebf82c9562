import { afterEach, describe, expect, it } from 'vitest';
import { scenarioInfo } from '../../../test/helpers/scenario-info.js';
import type { Tags } from '../../metrics/metric-types.js';
import { MetricRegistry } from '../../metrics/registry.js';
import * as runtime from '../runtime/thread-runtime.js';
import { type ScenarioInfo, type VuState, vuContext } from '../runtime/vu-state.js';
import { Counter, Trend } from './custom-metrics.js';

const previous = runtime.threadRuntime();
afterEach(() => runtime.installThreadRuntime(previous));

/** Makes `registry` the one this thread's scripts record into. */
function useRegistry(registry: MetricRegistry): void {
  runtime.installThreadRuntime(runtime.createThreadRuntime({ registry, testTags: { test: 't' } }));
}

function vu(id: number, on: ScenarioInfo): VuState {
  return {
    id,
    idInInstance: id,
    iteration: 0,
    iterationInScenario: 0,
    scenario: on,
    group: '',
    tags: {},
    signal: new AbortController().signal,
  } as unknown as VuState;
}

/** Every series of `name` the registry holds, as "tags → sum" (counters) or "tags → count" (trends). */
function recorded(registry: MetricRegistry, name: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of registry.snapshot(0, 0, 0, 1).series) {
    if (s.metric !== name) continue;
    const { test: _t, ...tags } = s.tags as Tags & { test?: string };
    const sorted = Object.fromEntries(Object.entries(tags).sort(([x], [y]) => x.localeCompare(y)));
    out.set(
      JSON.stringify(sorted),
      s.delta.type === 'trend' ? s.delta.count : s.delta.type === 'counter' ? s.delta.sum : -1,
    );
  }
  return out;
}

describe('custom metrics: the per-VU series of an untagged add', () => {
  it('follows the VU into another group, to its own tags and back, and keeps VUs apart', () => {
    const registry = new MetricRegistry();
    useRegistry(registry);
    const counter = new Counter('things');
    const a = vu(1, scenarioInfo('one'));
    const b = vu(2, scenarioInfo('two'));
    vuContext.run(a, () => {
      counter.add(1);
      counter.add(2);
      a.group = '::g';
      counter.add(10);
      a.group = '';
      counter.add(100);
      a.tags['kind'] = 'x';
      counter.add(1000);
      counter.add(5, { extra: 'y' });
      delete a.tags['kind'];
      counter.add(10000);
    });
    vuContext.run(b, () => counter.add(7));
    expect(recorded(registry, 'things')).toEqual(
      new Map([
        [JSON.stringify({ group: '', scenario: 'one' }), 10103],
        [JSON.stringify({ group: '::g', scenario: 'one' }), 10],
        [JSON.stringify({ group: '', kind: 'x', scenario: 'one' }), 1000],
        [JSON.stringify({ extra: 'y', group: '', kind: 'x', scenario: 'one' }), 5],
        [JSON.stringify({ group: '', scenario: 'two' }), 7],
      ]),
    );
  });

  it('a new registry (a new run in this thread) gets new series; NaN is refused', () => {
    const first = new MetricRegistry();
    useRegistry(first);
    const trend = new Trend('lat', true);
    const a = vu(1, scenarioInfo('s'));
    vuContext.run(a, () => trend.add(3));
    const second = new MetricRegistry();
    useRegistry(second);
    new Trend('lat', true);
    vuContext.run(a, () => {
      expect(trend.add(Number.NaN)).toBe(false);
      expect(trend.add(4)).toBe(true);
    });
    expect([...recorded(first, 'lat').values()]).toEqual([1]);
    expect([...recorded(second, 'lat').values()]).toEqual([1]);
  });
});
