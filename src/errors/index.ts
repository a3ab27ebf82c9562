/** Public surface of errors/: the error type and the exit-code table. */
export { ExitCode, type ExitCodeValue } from './exit-codes.js';
export {
  formatErrorForTerminal,
  formatPosition,
  isRedlineError,
  RedlineError,
  type RedlineErrorOptions,
  type SourcePosition,
} from './redline-error.js';
