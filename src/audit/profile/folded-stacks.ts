/**
 * The profile's heaviest stacks in folded form (`root;…;leaf  weight`), frames named
 * `function (file:line)` after source maps: what the report's flame graph draws.
 */
import { msPerUnit, type Profile, type SourceResolver } from '../../profiler/index.js';
import type { FoldedStack } from '../../results/audit-result.js';

/** Stacks kept for the report (the rest are small). */
export const MAX_FOLDED_STACKS = 300;

function frameLabel(profile: Profile, index: number, resolver: SourceResolver | undefined): string {
  const frame = profile.frames[index];
  if (!frame) return '?';
  if (!frame.file || frame.line === undefined || frame.file.startsWith('node:')) {
    return frame.file?.startsWith('node:') ? `${frame.name} (${frame.file})` : frame.name;
  }
  if (!resolver) return `${frame.name} (${frame.file}:${frame.line})`;
  const pos = resolver.resolve(frame.file, frame.line, frame.column);
  const name = frame.name === '(anonymous)' && pos.name ? pos.name : frame.name;
  return `${name} (${resolver.displayPath(pos.file)}:${pos.line})`;
}

/**
 * Folds the samples of a CPU profile by stack (idle samples left out), converts weights to ms
 * when the unit is a time, and keeps the `max` heaviest stacks.
 */
export function createFoldedStacks(
  profile: Profile,
  resolver?: SourceResolver,
  max = MAX_FOLDED_STACKS,
): { unit: 'ms' | 'samples'; stacks: FoldedStack[] } {
  const factor = msPerUnit(profile.unit);
  const labels = new Map<number, string>();
  const label = (i: number) => {
    let text = labels.get(i);
    if (text === undefined) {
      text = frameLabel(profile, i, resolver);
      labels.set(i, text);
    }
    return text;
  };
  const folded = new Map<string, { frames: string[]; value: number }>();
  for (const sample of profile.samples) {
    if (sample.stack.some((i) => profile.frames[i]?.kind === 'idle')) continue;
    const frames = sample.stack.map(label);
    const key = frames.join(';');
    const entry = folded.get(key);
    const value = sample.weight * (factor ?? 1);
    if (entry) entry.value += value;
    else folded.set(key, { frames, value });
  }
  const stacks = [...folded.values()]
    .sort((a, b) => b.value - a.value)
    .slice(0, max)
    .map((s) => ({ frames: s.frames, value: Number(s.value.toFixed(3)) }));
  return { unit: factor === undefined ? 'samples' : 'ms', stacks };
}
