/** Tags every script-level sample carries: test tags, scenario tags, VU tags, group and scenario. */
import type { Tags } from '../../metrics/metric-types.js';
import { threadRuntime } from '../runtime/thread-runtime.js';
import { currentVu } from '../runtime/vu-state.js';

/** The context tags of the calling VU merged with `extra` (extra wins), and a cache key for them. */
export function contextTags(extra?: Readonly<Record<string, string>>): { tags: Tags; key: string } {
  const rt = threadRuntime();
  const vu = currentVu();
  const tags: Record<string, string> = { ...rt.testTags };
  if (vu) {
    Object.assign(tags, vu.scenario.tags, vu.tags);
    tags['scenario'] = vu.scenario.name;
    tags['group'] = vu.group;
  }
  if (extra) for (const [k, v] of Object.entries(extra)) tags[k] = String(v);
  const key = vu
    ? `${vu.scenario.name}\u0001${vu.group}\u0001${Object.keys(vu.tags).length ? JSON.stringify(vu.tags) : ''}\u0001${extra ? JSON.stringify(extra) : ''}`
    : `\u0002${extra ? JSON.stringify(extra) : ''}`;
  return { tags, key };
}
