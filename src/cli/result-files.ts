/** Writing a run's result files (`--json`) with a clear error when the path is not writable. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ExitCode } from '../errors/exit-codes.js';
import { RedlineError } from '../errors/redline-error.js';

/** Writes `data` as pretty JSON to `path`, creating the folder. */
export function writeJsonFile(path: string, data: unknown): void {
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, `${JSON.stringify(data, null, 2)}\n`);
  } catch (error) {
    throw new RedlineError('E_OUTPUT_WRITE', `cannot write ${path}: ${(error as Error).message}`, {
      hint: 'check that the folder is writable',
      exitCode: ExitCode.CannotWrite,
      cause: error,
    });
  }
}
