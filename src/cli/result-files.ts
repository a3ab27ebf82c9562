/** Writing a run's result files (`--json`) with a clear error when the path is not writable. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { cannotWriteError } from '../errors/redline-error.js';

/** Writes `data` as pretty JSON to `path`, creating the folder. */
export function writeJsonFile(path: string, data: unknown): void {
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, `${JSON.stringify(data, null, 2)}\n`);
  } catch (error) {
    throw cannotWriteError(path, error, { hint: 'check that the folder is writable' });
  }
}
