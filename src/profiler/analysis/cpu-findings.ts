/** Findings from CPU tables: root-cause patterns at app lines, hot functions, heavy packages, GC share. */
import type { Evidence, Finding } from '../../findings/finding.js';
import { severityFromShare } from '../../findings/rank.js';
import { formatPercent } from '../../util/units.js';
import type { ProfiledRuntime } from '../model/profile.js';
import { isDatabasePackage } from './database-packages.js';
import { patternById } from './patterns.js';
import { isRuntimeIoFunction } from './runtime-frames.js';
import type { Hotspot, PackageCaller, PackageRow, ProfileTables } from './tables.js';

/** Thresholds of the CPU findings (shares of non-idle time). */
export const CPU_FINDING_THRESHOLDS = {
  /** A pattern is reported from this share of active time. */
  pattern: 0.02,
  /** A hot spot without a known cause is reported from this share. */
  hotFunction: 0.05,
  /**
   * A plain hot spot is graded above low only from this share of the thread's whole time (idle
   * included): on a mostly idle thread a large share of its little busy time is no bottleneck.
   * Calibration case threadpool-cpu (healthy; the CPU work runs on libuv's pool): the main thread
   * was idle ~97 % and the call into crypto.pbkdf2 took 41-49 % of its busy time, ~1.5 % of its
   * time, and was graded medium in a quiet CI run (2026-12-06) when its time inside Node's core
   * fell under half of the spot.
   */
  hotFunctionOfThread: 0.05,
  /** At most this many plain hot-function findings. */
  maxHotFunctions: 5,
  /** A dependency package is reported from this share. */
  dependency: 0.15,
  /** GC samples from this share of active time mean GC pressure. */
  gc: 0.1,
} as const;

/** Formats `file:line` (or `file` when the line is unknown). */
export function formatWhere(hotspot: Pick<Hotspot, 'file' | 'line'>): string {
  return hotspot.line === undefined ? hotspot.file : `${hotspot.file}:${hotspot.line}`;
}

function shareOf(tables: ProfileTables): string {
  return tables.valueKind === 'wall' ? 'wall time (excluding idle)' : 'CPU time (excluding idle)';
}

function impactOf(hotspot: Hotspot, tables: ProfileTables): Finding['impact'] {
  const ms = hotspot.ms === undefined ? '' : ` (${Math.round(hotspot.ms)} ms)`;
  const impact: NonNullable<Finding['impact']> = {
    share: hotspot.share,
    shareOf: shareOf(tables),
    description: `${formatPercent(hotspot.share, 1)} of ${shareOf(tables)}${ms}`,
  };
  if (hotspot.ms !== undefined) impact.timeMs = hotspot.ms;
  return impact;
}

function evidenceOf(hotspot: Hotspot, tables: ProfileTables): Evidence[] {
  const evidence: Evidence[] = [
    { label: 'share of active samples', value: formatPercent(hotspot.share, 1), source: 'profile' },
    { label: 'line found by', value: hotspot.lineSource, source: 'profile' },
  ];
  if (hotspot.ms !== undefined)
    evidence.push({ label: 'time', value: Math.round(hotspot.ms), unit: 'ms', source: 'profile' });
  if (hotspot.lineText) evidence.push({ label: 'source line', value: hotspot.lineText });
  for (const via of hotspot.via) {
    const who = via.pkg ? `${via.name} (${via.pkg})` : `${via.name} (${via.category})`;
    evidence.push({
      label: 'calls',
      value: `${who}: ${formatPercent(via.share, 1)}`,
      source: 'profile',
    });
  }
  if (tables.idleShare > 0)
    evidence.push({ label: 'idle (excluded)', value: formatPercent(tables.idleShare, 1) });
  return evidence;
}

/** A finding's location from a hot spot: file, function, line (and column when known). */
export function hotspotLocation(hotspot: Hotspot): NonNullable<Finding['location']> {
  const location: NonNullable<Finding['location']> = {
    file: hotspot.file,
    functionName: hotspot.functionName,
  };
  if (hotspot.line !== undefined) location.line = hotspot.line;
  if (hotspot.column !== undefined) location.column = hotspot.column;
  return location;
}

/** What differs per runtime in the generic CPU findings: names and fixes. */
interface RuntimeWording {
  /** The runtime's own library, e.g. "Node's own", "Go standard-library". */
  core: string;
  /** Examples of that core I/O work. */
  coreExamples: string;
  /** How to take CPU work off the request path. */
  offload: string;
  /** Fix when most of a hot spot is the runtime's own I/O code. */
  ioFix: string;
}

