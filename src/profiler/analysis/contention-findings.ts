/**
 * Findings from wait-time profiles: where threads or goroutines waited for a lock (Go mutex and
 * block profiles, JVM monitor enter and lock parks), and where goroutines pile up (Go goroutine
 * profile). Channel and condition waits are listed in the tables, never reported as contention:
 * an idle worker waiting for work looks the same.
 */
import type { Evidence, Finding } from '../../findings/finding.js';
import { formatPercent } from '../../util/units.js';
import type { Profile, ProfiledRuntime } from '../model/profile.js';
import { formatWhere, hotspotLocation } from './cpu-findings.js';
import type { Hotspot, ProfileTables } from './tables.js';

/** Thresholds of the contention findings. */
export const CONTENTION_THRESHOLDS = {
  /** Report a lock site from this average number of threads waiting on it over the window. */
  minWaiting: 0.05,
  /** ≥ this average waiting is high severity. */
  highWaiting: 1,
  /** ≥ this average waiting is medium severity. */
  mediumWaiting: 0.25,
  /** A goroutine pile-up: at least this many goroutines parked at one place in the user's code. */
  goroutinePileup: 1000,
  /** Lock sites reported at most. */
  maxSites: 5,
} as const;

/** Names of lock primitives (Go sync, JVM monitors and java.util.concurrent locks). */
const LOCK_FRAME =
  /^(sync\.\(\*(Mutex|RWMutex)\)\.\w+|runtime\.(semacquire\w*|sync_runtime_Semacquire\w*)|monitor .+|park .*(Lock|Sync|Semaphore|Latch).*|java[./]util[./]concurrent[./]locks[./].+)$/;

/** True when the hot spot waited on a lock (what it called, or itself for monitors). */
function isLockWait(hotspot: Hotspot): boolean {
  return hotspot.via.some((via) => LOCK_FRAME.test(via.name));
}

/**
 * Lock waits of one function on one lock, merged: JIT-compiled frames report the monitor enter
 * at neighbouring lines, so one `synchronized` block can appear as two. The heaviest line stays.
 */
function mergeByFunction(sites: readonly Hotspot[]): Hotspot[] {
  const merged = new Map<string, Hotspot>();
  for (const site of sites) {
    const lock = site.via.find((via) => LOCK_FRAME.test(via.name))?.name ?? '';
    const key = `${site.file}|${site.functionName}|${lock}`;
    const seen = merged.get(key);
    if (!seen) merged.set(key, { ...site });
    else {
      seen.weight += site.weight;
      seen.share += site.share;
      if (site.ms !== undefined) seen.ms = (seen.ms ?? 0) + site.ms;
    }
  }
  return [...merged.values()].sort((a, b) => b.weight - a.weight);
}

const WORDING: Record<ProfiledRuntime, { who: string; fix: string }> = {
  go: {
    who: 'goroutines',
    fix: 'Hold the lock for less: copy what you need and unlock before slow work (I/O, encoding), shard the protected state, use sync.RWMutex for read-mostly data or atomic values instead of a mutex.',
  },
  jvm: {
    who: 'threads',
    fix: 'Shrink the synchronized section (no I/O or sleeps inside it), split the lock per key (ConcurrentHashMap, striped locks), or use lock-free structures (LongAdder, AtomicReference); a ReentrantReadWriteLock helps read-mostly data.',
  },
  python: {
    who: 'threads',
    fix: 'Hold the lock for less and never across I/O; split it per key.',
  },
  node: {
    who: 'workers',
    fix: 'Hold the lock for less and never across I/O; split it per key.',
  },
};

function severityOf(waiting: number): Finding['severity'] {
  if (waiting >= CONTENTION_THRESHOLDS.highWaiting) return 'high';
  if (waiting >= CONTENTION_THRESHOLDS.mediumWaiting) return 'medium';
  return 'low';
}

/**
 * One finding per user-code location where threads waited for a lock, ranked by wait time.
 * `profile.durationMs` (the window) turns wait time into the average number of waiters.
 */
