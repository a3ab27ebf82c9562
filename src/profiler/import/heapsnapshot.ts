/** Importer for V8 heap snapshots (`.heapsnapshot`): summary by constructor and a two-snapshot diff. */
import { createProfileBuilder } from '../model/builder.js';
import type { Profile } from '../model/profile.js';
import {
  createInvalidProfileError,
  hasSuffix,
  type Importer,
  parseJsonProfile,
  textPrefix,
} from './importer.js';

/** The parts of a `.heapsnapshot` JSON the summary needs. */
export interface V8HeapSnapshot {
  snapshot: { meta: { node_fields: string[]; node_types: unknown[] }; node_count?: number };
  nodes: number[];
  strings: string[];
}

/** One object of a snapshot, reduced to what the summary needs. */
interface HeapObject {
  className: string;
  id: number;
  selfSize: number;
}

const GROUPED_TYPES: Record<string, string> = {
  hidden: '(system)',
  array: '(array)',
  string: '(string)',
  'concatenated string': '(string)',
  'sliced string': '(string)',
  code: '(compiled code)',
  closure: '(closure)',
  number: '(number)',
  regexp: 'RegExp',
  symbol: 'Symbol',
  bigint: 'BigInt',
  'object shape': '(object shape)',
};

/** Calls `visit` for every object of the snapshot with its DevTools-style class name. */
function forEachObject(
  snapshot: V8HeapSnapshot,
  fileName: string,
  visit: (o: HeapObject) => void,
): void {
  const fields = snapshot.snapshot?.meta?.node_fields;
  if (
    !Array.isArray(fields) ||
    !Array.isArray(snapshot.nodes) ||
    !Array.isArray(snapshot.strings)
  ) {
    throw createInvalidProfileError(
      'V8 heap snapshot',
      fileName,
      'meta, nodes or strings are missing',
    );
  }
  const types = (snapshot.snapshot.meta.node_types[0] ?? []) as string[];
  const stride = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const idAt = fields.indexOf('id');
  const sizeAt = fields.indexOf('self_size');
  const { nodes, strings } = snapshot;
  for (let i = 0; i + stride <= nodes.length; i += stride) {
    const type = types[nodes[i + typeAt] as number] ?? 'unknown';
    if (type === 'synthetic') continue;
    const name = strings[nodes[i + nameAt] as number] ?? '';
    const className =
      type === 'object' || type === 'native'
        ? name || 'Object'
        : Object.hasOwn(GROUPED_TYPES, type)
          ? (GROUPED_TYPES[type] as string)
          : `(${type})`;
    visit({ className, id: nodes[i + idAt] as number, selfSize: nodes[i + sizeAt] as number });
  }
}

/** Summarises a heap snapshot by constructor: self bytes (weight) and object count per class. */
export function importFromHeapSnapshot(snapshot: V8HeapSnapshot, fileName = 'snapshot'): Profile {
  const builder = createProfileBuilder({
    format: 'heapsnapshot',
    valueKind: 'heap-objects',
    unit: 'bytes',
  });
  let objects = 0;
  let bytes = 0;
  forEachObject(snapshot, fileName, (object) => {
    objects += 1;
    bytes += object.selfSize;
    const frame = builder.frame({ name: object.className, kind: 'js' });
    builder.addSample([frame], object.selfSize, undefined, 1);
  });
  return builder.finish({ meta: { objects, bytes } });
}

/**
 * Growth between two snapshots of one process, by constructor, matched on object ids (as the
 * DevTools comparison view): weight = bytes of new objects minus bytes of deleted objects, count =
 * new minus deleted objects. Only classes that grew are kept as samples; totals go to `meta`.
 */
export function importFromHeapSnapshotDiff(
  before: V8HeapSnapshot,
  after: V8HeapSnapshot,
  names: { before?: string; after?: string } = {},
): Profile {
  const oldObjects = new Map<number, HeapObject>();
  let bytesBefore = 0;
  forEachObject(before, names.before ?? 'before', (object) => {
    oldObjects.set(object.id, object);
    bytesBefore += object.selfSize;
  });
  const delta = new Map<string, { bytes: number; count: number }>();
  const bump = (className: string, bytes: number, count: number): void => {
    const entry = delta.get(className) ?? { bytes: 0, count: 0 };
    entry.bytes += bytes;
    entry.count += count;
    delta.set(className, entry);
  };
  let bytesAfter = 0;
  forEachObject(after, names.after ?? 'after', (object) => {
    bytesAfter += object.selfSize;
    if (oldObjects.delete(object.id)) return;
    bump(object.className, object.selfSize, 1);
  });
  for (const gone of oldObjects.values()) bump(gone.className, -gone.selfSize, -1);
  const builder = createProfileBuilder({
    format: 'heapsnapshot-diff',
    valueKind: 'heap-growth',
    unit: 'bytes',
  });
  for (const [className, entry] of delta) {
    if (entry.bytes > 0)
      builder.addSample(
        [builder.frame({ name: className, kind: 'js' })],
        entry.bytes,
        undefined,
        entry.count,
      );
  }
  return builder.finish({ meta: { bytesBefore, bytesAfter, growth: bytesAfter - bytesBefore } });
}

/** The `.heapsnapshot` importer (summary by constructor; the diff needs two files). */
export const heapSnapshotImporter: Importer = {
  format: 'heapsnapshot',
  description:
    'V8 heap snapshot (.heapsnapshot): Chrome DevTools, v8.writeHeapSnapshot(); two files give a growth diff',
  detect(fileName, bytes) {
    if (!/^\s*\{\s*"snapshot"\s*:\s*\{\s*"meta"/.test(textPrefix(bytes, 256))) return null;
    return hasSuffix(fileName, '.heapsnapshot') ? 1 : 0.9;
  },
  import(bytes, fileName) {
    return importFromHeapSnapshot(
      parseJsonProfile(bytes, 'V8 heap snapshot', fileName) as V8HeapSnapshot,
      fileName,
    );
  },
};