const WORDING: Record<ProfiledRuntime, RuntimeWording> = {
  node: {
    core: "Node's own",
    coreExamples: 'socket writes, stream and HTTP handling',
    offload: 'move CPU-heavy work to a worker thread (e.g. piscina)',
    ioFix:
      'Usually not a code hot spot: fewer, larger writes per response (one res.end with the whole body), keep-alive, and fewer requests (batching) reduce it.',
  },
  go: {
    core: "Go's standard-library",
    coreExamples: 'net/http, syscalls, buffered I/O',
    offload:
      'bound the concurrency of expensive work (a worker pool or semaphore) so it cannot starve request handling',
    ioFix:
      'Usually not a code hot spot: write each response with fewer, larger writes (bufio.Writer), keep connections alive, and batch small requests.',
  },
  jvm: {
    core: "the JDK's own",
    coreExamples: 'socket I/O, HTTP parsing, collections',
    offload:
      'run expensive work on a bounded executor separate from the request threads, or precompute it',
    ioFix:
      'Usually not a code hot spot: buffer writes (BufferedOutputStream), keep connections alive, and batch small requests.',
  },
  python: {
    core: "Python's standard-library",
    coreExamples: 'socket I/O, http.server parsing, email header handling',
    offload:
      'use a compiled library for the heavy part (numpy, orjson, regex in C) or a process pool (concurrent.futures.ProcessPoolExecutor): threads do not run Python code in parallel (GIL)',
    ioFix:
      'Usually not a code hot spot: write each response at once, keep connections alive, and batch small requests; an async server (uvicorn, gunicorn with gthread/gevent) handles many connections more cheaply.',
  },
};

/** A finding for a hot spot whose cause a pattern recognised. */
function createPatternFinding(hotspot: Hotspot, tables: ProfileTables): Finding | undefined {
  const pattern = hotspot.patternId ? patternById(hotspot.patternId, tables.runtime) : undefined;
  if (!pattern) return undefined;
  // Graded by the time the pattern explains, not the whole hot spot: a line matched by its text
  // explains its own time only (heap-check-big-heap: `res.end(JSON.stringify(row))` at 69 % of
  // CPU, 62 points of it in res.end's socket write, was a "high" JSON finding).
  const explained = Math.min(hotspot.share, hotspot.patternShare ?? hotspot.share);
  const scale = hotspot.share > 0 ? explained / hotspot.share : 1;
  const explainedSpot: Hotspot = {
    ...hotspot,
    share: explained,
    weight: hotspot.weight * scale,
    ...(hotspot.ms === undefined ? {} : { ms: hotspot.ms * scale }),
  };
  return {
    id: pattern.id,
    area: pattern.area,
    title: `${pattern.title} at ${formatWhere(hotspot)}`,
    severity: severityFromShare(explained),
    location: hotspotLocation(hotspot),
    impact: impactOf(explainedSpot, tables),
    rootCause: pattern.rootCause,
    recommendation: pattern.recommendation,
    evidence: evidenceOf(hotspot, tables),
  };
}

function createHotFunctionFinding(hotspot: Hotspot, tables: ProfileTables): Finding {
  const wording = WORDING[tables.runtime];
  const top = hotspot.via[0];
  const inside = top
    ? `; most of it inside ${top.name} (${top.pkg ?? top.category})`
    : ' in its own code';
  // Time mostly spent in the runtime's own code (socket writes, HTTP parsing) is the cost of I/O,
  // not a code hot spot: say so and keep its severity low.
  // Node's core is I/O plumbing; other runtimes' standard libraries also compute (strconv,
  // collections), so there only calls into their I/O code count as the cost of I/O.
  const inCore =
    top !== undefined &&
    top.category === 'core' &&
    top.weight >= hotspot.weight * 0.5 &&
    (tables.runtime === 'node' || isRuntimeIoFunction(top.name, tables.runtime));
  const severity = severityFromShare(hotspot.share);
  const ofThread = hotspot.share * (1 - tables.idleShare);
  const quietThread =
    tables.valueKind !== 'wall' &&
    tables.idleShare > 0 &&
    ofThread < CPU_FINDING_THRESHOLDS.hotFunctionOfThread;
  const capped = (inCore || quietThread) && (severity === 'high' || severity === 'medium');
  const idleNote = quietThread
    ? ` The thread was idle ${formatPercent(tables.idleShare, 1)} of the time: this is ${formatPercent(ofThread, 1)} of its whole time, not a bottleneck of the thread.`
    : '';
  return {
    id: 'cpu.hot-function',
    area: 'cpu',
    title: `${inCore ? `${tables.runtime === 'node' ? 'Node core' : 'Standard-library'} work called from` : 'Hot code in'} ${hotspot.functionName} at ${formatWhere(hotspot)}`,
    severity: capped ? 'low' : severity,
    location: hotspotLocation(hotspot),
    impact: impactOf(hotspot, tables),
    rootCause: inCore
      ? `${hotspot.functionName} takes ${formatPercent(hotspot.share, 1)} of ${shareOf(tables)}, mostly inside ${wording.core} ${top.name} (${wording.coreExamples}): the per-request cost of I/O.`
      : `${hotspot.functionName} takes ${formatPercent(hotspot.share, 1)} of ${shareOf(tables)}${inside}.${idleNote}`,
    recommendation: inCore
      ? { text: wording.ioFix, effort: 'medium' }
      : {
          text: `Do less per request here: cache results that repeat, avoid recomputing per call, use a better algorithm or data structure, or ${wording.offload}.`,
          effort: 'medium',
        },
    evidence: evidenceOf(hotspot, tables),
  };
}

