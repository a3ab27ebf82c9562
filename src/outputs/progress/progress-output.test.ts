import { describe, expect, it } from 'vitest';
import { Aggregate } from '../../metrics/aggregate.js';
import { BUILTIN_METRICS } from '../../metrics/builtin.js';
import { MetricRegistry } from '../../metrics/registry.js';
import { ProgressOutput } from './progress-output.js';

function lineFor(fill: (registry: MetricRegistry) => void): string {
  const registry = new MetricRegistry(() => 0);
  fill(registry);
  const delta = new Aggregate();
  delta.addSnapshot(registry.snapshot(0, 0, 0, 1000));
  let written = '';
  const output = new ProgressOutput({ write: (t: string) => (written += t) }, 1);
  output.start({ maxDurationMs: 10_000 } as never);
  output.onInterval({ interval: 0, startMs: 0, endMs: 2000, delta, totals: delta });
  return written.trim();
}

describe('progress line', () => {
  it('HTTP runs: requests per second, p99, requests, errors', () => {
    const line = lineFor((r) => {
      r.counter(BUILTIN_METRICS.http_reqs).add(400);
      r.trend(BUILTIN_METRICS.http_req_duration).add(5);
      r.rate(BUILTIN_METRICS.http_req_failed).add(0);
      r.gauge(BUILTIN_METRICS.vus).add(4);
    });
    expect(line).toContain('200 req/s');
    expect(line).toContain('400 requests');
    expect(line).not.toContain('ws msgs/s');
  });

  it('WebSocket and gRPC runs without HTTP: their own rates, never iterations shown as req/s', () => {
    const line = lineFor((r) => {
      r.counter(BUILTIN_METRICS.ws_sessions).add(3);
      r.counter(BUILTIN_METRICS.ws_msgs_received).add(1000);
      const calls = r.trend(BUILTIN_METRICS.grpc_req_duration);
      for (let i = 0; i < 60; i++) calls.add(2);
      r.counter(BUILTIN_METRICS.iterations).add(60);
      r.gauge(BUILTIN_METRICS.vus).add(3);
    });
    expect(line).toBe(
      'running 2s/10s  30 gRPC calls/s  p99=2ms  500 ws msgs/s  3 ws sessions  3 VUs',
    );
  });
});
