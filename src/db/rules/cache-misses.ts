/** Rule: a slow node reading many blocks from disk instead of the buffer cache. */
import { createPlanFinding, ms, nodeShare, type PlanRule } from './plan-rule.js';

/**
 * Read share of the node's own buffer accesses above which it counts as I/O bound (Redline's choice
 * [ref: pgmustard]).
 */
export const MAX_READ_RATIO = 0.1;
/** The node must take at least this share of the statement (Redline's choice) ... */
export const MIN_NODE_SHARE = 0.1;
/** ... at least this long (ms) and read at least this many blocks. */
export const MIN_NODE_MS = 5;
export const MIN_BLOCKS_READ = 100;

/** `db.cache-misses`: Shared Read / (Hit + Read) on a slow node (pgMustard "slow disk reads"). */
export const cacheMissesRule: PlanRule = {
  id: 'db.cache-misses',
  title: 'Node reads from disk: data not in the buffer cache',
  scope: 'node',
  engines: ['postgres'],
  needsActuals: true,
  check(context) {
    const { node } = context;
    const buffers = node.selfBuffers;
    if (!buffers || buffers.sharedRead < MIN_BLOCKS_READ) return null;
    const ratio = buffers.sharedRead / Math.max(1, buffers.sharedHit + buffers.sharedRead);
    if (
      ratio <= MAX_READ_RATIO ||
      nodeShare(context) < MIN_NODE_SHARE ||
      (node.selfMs ?? 0) < MIN_NODE_MS
    )
      return null;
    const ioMs = buffers.ioReadMs;
    const saved = ioMs ?? (node.selfMs ?? 0) * ratio * 0.5;
    return createPlanFinding({
      rule: cacheMissesRule,
      context,
      severity: ratio > 0.5 ? 'medium' : 'low',
      timeSavedMs: saved,
      impact: `${buffers.sharedRead} blocks (${Math.round((buffers.sharedRead * 8) / 1024)} MB) read from outside the cache${ioMs !== undefined ? `, ${ms(ioMs)} waiting for I/O` : ''}`,
      rootCause: `${(ratio * 100).toFixed(0)}% of the blocks ${node.label} touched were not in shared_buffers. A cold cache after a restart explains it once; if it repeats, the working set does not fit in memory or the node reads far more than it returns.`,
      recommendation: {
        text: 'Re-run to see whether it is a cold cache; if it repeats, read less (an index, fewer columns) or give PostgreSQL more memory (shared_buffers, effective_cache_size). Turn on track_io_timing to measure the I/O time.',
        effort: 'medium',
      },
      evidence: [
        { label: 'shared blocks read', value: buffers.sharedRead },
        { label: 'shared blocks hit', value: buffers.sharedHit },
        ...(ioMs !== undefined
          ? [{ label: 'I/O read time', value: Number(ioMs.toFixed(3)), unit: 'ms' }]
          : []),
      ],
    });
  },
};