/** All CPU findings of one profile's tables (unranked). */
export function createCpuFindings(tables: ProfileTables): Finding[] {
  const findings: Finding[] = [];
  let plain = 0;
  for (const hotspot of tables.hotspots) {
    const byPattern =
      (hotspot.patternShare ?? 0) >= CPU_FINDING_THRESHOLDS.pattern
        ? createPatternFinding(hotspot, tables)
        : undefined;
    if (byPattern) findings.push(byPattern);
    else if (
      hotspot.share >= CPU_FINDING_THRESHOLDS.hotFunction &&
      plain < CPU_FINDING_THRESHOLDS.maxHotFunctions
    ) {
      findings.push(createHotFunctionFinding(hotspot, tables));
      plain += 1;
    }
  }
  for (const pkg of tables.packages) {
    if (pkg.share < CPU_FINDING_THRESHOLDS.dependency) continue;
    findings.push(
      isDatabasePackage(pkg.name)
        ? createDatabaseWorkFinding(pkg, tables)
        : createHotDependencyFinding(pkg, tables),
    );
  }
  const gc = tables.categories.find((row) => row.category === 'gc');
  if (gc && gc.share >= CPU_FINDING_THRESHOLDS.gc)
    findings.push(createGcShareFinding(gc.share, gc.ms, tables.runtime, allocationSites(tables)));
  return findings;
}

function callerText(caller: PackageCaller): string {
  if (caller.found === 'source') return formatWhere(caller);
  return `${caller.functionName} at ${formatWhere(caller)} (${formatPercent(caller.share, 1)})`;
}

function callerEvidence(pkg: PackageRow): Evidence[] {
  return pkg.callers.map((caller) => ({
    label: caller.found === 'stack' ? 'called from' : 'used at (source)',
    value: callerText(caller),
    source: caller.found === 'stack' ? 'profile' : 'source scan',
  }));
}

function callerLocation(pkg: PackageRow): Pick<Finding, 'location'> {
  const top = pkg.callers[0];
  if (!top) return {};
  return {
    location: {
      file: top.file,
      functionName: top.functionName,
      ...(top.line !== undefined ? { line: top.line } : {}),
    },
  };
}

/** Where the package's time comes from, in the user's code (or why no line of it is on the stacks). */
function callersSentence(pkg: PackageRow): string {
  if (pkg.callers.length === 0)
    return 'No line of your code is on these stacks and none of your sources in the profile uses it: the package runs from its own callbacks (sockets, timers, streams) or from code loaded outside your sources.';
  if (pkg.callers[0]?.found === 'source')
    return `No line of your code is on its sampled stacks (it runs after an await or from its own callbacks); your sources use it at ${pkg.callers.map(callerText).join(', ')}.`;
  return `Your calls: ${pkg.callers.map(callerText).join('; ')}.`;
}

function pkgImpact(pkg: PackageRow, tables: ProfileTables): NonNullable<Finding['impact']> {
  return {
    share: pkg.share,
    shareOf: shareOf(tables),
    description: `${formatPercent(pkg.share, 1)} of ${shareOf(tables)}`,
    ...(pkg.ms === undefined ? {} : { timeMs: pkg.ms }),
  };
}

/** The `data` of a `cpu.hot-dependency` finding: the package, for whoever explains its cost. */
export interface HotDependencyData {
  package: string;
}

