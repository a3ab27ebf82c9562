/** startProbe: wires the instrumentation, the detector pipeline, metrics and report channel together (once per process). */

import type { Finding } from '../findings/finding.js';
import { rankFindings } from '../findings/rank.js';
import { type ProbeConfig, parseProbeConfig } from './config.js';
import { detectorThresholds } from './detectors/registry.js';
import { instrumentDrivers } from './drivers/load.js';
import { readPoolGauges } from './drivers/pools.js';
import { installExitFlush } from './exit.js';
import { probeFindingKeyOf } from './findings-store.js';
import { publishFootprint } from './footprint.js';
import { instrumentFrameworks } from './frameworks.js';
import { instrumentHttpClients } from './http-client.js';
import { instrumentHttpServers } from './http-server.js';
import { instrumentLoggers } from './logger-levels.js';
import type { ProbeMetrics } from './metrics.js';
import { instrumentQueryOrigins } from './orm-origins.js';
import { createProbeFindingsStore, createQuerySink, createRequestEndHandler } from './pipeline.js';
import {
  contextUnreliable,
  contextUnreliableFinding,
  instrumentPromiseLibraries,
  promiseLibraries,
} from './promise-libs.js';
import { sampleOf } from './query-samples.js';
import { setQuerySink } from './recorder.js';
import {
  appendRecords,
  type HelloRecord,
  PROBE_REPORT_VERSION,
  type ProbeRecord,
  type StatsRecord,
} from './report-file.js';
import { type RuntimeSetting, readRuntimeSettings } from './runtime-settings.js';
import { now } from './state.js';
import { ProbeStats } from './stats.js';

/** A running probe. */
export interface ProbeHandle {
  readonly config: ProbeConfig;
  /** Port of the /metrics side server, when started. */
  readonly metricsPort: number | undefined;
  /** Drivers that were instrumented at start (module → how). */
  readonly drivers: Record<string, string>;
  /** Current findings, ranked. */
  findings(): Finding[];
  /** Current statistics. */
  stats(): StatsRecord;
  /** Writes pending records to the report file now. */
  flush(): void;
  /** Stops the timers and the metrics server (instrumentation stays in place). */
  stop(): void;
}

const GLOBAL = Symbol.for('redline.probe.runtime');

/** Starts the probe once per process (later calls return the running one). */
export async function startProbe(config: ProbeConfig = parseProbeConfig()): Promise<ProbeHandle> {
  const existing = (globalThis as Record<symbol, Promise<ProbeHandle> | undefined>)[GLOBAL];
  if (existing) return existing;
  const started = createRuntime(config);
  (globalThis as Record<symbol, Promise<ProbeHandle> | undefined>)[GLOBAL] = started;
  return started;
}

async function createRuntime(config: ProbeConfig): Promise<ProbeHandle> {
  const t0 = now();
  const store = createProbeFindingsStore();
  const stats = new ProbeStats();
  // prom-client is loaded only when a metrics port is configured.
  const metrics: ProbeMetrics | undefined =
    config.metricsPort !== undefined
      ? new (await import('./metrics.js')).ProbeMetrics()
      : undefined;
  const targets = { config, store, stats, metrics };
  let requests = 0;
  publishFootprint();
  setQuerySink(createQuerySink(targets));
  instrumentHttpServers(createRequestEndHandler(targets, () => void requests++));
  instrumentHttpClients();
  // Bench only (bench/probe-overhead.js PROBE_PARTS): REDLINE_PROBE_BENCH_OFF containing `drivers`
  // leaves the database drivers unpatched (no query is recorded: the request path alone).
  const benchOff = (process.env.REDLINE_PROBE_BENCH_OFF ?? '').split(',');
  const drivers = benchOff.includes('drivers') ? {} : await instrumentDrivers(process.argv[1]);
  instrumentFrameworks(process.argv[1]);
  instrumentPromiseLibraries(process.argv[1]);
  instrumentLoggers(process.argv[1]);
  instrumentQueryOrigins(process.argv[1]);
  const server =
    metrics && config.metricsPort !== undefined
      ? await metrics.listen(config.metricsPort).catch(() => undefined)
      : undefined;
  const context = (route: string) => {
    const r = stats.route(route);
    return { routeRequests: r.requests, routeMs: r.totalMs };
  };
  const withSamples = (snapshot: ReturnType<ProbeStats['snapshot']>) => {
    if (!config.querySamples) return snapshot;
    const queries = snapshot.queries.map((q) => {
      const sample = sampleOf(q.sql);
      return sample ? { ...q, sample } : q;
    });
    return { ...snapshot, queries };
  };
  const statsRecord = (): StatsRecord => ({
    type: 'stats',
    t: new Date().toISOString(),
    uptimeMs: Math.round(now() - t0),
    requests,
    ...withSamples(stats.snapshot()),
    pools: readPoolGauges(),
    ...(promiseLibraries().length > 0 ? { promiseLibraries: promiseLibraries() } : {}),
    ...settingsOf(readRuntimeSettings()),
  });
  // While a promise library loses the request context, per-route findings would blame the wrong
  // routes: they are withheld and one notice says why (they come back if the check passes).
  let withheld = false;
  const current = (onlyChanged: boolean): Finding[] => {
    if (!contextUnreliable()) {
      const changedBack = withheld;
      withheld = false;
      return store.render(context, onlyChanged && !changedBack);
    }
    withheld = true;
    return [contextUnreliableFinding(promiseLibraries())];
  };
  // The periodic flush writes only when a request or query was recorded since the last write:
  // findings and stats change only then, so an idle service's report stops growing.
  let flushedAt = -1;
  const flush = (force = true) => {
    if (!config.reportFile) return;
    if (!force && stats.updates === flushedAt) return;
    flushedAt = stats.updates;
    const t = new Date().toISOString();
    const records: ProbeRecord[] = [statsRecord()];
    for (const finding of current(true))
      records.push({ type: 'finding', t, key: probeFindingKeyOf(finding), finding });
    appendRecords(config.reportFile, records);
  };
  if (config.reportFile)
    appendRecords(config.reportFile, [helloRecord(config, drivers, server?.port)]);
  // Bench only (bench/probe-overhead.js PROBE_PARTS): REDLINE_PROBE_BENCH_OFF containing `flush`
  // leaves the periodic report flush off (the report is then written at exit only).
  const periodic = !benchOff.includes('flush');
  const timer = periodic ? setInterval(() => flush(false), config.flushMs) : undefined;
  timer?.unref();
  const removeExit = installExitFlush({
    flush,
    end: (reason) => {
      flush();
      if (config.reportFile)
        appendRecords(config.reportFile, [{ type: 'end', t: new Date().toISOString(), reason }]);
    },
  });
  return {
    config,
    metricsPort: server?.port,
    drivers,
    findings: () => rankFindings(current(false)),
    stats: statsRecord,
    flush,
    stop: () => {
      clearInterval(timer);
      removeExit();
      server?.close();
      metrics?.close();
      stats.close();
    },
  };
}

function settingsOf(settings: RuntimeSetting[]): Pick<StatsRecord, 'runtimeSettings'> {
  return settings.length > 0 ? { runtimeSettings: settings } : {};
}

function helloRecord(
  config: ProbeConfig,
  drivers: Record<string, string>,
  metricsPort: number | undefined,
): HelloRecord {
  return {
    type: 'hello',
    v: PROBE_REPORT_VERSION,
    pid: process.pid,
    startedAt: new Date().toISOString(),
    node: process.version,
    ...(metricsPort !== undefined ? { metricsPort } : {}),
    drivers,
    thresholds: detectorThresholds(config),
  };
}
