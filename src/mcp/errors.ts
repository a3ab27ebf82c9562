/** Errors as plain data for tool results and child-process reports. */
import { isRedlineError } from '../errors/redline-error.js';

/** A RedlineError's user-facing fields (code, message, hint, position, problems) as plain data. */
export interface ErrorData {
  code: string;
  message: string;
  exitCode?: number;
  hint?: string;
  position?: { file: string; line?: number; column?: number };
  problems?: readonly string[];
}

/** An error as plain data: RedlineError fields kept; anything else is `INTERNAL` with its message. */
export function errorData(error: unknown): ErrorData {
  if (isRedlineError(error)) {
    return {
      code: error.code,
      message: error.message,
      exitCode: error.exitCode,
      ...(error.hint ? { hint: error.hint } : {}),
      ...(error.position ? { position: error.position } : {}),
      ...(error.problems.length > 0 ? { problems: error.problems } : {}),
    };
  }
  return { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) };
}
