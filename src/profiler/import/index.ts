/** Public surface of profiler/import: one importer per format into the one Profile model. */
export {
  importFromV8CpuProfile,
  type V8CallFrame,
  type V8CpuProfile,
  type V8CpuProfileNode,
} from './cpuprofile.js';
export { importFromFoldedStacks, parseFoldedFrame } from './folded.js';
export {
  importFromV8HeapProfile,
  type V8HeapProfile,
  type V8HeapProfileNode,
} from './heapprofile.js';
export {
  importFromHeapSnapshot,
  importFromHeapSnapshotDiff,
  type V8HeapSnapshot,
} from './heapsnapshot.js';
export type { Importer } from './importer.js';
export { decodePprof, importFromPprof } from './pprof.js';
export {
  createUnknownFormatError,
  detectImporter,
  IMPORTERS,
  importHeapSnapshotDiffFiles,
  importProfile,
  importProfileFile,
  maybeGunzip,
} from './registry.js';
export { importFromSpeedscope, SPEEDSCOPE_SCHEMA, type SpeedscopeFile } from './speedscope.js';