export function createContentionFindings(profile: Profile, tables: ProfileTables): Finding[] {
  const windowMs = profile.durationMs ?? 0;
  const { who, fix } = WORDING[tables.runtime];
  const source = String(profile.meta.source ?? profile.format);
  const findings: Finding[] = [];
  for (const site of mergeByFunction(tables.hotspots.filter(isLockWait))) {
    if (findings.length >= CONTENTION_THRESHOLDS.maxSites) break;
    if (site.ms === undefined) continue;
    // Graded on the figure the finding shows (two decimals): a raw 0.2496 shown as "0.25 waiting"
    // must not be graded below the 0.25 it displays (a loaded CI run showed exactly that).
    const waiting = windowMs > 0 ? Number((site.ms / windowMs).toFixed(2)) : 0;
    if (windowMs > 0 && waiting < CONTENTION_THRESHOLDS.minWaiting) continue;
    const lock = site.via.find((via) => LOCK_FRAME.test(via.name))?.name ?? 'a lock';
    const seconds = (site.ms / 1000).toFixed(site.ms >= 10_000 ? 0 : 2);
    const evidence: Evidence[] = [
      { label: 'wait time', value: Math.round(site.ms), unit: 'ms', source },
      { label: 'share of all lock waits', value: formatPercent(site.share, 1), source },
      { label: 'waits on', value: lock, source },
    ];
    if (windowMs > 0)
      evidence.push({
        label: `average ${who} waiting`,
        value: waiting,
        source,
      });
    if (site.lineText) evidence.push({ label: 'source line', value: site.lineText });
    findings.push({
      id: 'lock.contention',
      area: 'latency',
      title: `Lock contention at ${formatWhere(site)}: ${who} waited ${seconds} s`,
      severity: windowMs > 0 ? severityOf(waiting) : 'low',
      location: hotspotLocation(site),
      impact: {
        share: site.share,
        shareOf: 'lock wait time',
        timeMs: site.ms,
        description:
          windowMs > 0
            ? `${who} waited ${seconds} s in total on ${lock} during a ${(windowMs / 1000).toFixed(1)} s window (${waiting.toFixed(2)} ${who} blocked on average)`
            : `${who} waited ${seconds} s in total on ${lock}`,
      },
      rootCause: /Unlock$/.test(lock)
        ? `${site.functionName} releases a lock here that other ${who} were waiting for (the mutex profile records the holder at Unlock): the section it guards runs long enough for requests to queue behind it.`
        : `${site.functionName} takes a lock that other ${who} hold long enough for requests to queue behind it: each waiting ${who === 'goroutines' ? 'goroutine' : 'thread'} adds its wait to a request's latency.`,
      recommendation: { text: fix, effort: 'medium' },
      evidence,
    });
  }
  return findings;
}

/** Goroutines parked at one place in the user's code, by thousands: a leak or unbounded fan-out. */
export function createGoroutineFindings(tables: ProfileTables): Finding[] {
  const findings: Finding[] = [];
  for (const site of tables.hotspots) {
    if (site.weight < CONTENTION_THRESHOLDS.goroutinePileup) continue;
    const on = site.via[0]?.name ?? site.functionName;
    findings.push({
      id: 'go.goroutine-pileup',
      area: 'memory',
      title: `${Math.round(site.weight)} goroutines parked at ${formatWhere(site)}`,
      severity: site.weight >= CONTENTION_THRESHOLDS.goroutinePileup * 10 ? 'high' : 'medium',
      location: hotspotLocation(site),
      impact: {
        share: site.share,
        shareOf: 'goroutines',
        description: `${Math.round(site.weight)} goroutines (${formatPercent(site.share, 0)} of all) wait in ${on}`,
      },
      rootCause:
        'Goroutines are started faster than they finish, or wait forever (a channel nobody reads, a missing cancel): each holds its stack (at least 2 KiB) and whatever it references.',
      recommendation: {
        text: 'Bound the fan-out (a worker pool or semaphore), give every blocking send/receive a context with a deadline (select on ctx.Done()), and make sure every started goroutine has a way to exit.',
        effort: 'medium',
      },
      evidence: [
        { label: 'goroutines here', value: Math.round(site.weight), source: 'goroutine profile' },
        { label: 'waiting in', value: on, source: 'goroutine profile' },
      ],
    });
  }
  return findings;
}
