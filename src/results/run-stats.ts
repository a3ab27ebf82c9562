/** Reads the headline numbers of one RunResultFile (k6-style metric values) into plain fields. */
import type { RunResultFile } from './run-result.js';

/** Headline numbers of one run; latencies in ms, error rate as a fraction. */
export interface RunStats {
  requests: number;
  rps: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  avg: number;
  max: number;
  errorRate: number;
  maxVus: number;
  durationMs: number;
}

function value(run: RunResultFile, metric: string, key: string): number | undefined {
  const v = run.metrics[metric]?.values[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** Extracts {@link RunStats} from `run`, falling back to the timeline where a metric is missing. */
export function readRunStats(run: RunResultFile): RunStats {
  const timelineRequests = run.timeline.reduce((s, p) => s + p.requests, 0);
  const timelineFailed = run.timeline.reduce((s, p) => s + p.failed, 0);
  const seconds = run.durationMs > 0 ? run.durationMs / 1000 : Math.max(1, run.timeline.length);
  const requests = value(run, 'http_reqs', 'count') ?? timelineRequests;
  const maxVusTimeline = run.timeline.reduce((m, p) => Math.max(m, p.vus), 0);
  return {
    requests,
    rps: value(run, 'http_reqs', 'rate') ?? requests / seconds,
    p50: value(run, 'http_req_duration', 'med') ?? 0,
    p90: value(run, 'http_req_duration', 'p(90)') ?? 0,
    p95: value(run, 'http_req_duration', 'p(95)') ?? 0,
    p99: value(run, 'http_req_duration', 'p(99)') ?? 0,
    avg: value(run, 'http_req_duration', 'avg') ?? 0,
    max: value(run, 'http_req_duration', 'max') ?? 0,
    errorRate:
      value(run, 'http_req_failed', 'rate') ??
      (timelineRequests > 0 ? timelineFailed / timelineRequests : 0),
    maxVus: value(run, 'vus_max', 'max') ?? value(run, 'vus', 'max') ?? maxVusTimeline,
    durationMs: run.durationMs,
  };
}
