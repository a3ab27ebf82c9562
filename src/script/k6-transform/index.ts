/** Public surface of script/k6-transform/: making blocking k6 scripts run on Node's async runtime. */
export {
  BLOCKING_APIS,
  ITERATION_METHODS,
  isBlockingApi,
  UNSUPPORTED_CALLBACK_METHODS,
} from './blocking-apis.js';
export { ITERATE_HELPER } from './iteration-helper.js';
export { type SourceEdit, shiftSourceMap } from './shift-map.js';
export {
  type K6TransformIssue,
  type K6TransformOptions,
  type K6TransformResult,
  type ModulePosition,
  transformK6Module,
} from './transform.js';
