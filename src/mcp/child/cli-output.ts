/**
 * Reading what the CLI printed on stderr back into data: the error block of a failed command
 * (the layout of errors/redline-error.ts formatErrorForTerminal), script errors raised inside
 * iterations with the script's own file:line, and warnings.
 */
import { resolve } from 'node:path';
import { EXIT_CODE_MEANINGS } from '../../errors/exit-codes.js';
import type { ErrorData } from '../errors.js';

/** Exit codes of `redline` and what they mean for an agent (one table: errors/exit-codes.ts). */
export const EXIT_MEANINGS: Readonly<Record<number, string>> = EXIT_CODE_MEANINGS;

const POSITION = /^(.*?):(\d+)(?::(\d+))?$/;

function parsePosition(text: string): ErrorData['position'] {
  const match = POSITION.exec(text.trim());
  if (!match) return { file: text.trim() };
  return {
    file: match[1] as string,
    line: Number(match[2]),
    ...(match[3] ? { column: Number(match[3]) } : {}),
  };
}

/**
 * The last error block on stderr (`redline: message`, `  at file:line`, `  - problem`,
 * `hint: ...`, `(code X, exit N)`), or undefined when there is none.
 */
export function parseCliError(stderr: string): ErrorData | undefined {
  const lines = stderr.split(/\r?\n/);
  const end = lines.findLastIndex((l) => /^\(code [A-Z0-9_]+, exit \d+\)$/.test(l.trim()));
  if (end < 0) {
    const internal = lines.findIndex((l) => l.startsWith('redline: internal error'));
    if (internal < 0) return undefined;
    return { code: 'INTERNAL', message: lines.slice(internal, internal + 3).join('\n') };
  }
  let start = end;
  while (start > 0 && !/^redline: /.test(lines[start] as string)) start--;
  const [, code, exit] = /\(code ([A-Z0-9_]+), exit (\d+)\)/.exec(lines[end] as string) ?? [];
  const data: ErrorData = {
    code: code ?? 'UNKNOWN',
    message: (lines[start] as string).replace(/^redline: /, ''),
    exitCode: Number(exit),
  };
  const problems: string[] = [];
  for (const line of lines.slice(start + 1, end)) {
    if (line.startsWith('  at ') && !data.position) data.position = parsePosition(line.slice(5));
    else if (line.startsWith('  - ')) problems.push(line.slice(4));
    else if (line.startsWith('hint: ')) data.hint = line.slice(6);
    else if (problems.length > 0 && line.startsWith('     ')) problems.push(line.trimEnd());
  }
  if (problems.length > 0) data.problems = problems;
  return data;
}

/** A script error raised inside an iteration, located in the user's file. */
export interface IterationError {
  message: string;
  /** The first stack frame in a user file (not Redline's, not node_modules). */
  position?: { file: string; line: number; column?: number };
  stack: string;
}

const FRAME = /(?:\(|\bat )((?:file:\/\/)?[^()\s][^()]*?):(\d+):(\d+)\)?$/;

/**
 * Iteration errors the CLI printed (`redline: error in an iteration ...: <stack>`), first of each;
 * file names in frames are resolved against `cwd` (the CLI prints them relative to it).
 */
export function parseIterationErrors(stderr: string, cwd = process.cwd()): IterationError[] {
  const out: IterationError[] = [];
  const blocks = stderr.split(/^redline: error in an iteration \(counted, the test goes on\): /m);
  for (const block of blocks.slice(1)) {
    const lines = block.split(/\r?\n/);
    const frames: string[] = [];
    for (const line of lines.slice(1)) {
      if (!/^\s+at /.test(line)) break;
      frames.push(line.trim());
    }
    let position: IterationError['position'];
    for (const frame of frames) {
      const match = FRAME.exec(frame);
      if (!match) continue;
      const file = (match[1] as string).replace(/^file:\/\//, '');
      if (/[\\/](dist|node_modules)[\\/]/.test(file) || file.startsWith('node:')) continue;
      position = { file: resolve(cwd, file), line: Number(match[2]), column: Number(match[3]) };
      break;
    }
    out.push({
      message: (lines[0] ?? '').replace(/^(?:RedlineError|Error|TypeError|ReferenceError): /, ''),
      ...(position ? { position } : {}),
      stack: [lines[0], ...frames].join('\n'),
    });
  }
  return out;
}

/** `redline: warning: ...` lines, in order, without the prefix. */
export function parseWarnings(stderr: string): string[] {
  return stderr
    .split(/\r?\n/)
    .filter((l) => l.startsWith('redline: warning: '))
    .map((l) => l.slice('redline: warning: '.length));
}
