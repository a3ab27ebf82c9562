/** Importer for V8 sampling heap profiles (`.heapprofile`: node --heap-prof, inspector). */
import { createProfileBuilder } from '../model/builder.js';
import type { Profile, ValueKind } from '../model/profile.js';
import { kindOfCallFrame, type V8CallFrame } from './cpuprofile.js';
import {
  createInvalidProfileError,
  hasSuffix,
  type Importer,
  parseJsonProfile,
  textPrefix,
} from './importer.js';

/** A node of a V8 sampling heap profile (`selfSize` in bytes). */
export interface V8HeapProfileNode {
  callFrame: V8CallFrame;
  selfSize: number;
  id?: number;
  children: V8HeapProfileNode[];
}

/** A V8 sampling heap profile as `HeapProfiler.getSamplingProfile` returns it. */
export interface V8HeapProfile {
  head: V8HeapProfileNode;
  samples?: Array<{ size: number; nodeId: number; ordinal: number }>;
}

/**
 * Converts a sampling heap profile into the Profile model: one sample per allocation site with
 * its sampled bytes. `valueKind` says whether the bytes are live objects (the default sampling
 * mode) or all allocations (when collected objects were included).
 */
export function importFromV8HeapProfile(
  profile: V8HeapProfile,
  valueKind: ValueKind = 'live-heap',
): Profile {
  const builder = createProfileBuilder({ format: 'heapprofile', valueKind, unit: 'bytes' });
  const counts = new Map<number, number>();
  for (const sample of profile.samples ?? []) {
    counts.set(sample.nodeId, (counts.get(sample.nodeId) ?? 0) + 1);
  }
  // Iterative walk: heap profiles can be deep (128 frames by default).
  const pending: Array<{ node: V8HeapProfileNode; stack: number[] }> = [
    { node: profile.head, stack: [] },
  ];
  let nodes = 0;
  while (pending.length > 0) {
    const { node, stack } = pending.pop() as { node: V8HeapProfileNode; stack: number[] };
    nodes += 1;
    const cf = node.callFrame;
    const isRoot = cf.functionName === '(root)' && stack.length === 0;
    const kind = kindOfCallFrame(cf);
    const own = isRoot
      ? stack
      : [
          ...stack,
          builder.frame({
            name: cf.functionName || '(anonymous)',
            file: cf.url,
            line: kind === 'js' && cf.lineNumber >= 0 ? cf.lineNumber + 1 : undefined,
            column: kind === 'js' && cf.columnNumber >= 0 ? cf.columnNumber + 1 : undefined,
            kind,
          }),
        ];
    const count = node.id === undefined ? undefined : counts.get(node.id);
    builder.addSample(own, node.selfSize, undefined, count);
    for (const child of node.children ?? []) pending.push({ node: child, stack: own });
  }
  return builder.finish({ meta: { nodes, samples: profile.samples?.length ?? 0 } });
}

/** The `.heapprofile` importer. */
export const heapProfileImporter: Importer = {
  format: 'heapprofile',
  description: 'V8 sampling heap profile (.heapprofile): node --heap-prof, redline profile',
  detect(fileName, bytes) {
    const prefix = textPrefix(bytes);
    const content = /^\s*\{\s*"head"\s*:/.test(prefix) && prefix.includes('"selfSize"');
    if (!content) return null;
    return hasSuffix(fileName, '.heapprofile') ? 1 : 0.9;
  },
  import(bytes, fileName) {
    const parsed = parseJsonProfile(bytes, 'V8 heap profile', fileName) as V8HeapProfile;
    if (typeof parsed?.head?.selfSize !== 'number') {
      throw createInvalidProfileError('V8 heap profile', fileName, 'it has no `head.selfSize`');
    }
    return importFromV8HeapProfile(parsed);
  },
};
