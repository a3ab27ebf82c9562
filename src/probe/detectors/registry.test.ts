/**
 * The probe's detectors behind one interface: every registered detector conforms (unique id, a
 * hook, a renderer that names its own id), the pipeline runs any detector it is given without
 * knowing it by name, and the hello record keeps its threshold names.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Finding } from '../../findings/finding.js';
import { parseProbeConfig } from '../config.js';
import type { AggregatedDetection } from '../findings-store.js';
import {
  createProbeFindingsStore,
  createQuerySink,
  createRequestEndHandler,
  type PipelineTargets,
} from '../pipeline.js';
import { beginQuery, finishQuery, setQuerySink } from '../recorder.js';
import { createRequestState } from '../state.js';
import { ProbeStats } from '../stats.js';
import type { ProbeDetector } from './detector.js';
import { detectorThresholds, PROBE_DETECTORS } from './registry.js';

const config = parseProbeConfig({}, '/app');

function aggregate(id: string): AggregatedDetection {
  return {
    id,
    route: 'GET /orders',
    query: 'SELECT * FROM orders WHERE user_id = $1',
    site: { file: 'src/orders.ts', line: 12, column: 5 },
    requests: 4,
    executions: 40,
    totalMs: 120,
    maxMs: 40,
    detail: {},
    firstSeen: 0,
    lastSeen: 1,
  };
}

describe('PROBE_DETECTORS', () => {
  it('lists detectors with unique probe.* ids, at least one hook each, and renderers of their own id', () => {
    const ids = PROBE_DETECTORS.map((d) => d.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const detector of PROBE_DETECTORS) {
      expect(detector.id).toMatch(/^probe\.[a-z-]+$/);
      const hooks = detector.createHooks(config);
      expect(Boolean(hooks.onQuery) || Boolean(hooks.onRequestEnd)).toBe(true);
      const finding = detector.render(aggregate(detector.id), { routeRequests: 10, routeMs: 400 });
      expect(finding.id).toBe(detector.id);
      expect(finding.location?.route).toBe('GET /orders');
      expect(finding.rootCause.length).toBeGreaterThan(0);
    }
  });

  it('writes the same threshold names into the hello record as before the registry existed', () => {
    expect(detectorThresholds(config)).toEqual({
      nPlusOneCount: config.nPlusOneCount,
      nPlusOneMs: config.nPlusOneMs,
      noPaginationRows: 1000,
      poolWaitMs: 5,
      cacheRepeats: 10,
      cacheWindowMs: 10_000,
      chattyRoundTrips: 6,
    });
  });
});

describe('the pipeline with a detector it does not know by name', () => {
  afterEach(() => setQuerySink(undefined));

  it('calls its query and request hooks once each and renders its finding', () => {
    const seen: string[] = [];
    const probeTest: ProbeDetector = {
      id: 'probe.test-only',
      createHooks: () => ({
        onQuery(_state, record) {
          seen.push(`query ${record.sql}`);
          return { id: 'probe.test-only', route: 'GET /t', executions: 1, timeMs: 2 };
        },
        onRequestEnd(state) {
          seen.push(`request ${state.route} (${state.queryCount} queries)`);
          return [];
        },
      }),
      render: (item): Finding => ({
        id: item.id,
        area: 'database',
        title: `seen ${item.executions}`,
        severity: 'low',
        rootCause: 'test',
        recommendation: { text: 'none' },
        evidence: [],
      }),
    };
    const targets: PipelineTargets = {
      config,
      store: createProbeFindingsStore([probeTest]),
      stats: new ProbeStats(),
      metrics: undefined,
      detectors: [probeTest],
    };
    setQuerySink(createQuerySink(targets));
    const onEnd = createRequestEndHandler(targets, () => {});
    const state = createRequestState('GET', '/t');
    const record = beginQuery(state, 'pg', 'SELECT 1', [], false, beginQuery);
    finishQuery(state, record, { rows: 1 });
    onEnd(state, { url: '/t', method: 'GET' } as never, { statusCode: 200 } as never);
    targets.stats.close();
    expect(seen).toEqual(['query SELECT ?', 'request GET /t (1 queries)']);
    expect(targets.store.render(() => ({ routeRequests: 1, routeMs: 2 }))).toMatchObject([
      { id: 'probe.test-only', title: 'seen 1' },
    ]);
  });
});