function createHotDependencyFinding(pkg: PackageRow, tables: ProfileTables): Finding {
  const top = pkg.callers[0];
  return {
    id: 'cpu.hot-dependency',
    area: 'cpu',
    title: `Dependency ${pkg.name} takes ${formatPercent(pkg.share, 1)} of CPU${top ? `, called from ${formatWhere(top)}` : ''}`,
    severity: severityFromShare(pkg.share),
    ...callerLocation(pkg),
    impact: pkgImpact(pkg, tables),
    rootCause: `Code of the package ${pkg.name} runs for a large part of the time. ${callersSentence(pkg)}`,
    recommendation: {
      text: `Check how ${pkg.name} is used${top ? ` at ${formatWhere(top)}` : ''} (options, call frequency, input size), cache its results, or replace it with a faster alternative.`,
      effort: 'medium',
    },
    evidence: [
      { label: 'package share', value: formatPercent(pkg.share, 1), source: 'profile' },
      ...callerEvidence(pkg),
    ],
    data: { package: pkg.name } satisfies HotDependencyData,
  };
}

/**
 * A database engine or driver's CPU share: the cost of the queries, charged to the lines that
 * issue them. Low severity: the queries themselves are judged by the database findings (plans,
 * N+1, cache), which say what to change; replacing the database is not the advice.
 */
function createDatabaseWorkFinding(pkg: PackageRow, tables: ProfileTables): Finding {
  const top = pkg.callers[0];
  return {
    id: 'cpu.database-work',
    area: 'database',
    title: `Database work: ${pkg.name} runs your queries for ${formatPercent(pkg.share, 1)} of CPU${top ? `, from ${formatWhere(top)}` : ''}`,
    severity: 'low',
    ...callerLocation(pkg),
    impact: pkgImpact(pkg, tables),
    rootCause: `${pkg.name} is a database engine or driver: its time is the cost of the queries your code sends (an in-process engine executes them on this thread, a driver encodes parameters and decodes rows). ${callersSentence(pkg)}`,
    recommendation: {
      text: `Make these queries cheaper or fewer: the database findings (redline db explain, the probe's N+1 and cache findings) say how for each statement${top ? ` issued at ${formatWhere(top)}` : ''}. Fetch only the rows and columns needed, batch repeated lookups, and cache results that repeat; an in-process engine runs on the event loop, so heavy queries there block every request.`,
      effort: 'medium',
    },
    evidence: [
      { label: 'package share', value: formatPercent(pkg.share, 1), source: 'profile' },
      ...callerEvidence(pkg),
    ],
  };
}

/** Up to three hot spots whose time is mostly allocation (the `go.alloc` pattern). */
function allocationSites(tables: ProfileTables): Hotspot[] {
  return tables.hotspots.filter((h) => h.patternId === 'go.alloc').slice(0, 3);
}

const GC_TEXT: Partial<Record<ProfiledRuntime, Pick<Finding, 'rootCause' | 'recommendation'>>> = {
  go: {
    rootCause:
      "The service allocates fast, so Go's collector runs often: background mark workers take their 25 % of GOMAXPROCS while it marks, and goroutines that allocate during marking are made to help (mark assists), which adds latency to their requests.",
    recommendation: {
      text: 'Allocate less on the hot paths (the allocation-heavy lines are listed; `-gcflags=-m` shows what escapes), reuse buffers with sync.Pool; when memory allows, let the heap grow before collecting (GOGC=200, or GOMEMLIMIT set near the container limit with GOGC kept).',
      effort: 'medium',
    },
  },
};

/**
 * GC pressure seen in a CPU profile: the share of samples spent collecting garbage (V8's GC
 * bucket; Go's mark workers and assists). `sites` are hot spots dominated by allocation.
 */
export function createGcShareFinding(
  share: number,
  ms?: number,
  runtime: ProfiledRuntime = 'node',
  sites: readonly Hotspot[] = [],
): Finding {
  const text = GC_TEXT[runtime];
  return {
    id: 'gc.pressure',
    area: 'gc',
    title: `Garbage collection takes ${formatPercent(share, 1)} of CPU`,
    severity: severityFromShare(share),
    ...(sites[0] ? { location: hotspotLocation(sites[0]) } : {}),
    impact: {
      share,
      shareOf: 'CPU time (excluding idle)',
      description: `${formatPercent(share, 1)} of CPU time in the garbage collector`,
      ...(ms === undefined ? {} : { timeMs: ms }),
    },
    rootCause:
      text?.rootCause ??
      'The service allocates fast (many short-lived objects, large strings or buffers per request), so V8 collects often.',
    recommendation: text?.recommendation ?? {
      text: 'Allocate less per request: reuse buffers, avoid building large intermediate arrays/strings, stream instead of buffering; the allocation profile shows where.',
      effort: 'medium',
    },
    evidence: [
      { label: 'GC share of samples', value: formatPercent(share, 1), source: 'profile' },
      ...sites.map((site) => ({
        label: 'allocates',
        value: `${formatWhere(site)} ${site.functionName}: ${formatPercent(site.share, 1)}`,
        source: 'profile',
      })),
    ],
  };
}
