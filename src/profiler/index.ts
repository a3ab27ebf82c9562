/**
 * Public surface of the profiler: capture a Node service under load (`profileTarget`) or a Go,
 * JVM or Python one (`profileStackTarget`), read any profile or recording (`importProfileFile`,
 * `.jfr`, pstats, Python sampler files), and analyse it (`analyzeFile` / `analyzeProfile` /
 * `analyzeCapture` / `analyzeRecording`) into tables and `Finding`s. See docs/profiling.md. Other folders
 * import profiler/ only through this file.
 */
export { type AnalyzeOptions, analyzeProfile, type ProfileAnalysis } from './analysis/analyze.js';
export {
  type AnalyzeFileOptions,
  analyzeFile,
  loadProfileFile,
  readWasmModules,
} from './analysis/analyze-file.js';
export { analyzeCapture, type CaptureAnalysis } from './analysis/capture-analysis.js';
export { type CategoryInfo, categorizeFrame, type FrameCategory } from './analysis/categorize.js';
export { CPU_FINDING_THRESHOLDS, type HotDependencyData } from './analysis/cpu-findings.js';
export {
  DIAGNOSIS_THRESHOLDS,
  type Diagnosis,
  type DiagnosisCategory,
  diagnoseSignals,
} from './analysis/diagnose.js';
export {
  assessCapturedLeak,
  assessLeak,
  createLeakFinding,
  fitLine,
  LEAK_THRESHOLDS,
  type LeakAssessment,
  type RetainedHeapSignals,
} from './analysis/leak.js';
export { ROOT_CAUSE_PATTERNS, type RootCausePattern } from './analysis/patterns.js';
export {
  analyzeRecording,
  isRecordingAnalysis,
  type RecordingAnalysis,
  type RecordingView,
} from './analysis/recording-analysis.js';
export { inferRuntime } from './analysis/runtime-frames.js';
export { createSourceResolver, type SourceResolver } from './analysis/source-map.js';
export type {
  CategoryRow,
  FunctionRow,
  Hotspot,
  LineRow,
  PackageRow,
  ProfileTables,
} from './analysis/tables.js';
export {
  connectInspector,
  discoverDebuggerUrl,
  type InspectorClient,
} from './capture/inspector-client.js';
export { isJvmProcess } from './capture/java.js';
export { PPROF_TYPES, type PprofType, parsePprofTypes } from './capture/pprof-http.js';
export {
  type LoadRunner,
  type ProfileTargetOptions,
  type ProfileTargetResult,
  type ProfileTargetSpec,
  profileTarget,
  type TargetInfo,
} from './capture/profile-target.js';
export {
  type PythonSamplerPaths,
  pythonSamplerEnv,
  setUpPythonSampler,
} from './capture/python.js';
export { detectRuntime, parseRuntime, runtimeOfCommand } from './capture/runtime-detect.js';
export {
  type CaptureOptions,
  type CaptureResult,
  DEFAULT_CAPTURE_OPTIONS,
} from './capture/session.js';
export type {
  EventLoopDelay,
  GcEvent,
  GcKind,
  HeapPoint,
  ProcessSample,
  ServiceSignals,
} from './capture/signals.js';
export {
  profileStackTarget,
  type StackProfileOptions,
  type StackProfileResult,
  type StackRuntime,
} from './capture/stack-target.js';
export { renderFlamegraphHtml, renderFlamegraphSvg } from './export/flamegraph.js';
export { createSpeedscopeFile, renderSpeedscope } from './export/speedscope.js';
export {
  renderAnalysisText,
  renderCaptureText,
  renderFindingsText,
  renderRecordingText,
} from './export/text-report.js';
export {
  type CaptureFiles,
  renderProfileViews,
  writeCaptureFiles,
} from './export/write-capture.js';
export * from './import/index.js';
export * from './model/index.js';
