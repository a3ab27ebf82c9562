/** Reads result files from disk for `redline report` and `redline compare`, with clear errors. */
import { readFile } from 'node:fs/promises';
import { ExitCode } from '../errors/exit-codes.js';
import { RedlineError } from '../errors/redline-error.js';
import { type ParsedResult, parseResultText } from './parse-result.js';

/** Reads and parses a run or audit result file. Missing file → NoInput; bad content → DataError. */
export async function readResultFile(file: string): Promise<ParsedResult> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    throw new RedlineError('E_REPORT_NO_INPUT', `cannot read ${file}`, {
      cause,
      exitCode: ExitCode.NoInput,
      position: { file },
      hint: 'check the path; results are written by `redline run --json <file>` or `redline audit`',
    });
  }
  return parseResultText(text, file);
}
