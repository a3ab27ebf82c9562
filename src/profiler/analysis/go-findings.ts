/** Go-only findings from a CPU profile: time the scheduler spends finding and switching goroutines. */
import type { Finding } from '../../findings/finding.js';
import { severityFromShare } from '../../findings/rank.js';
import { formatPercent } from '../../util/units.js';
import { msPerUnit, type Profile } from '../model/profile.js';
import type { FrameInfoTable } from './frame-info.js';
import { GO_SCHEDULER } from './runtime-frames.js';

/** Scheduler time (share of active CPU) from which `go.scheduler` is reported. */
export const GO_SCHEDULER_THRESHOLD = 0.1;

/**
 * Share of CPU samples in the Go scheduler: the stack holds a scheduler function and no user
 * code or GC above it (a goroutine handing over its P, an idle P spinning for work, timers).
 */
export function goSchedulerShare(
  profile: Profile,
  table: FrameInfoTable,
): { share: number; weight: number } {
  let active = 0;
  let scheduler = 0;
  for (const sample of profile.samples) {
    const infos = sample.stack.map((frame) => table.info(frame));
    if (infos.some((info) => info.category === 'idle')) continue;
    active += sample.weight;
    if (infos.some((info) => info.category === 'app' || info.category === 'gc')) continue;
    if (infos.some((info) => GO_SCHEDULER.test(info.frame.name))) scheduler += sample.weight;
  }
  return { share: active > 0 ? scheduler / active : 0, weight: scheduler };
}

/** `go.scheduler` when the scheduler takes at least {@link GO_SCHEDULER_THRESHOLD} of CPU. */
export function createGoSchedulerFindings(profile: Profile, table: FrameInfoTable): Finding[] {
  const { share, weight } = goSchedulerShare(profile, table);
  if (share < GO_SCHEDULER_THRESHOLD) return [];
  const perUnit = msPerUnit(profile.unit);
  const ms = perUnit === undefined ? undefined : weight * perUnit;
  return [
    {
      id: 'go.scheduler',
      area: 'cpu',
      title: `Go scheduler overhead: ${formatPercent(share, 1)} of CPU finding and switching goroutines`,
      severity: severityFromShare(share),
      impact: {
        share,
        shareOf: 'CPU time (excluding idle)',
        description: `${formatPercent(share, 1)} of CPU in runtime.schedule, findRunnable, park and wake-ups`,
        ...(ms === undefined ? {} : { timeMs: ms }),
      },
      rootCause:
        'Goroutines block and wake very often (a goroutine per tiny task, unbuffered channel hand-offs, many timers), or GOMAXPROCS is above the CPU the container may use, so idle Ps spin looking for work and threads are descheduled by the CPU quota.',
      recommendation: {
        text: 'Do more work per goroutine (batch items, a fixed worker pool instead of a goroutine per item), buffer channels between stages, and set GOMAXPROCS to the CPU limit (automatic from Go 1.25; before that go.uber.org/automaxprocs).',
        effort: 'medium',
      },
      evidence: [
        { label: 'scheduler share of samples', value: formatPercent(share, 1), source: 'pprof' },
        { label: 'threshold', value: formatPercent(GO_SCHEDULER_THRESHOLD, 0) },
      ],
    },
  ];
}
