import { describe, expect, it } from 'vitest';
import { ExitCode } from './exit-codes.js';
import { cannotWriteError, formatErrorForTerminal, isRedlineError } from './redline-error.js';

describe('cannotWriteError', () => {
  it('names the path and the cause, with the default hint and the CannotWrite exit code', () => {
    const cause = new Error("ENOENT: no such file or directory, open '/nope/x.csv'");
    const error = cannotWriteError('/nope/x.csv', cause);
    expect(isRedlineError(error)).toBe(true);
    expect(error.code).toBe('E_OUTPUT_WRITE');
    expect(error.message).toBe(`cannot write /nope/x.csv: ${cause.message}`);
    expect(error.hint).toBe('check that the folder exists and is writable');
    expect(error.exitCode).toBe(ExitCode.CannotWrite);
    expect(error.cause).toBe(cause);
    expect(formatErrorForTerminal(error)).toContain('hint: check that the folder exists');
  });

  it('says "create" for a folder and keeps a given hint', () => {
    const error = cannotWriteError('/ro/out', new Error('EROFS'), {
      create: true,
      hint: 'check that the folder is writable',
    });
    expect(error.message).toBe('cannot create /ro/out: EROFS');
    expect(error.hint).toBe('check that the folder is writable');
  });
});
