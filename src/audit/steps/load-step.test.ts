/** Step validity: the generator's CPU and event-loop lag against the latencies, on a real demo run. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { RunResultFile } from '../../results/run-result.js';
import { summarizeReadings } from '../target/proc-sampler.js';
import { assessStepValidity, createAuditStep, describeStep } from './load-step.js';

// The normal-load step of `redline demo` on this machine: 3 users, p95 ≈ 348 ms, generator lag p99 72 ms.
const real = JSON.parse(
  readFileSync(new URL('../__fixtures__/demo-load-run.json', import.meta.url), 'utf8'),
) as RunResultFile;

function withGenerator(g: Partial<RunResultFile['generator']>): RunResultFile {
  return { ...real, generator: { ...real.generator, ...g } };
}

describe('assessStepValidity', () => {
  it('accepts a lag that is small next to the latencies measured', () => {
    expect(real.generator.eventLoopLagP99Ms).toBeGreaterThan(20);
    expect(assessStepValidity(real, 0.5)).toEqual({ valid: true });
  });

  it('rejects a saturated generator CPU', () => {
    expect(assessStepValidity(withGenerator({ cpuPercent: 97 }), 0.5)).toEqual({
      valid: false,
      reason: 'generator saturated: it used 97% of its CPU',
    });
  });

  it('rejects a lag that is large next to the p95 when the engine saw the generator saturated', () => {
    const lagging = withGenerator({ eventLoopLagP99Ms: 400, saturated: true });
    expect(assessStepValidity(lagging, 0.5).valid).toBe(false);
    expect(assessStepValidity(lagging, 0.5).reason).toMatch(
      /^generator saturated: event-loop lag p99 400 ms > 174 ms \(50% of p95 348 ms\)$/,
    );
    // The same lag in a run the engine did not flag (isolated spikes) keeps the step.
    expect(
      assessStepValidity(withGenerator({ eventLoopLagP99Ms: 400, saturated: false }), 0.5).valid,
    ).toBe(true);
  });

  it('rejects interrupted runs and runs without a completed request', () => {
    expect(assessStepValidity({ ...real, reason: 'interrupted' }, 0.5)).toEqual({
      valid: false,
      reason: 'interrupted',
    });
    const empty: RunResultFile = { ...real, metrics: {}, timeline: [] };
    expect(assessStepValidity(empty, 0.5)).toEqual({
      valid: false,
      reason: 'no request completed',
    });
  });
});

describe('createAuditStep', () => {
  it('fills target CPU and memory from /proc readings', () => {
    const resources = summarizeReadings(
      [
        { atMs: 0, cpuSeconds: 10, rssBytes: 400e6 },
        { atMs: 10_000, cpuSeconds: 14, rssBytes: 500e6 },
      ],
      2,
      1e10,
    );
    expect(resources).toMatchObject({
      cpuPercent: 20,
      cpuPercentOfOneCore: 40,
      maxRssBytes: 500e6,
      memoryPercent: 5,
    });
    const step = createAuditStep('load', real, 3, resources, 0.5);
    expect(step).toMatchObject({
      kind: 'load',
      users: 3,
      valid: true,
      targetCpuPercent: 20,
      targetMemoryPercent: 5,
      targetRssBytes: 500e6,
    });
    expect(describeStep(step)).toMatch(
      /^11\.2 req\/s, p50 149 ms, p95 348 ms, p99 446 ms, errors 0\.00%, target CPU 20%, RSS 477 MiB, generator CPU \d+%$/,
    );
  });
});
