/**
 * Public surface of compare/: the statistical comparison of runs (minimum effect plus a
 * Mann-Whitney U test) behind `redline compare` and the audit's "Improvements verified". Other
 * folders import compare/ only through this file.
 */
export {
  type CompareMode,
  type CompareOptions,
  type CompareResult,
  type CompareRow,
  type CompareVerdict,
  compareRuns,
  sameMeasure,
} from './compare-runs.js';
export { type MannWhitneyResult, mannWhitneyU } from './mann-whitney.js';
export { createVerification } from './verification.js';
