/**
 * Removes the garbage collections Redline forced (heap checks) from a V8 CPU profile, so the
 * profile charges the service only for the GC work it caused itself.
 */
import { SAMPLER_SOURCE_URL } from '../capture/sampler-source.js';
import type { ServiceSignals } from '../capture/signals.js';
import type { V8CpuProfile } from '../import/cpuprofile.js';

/** A forced GC's pause on the CPU profile's clock (µs), widened by the sampling slack. */
interface Window {
  startUs: number;
  endUs: number;
}

/**
 * The forced GC pauses of `signals` on the profile's clock. The margin (µs) covers the sampler's
 * tick granularity: a sample taken just before the pause was reported can already be in it.
 */
export function forcedGcWindows(signals: ServiceSignals, marginUs = 2000): Window[] {
  const clock = signals.clockUs;
  if (clock === undefined) return [];
  return signals.gc
    .filter((event) => event.forced)
    .map((event) => ({
      startUs: clock + event.startMs * 1000 - marginUs,
      endUs: clock + (event.startMs + event.durationMs) * 1000 + marginUs,
    }));
}

/** Result of {@link withoutForcedGc}: the profile plus what was taken out. */
export interface ForcedGcRemoval {
  profile: V8CpuProfile;
  /** Samples removed (garbage-collector samples inside a forced pause, the sampler's own). */
  removedSamples: number;
  /** Their time (µs). */
  removedUs: number;
}

/** Ids of the nodes with a frame of Redline's in-target sampler on their stack (self or caller). */
function samplerNodeIds(profile: V8CpuProfile): Set<number> {
  const parent = new Map<number, number>();
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parent.set(child, node.id);
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const ids = new Set<number>();
  for (const node of profile.nodes) {
    for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
      if (byId.get(id)?.callFrame.url === SAMPLER_SOURCE_URL) {
        ids.add(node.id);
        break;
      }
    }
  }
  return ids;
}

/**
 * A copy of `profile` without Redline's own work in the target: the `(garbage collector)` samples
 * that fall inside a GC Redline forced (`--heap-check`), and every sample with a frame of the
 * in-target sampler on its stack (its timers, and the heap checks themselves: an inspector
 * evaluation interrupts whatever JavaScript runs, so a forced GC can be sampled on top of the
 * user's stack — 70% of a cheap JSON API's CPU was once charged to its `JSON.stringify` line).
 * Their time is removed too (later timestamps move earlier), so shares are computed over the
 * service's own time. Returns the profile unchanged when there is nothing to remove.
 */
export function withoutForcedGc(profile: V8CpuProfile, signals: ServiceSignals): ForcedGcRemoval {
  const windows = forcedGcWindows(signals);
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  const sampler = samplerNodeIds(profile);
  if (
    (windows.length === 0 && sampler.size === 0) ||
    samples.length === 0 ||
    deltas.length !== samples.length
  )
    return { profile, removedSamples: 0, removedUs: 0 };
  const gcIds = new Set(
    profile.nodes
      .filter((node) => node.callFrame.functionName === '(garbage collector)')
      .map((node) => node.id),
  );
  const inForced = (us: number): boolean => windows.some((w) => us >= w.startUs && us <= w.endUs);
  let time = profile.startTime;
  const stamps = deltas.map((delta) => {
    time += Math.max(0, delta);
    return time;
  });
  const keptSamples: number[] = [];
  const keptDeltas: number[] = [];
  let removedUs = 0;
  let removedSamples = 0;
  let previous = profile.startTime;
  let shift = 0;
  for (let i = 0; i < samples.length; i++) {
    const stamp = stamps[i] as number;
    const next = i + 1 < stamps.length ? (stamps[i + 1] as number) : profile.endTime;
    const id = samples[i] as number;
    if (sampler.has(id) || (gcIds.has(id) && inForced(stamp))) {
      const weight = Math.max(0, next - stamp);
      removedUs += weight;
      removedSamples += 1;
      shift += weight;
      continue;
    }
    keptSamples.push(id);
    keptDeltas.push(stamp - shift - previous);
    previous = stamp - shift;
  }
  if (removedSamples === 0) return { profile, removedSamples: 0, removedUs: 0 };
  return {
    profile: {
      ...profile,
      samples: keptSamples,
      timeDeltas: keptDeltas,
      endTime: profile.endTime - shift,
    },
    removedSamples,
    removedUs,
  };
}
