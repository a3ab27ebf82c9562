/** Tags every script-level sample carries: test tags, scenario tags, VU tags, group and scenario. */
import type { Tags } from '../../metrics/metric-types.js';
import { hasKeys } from '../../util/has-keys.js';
import { threadRuntime } from '../runtime/thread-runtime.js';
import { currentVu, type VuState } from '../runtime/vu-state.js';

/**
 * A cache key for the calling VU's context tags plus `extra` (cheap: no object is built). Series
 * caches look this up on every sample; {@link contextTags} builds the tags only on a miss.
 */
export function contextKey(
  extra?: Readonly<Record<string, string>>,
  vu: VuState | undefined = currentVu(),
): string {
  const extraKey = extra && hasKeys(extra) ? JSON.stringify(extra) : '';
  if (!vu) return `\u0002${extraKey}`;
  const vuKey = hasKeys(vu.tags) ? JSON.stringify(vu.tags) : '';
  return `${vu.scenario.name}\u0001${vu.group}\u0001${vuKey}\u0001${extraKey}`;
}

/** The context tags of the calling VU merged with `extra` (extra wins). */
export function contextTags(
  extra?: Readonly<Record<string, string>>,
  vu: VuState | undefined = currentVu(),
): Tags {
  const tags: Record<string, string> = { ...threadRuntime().testTags };
  if (vu) {
    Object.assign(tags, vu.scenario.tags, vu.tags);
    tags['scenario'] = vu.scenario.name;
    tags['group'] = vu.group;
  }
  if (extra) for (const [k, v] of Object.entries(extra)) tags[k] = String(v);
  return tags;
}
