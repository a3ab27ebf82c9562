/** The probe's report channel: NDJSON records appended to REDLINE_PROBE_REPORT (format in docs/probe.md). */
import { appendFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { Finding } from '../findings/finding.js';
import type { PoolGauges } from './drivers/pools.js';
import type { PromiseLibraryStatus } from './promise-libs.js';
import type { RuntimeSetting } from './runtime-settings.js';
import type { QueryStats, RouteStats } from './stats.js';

/** Report format version (bump on incompatible changes). */
export const PROBE_REPORT_VERSION = 1;

/** First record: who is reporting. */
export interface HelloRecord {
  type: 'hello';
  v: number;
  pid: number;
  startedAt: string;
  node: string;
  metricsPort?: number;
  drivers: Record<string, string>;
  thresholds: Record<string, number>;
}

/** Periodic (and final) statistics. */
export interface StatsRecord {
  type: 'stats';
  t: string;
  uptimeMs: number;
  requests: number;
  routes: RouteStats[];
  queries: QueryStats[];
  pools: PoolGauges[];
  eventLoop: { meanMs: number; p99Ms: number; maxMs: number };
  /** Userland promise libraries the app loaded, and whether they keep the request context. */
  promiseLibraries?: PromiseLibraryStatus[];
  /** Settings that make dependencies slow (dev mode, debug logging, source maps, sync logs). */
  runtimeSettings?: RuntimeSetting[];
}

/** Finding id of the notice that per-route findings are withheld (request context lost). */
export const CONTEXT_UNRELIABLE_ID = 'probe.context-unreliable';

/** A finding, written when it appears and again whenever its numbers change (the last one wins). */
export interface FindingRecord {
  type: 'finding';
  t: string;
  /** The finding's identity (findings-store.ts `probeFindingKey`): the last record per key wins. */
  key: string;
  finding: Finding;
}

/** Last record, written on exit (absent if the process was killed with SIGKILL). */
export interface EndRecord {
  type: 'end';
  t: string;
  reason: string;
}

/** Any line of the report. */
export type ProbeRecord = HelloRecord | StatsRecord | FindingRecord | EndRecord;

/** A report read back: the latest stats and the latest version of every finding. */
export interface ProbeReport {
  hello?: HelloRecord;
  stats?: StatsRecord;
  findings: Finding[];
  ended: boolean;
  /** Lines that were not valid JSON (a write cut short by a kill). */
  badLines: number;
}

/** Appends records synchronously (safe inside 'exit' handlers). Errors are swallowed: never break the app. */
export function appendRecords(file: string, records: ProbeRecord[]): void {
  if (records.length === 0) return;
  try {
    appendFileSync(file, `${records.map((r) => JSON.stringify(r)).join('\n')}\n`);
  } catch {
    // the report is best effort
  }
}

/** Reads a probe report file (what `redline profile` and the audit use). */
export async function readProbeReport(file: string): Promise<ProbeReport> {
  const text = await readFile(file, 'utf8');
  const report: ProbeReport = { findings: [], ended: false, badLines: 0 };
  const findings = new Map<string, Finding>();
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    let record: ProbeRecord;
    try {
      record = JSON.parse(line) as ProbeRecord;
    } catch {
      report.badLines++;
      continue;
    }
    if (record.type === 'hello') report.hello = record;
    else if (record.type === 'stats') report.stats = record;
    else if (record.type === 'finding') findings.set(record.key, record.finding);
    else if (record.type === 'end') report.ended = true;
  }
  report.findings = [...findings.values()];
  // Findings written before the probe found the request context unreliable are withheld too.
  if (report.findings.some((f) => f.id === CONTEXT_UNRELIABLE_ID))
    report.findings = report.findings.filter(
      (f) => f.id === CONTEXT_UNRELIABLE_ID || !f.location?.route,
    );
  return report;
}
