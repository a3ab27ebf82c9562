/** Flow control for scripts: `group`, `sleep`, `fail`. */
import { BUILTIN_METRICS } from '../../metrics/builtin.js';
import { threadRuntime } from '../runtime/thread-runtime.js';
import { IterationAbort, requireVu } from '../runtime/vu-state.js';
import { contextTags } from './sample-tags.js';

/** Error thrown by `fail(message)`: ends the iteration, counted as a failed iteration. */
export class ScriptFailure extends Error {
  override readonly name = 'ScriptFailure';
}

/**
 * Runs `fn` inside group `name`: samples inside are tagged `group: ::parent::name`, and the time
 * spent is recorded in `group_duration`. `fn` may be async (unlike k6). Groups of one VU are
 * sequential: do not run two groups of the same VU concurrently.
 */
export async function group<T>(name: string, fn: () => T | Promise<T>): Promise<T> {
  const vu = requireVu('group()');
  if (name.includes('::')) throw new ScriptFailure(`group name "${name}" must not contain "::"`);
  const parent = vu.group;
  vu.group = `${parent}::${name}`;
  const started = performance.now();
  try {
    return await fn();
  } finally {
    const tags = contextTags();
    threadRuntime()
      .registry.trend(BUILTIN_METRICS.group_duration, tags)
      .add(performance.now() - started);
    vu.group = parent;
  }
}

/** Pauses the VU for `seconds` (interrupted at once when the VU must stop). */
export async function sleep(seconds: number): Promise<void> {
  const vu = requireVu('sleep()');
  if (!(seconds > 0)) return;
  if (vu.signal.aborted) throw new IterationAbort('interrupted', true);
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, seconds * 1000);
    vu.wake = () => {
      clearTimeout(timer);
      resolve();
    };
  });
  vu.wake = undefined;
  if (vu.signal.aborted) throw new IterationAbort('interrupted', true);
}

/** Ends the current iteration with an error (k6 `fail`). */
export function fail(message = 'fail() called'): never {
  throw new ScriptFailure(message);
}
