/** Removes the allocations Redline's own in-process code made from a live-heap profile. */

import { isRedlineInProcessFile } from '../../util/redline-files.js';
import { fileUrlToPath } from '../../util/source-map.js';
import type { V8HeapProfile, V8HeapProfileNode } from '../import/heapprofile.js';

/**
 * A copy of `profile` without the subtrees under a frame of Redline's in-process code (the probe
 * and what it runs): the probe's own bookkeeping retains memory while a request's code is on the
 * stack below it, and a live-heap site must never charge that to the application's line (a real
 * Express + Sequelize service's "leak" was placed at its JWT helper by the probe's query caches).
 */
export function withoutRedlineAllocations(profile: V8HeapProfile): V8HeapProfile {
  const keep = (node: V8HeapProfileNode): V8HeapProfileNode | undefined => {
    const url = node.callFrame.url;
    if (url && isRedlineInProcessFile(fileUrlToPath(url))) return undefined;
    const children: V8HeapProfileNode[] = [];
    for (const child of node.children ?? []) {
      const kept = keep(child);
      if (kept) children.push(kept);
    }
    return { ...node, children };
  };
  const head = keep(profile.head) ?? { ...profile.head, children: [] };
  return { ...profile, head };
}
