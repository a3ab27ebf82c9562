// The series a VU's requests record into: one lookup per request and context, a memo that never
// hands out the series of another context, and one cache per registry.
import { describe, expect, it } from 'vitest';
import { freshThreadRuntimes } from '../../../test/helpers/thread-runtime.js';
import type { VuState } from '../runtime/vu-state.js';
import { type RequestSeriesKey, VuSeries } from './series-cache.js';

const freshRuntime = freshThreadRuntimes();

function vuIn(scenario: string): VuState {
  return { scenario: { name: scenario, tags: {} }, group: '', tags: {} } as unknown as VuState;
}

const GET: RequestSeriesKey = {
  method: 'GET',
  proto: 'HTTP/1.1',
  url: 'http://127.0.0.1/a',
  name: 'http://127.0.0.1/a',
  callback: null,
  tags: undefined,
};

describe('VuSeries', () => {
  it('gives a request the same series until its context changes, then the right one', () => {
    freshRuntime();
    const vu = vuIn('s');
    const series = new VuSeries(() => vu);
    const root = series.forRequest(GET);
    expect(series.forRequest({ ...GET })).toBe(root);
    vu.group = '::login';
    const inGroup = series.forRequest(GET);
    expect(inGroup).not.toBe(root);
    vu.group = '';
    expect(series.forRequest(GET)).toBe(root);
    expect(series.forRequest({ ...GET, method: 'POST' })).not.toBe(root);
    expect(series.forRequest({ ...GET, tags: { kind: 'x' } })).not.toBe(root);
  });

  it('never reuses a memo across VU tags changed in place', () => {
    freshRuntime();
    const vu = vuIn('s');
    const series = new VuSeries(() => vu);
    vu.tags['tier'] = 'a';
    const a = series.forRequest(GET);
    vu.tags['tier'] = 'b';
    const b = series.forRequest(GET);
    expect(b).not.toBe(a);
    vu.tags['tier'] = 'a';
    expect(series.forRequest(GET)).toBe(a);
  });

  it('keeps one cache per registry (init, setup and the run may use different ones)', () => {
    const vu = vuIn('s');
    const series = new VuSeries(() => vu);
    freshRuntime();
    const first = series.forRequest(GET);
    const firstNet = series.network();
    freshRuntime();
    expect(series.forRequest(GET)).not.toBe(first);
    expect(series.network()).not.toBe(firstNet);
  });

  it('gives data_sent/data_received series per scenario and group, shared by the VUs', () => {
    freshRuntime({ env: 'ci' });
    const one = vuIn('s');
    const two = vuIn('s');
    const net = new VuSeries(() => one).network();
    expect(new VuSeries(() => two).network()).toBe(net);
    expect(net.sent.tags).toEqual({ env: 'ci', scenario: 's', group: '' });
    expect(net.sent.descriptor.name).toBe('data_sent');
    expect(net.received.descriptor.name).toBe('data_received');
    two.group = '::g';
    expect(new VuSeries(() => two).network()).not.toBe(net);
  });

  it("follows the VU's group and scenario from one request to the next (its memo is per context)", () => {
    freshRuntime();
    const vu = vuIn('s');
    const series = new VuSeries(() => vu);
    const root = series.network();
    expect(series.network()).toBe(root);
    vu.group = '::g';
    const inGroup = series.network();
    expect(inGroup).not.toBe(root);
    expect(inGroup.sent.tags).toMatchObject({ group: '::g', scenario: 's' });
    vu.group = '';
    expect(series.network()).toBe(root);
    vu.scenario = { ...vu.scenario, name: 'other' };
    expect(series.network().sent.tags).toMatchObject({ group: '', scenario: 'other' });
  });
});
