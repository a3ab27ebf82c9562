/**
 * Re-exports of errors/, kept only for importers not yet moved (src/db, engine, script,
 * thresholds): errors/ is a building block, so import redline-error.ts or exit-codes.ts directly.
 * Deleted in phase 2 (docs/architecture.md).
 */
export { ExitCode, type ExitCodeValue } from './exit-codes.js';
export {
  formatErrorForTerminal,
  formatPosition,
  isRedlineError,
  RedlineError,
  type RedlineErrorOptions,
  type SourcePosition,
} from './redline-error.js';
