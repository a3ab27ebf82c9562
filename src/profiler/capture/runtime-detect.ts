/** Which profiler a `redline profile` target needs: V8's inspector, JFR, the Python sampler or pprof. */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { ExitCode } from '../../errors/exit-codes.js';
import { RedlineError } from '../../errors/redline-error.js';
import type { ProfiledRuntime } from '../model/profile.js';

/** Values `--runtime` accepts, with their aliases. */
const RUNTIME_NAMES: Record<string, ProfiledRuntime> = {
  node: 'node',
  java: 'jvm',
  jvm: 'jvm',
  python: 'python',
  go: 'go',
};

/** Commands that start Python (interpreters and the usual WSGI/ASGI servers). */
const PYTHON_COMMAND =
  /^(python(\d+(\.\d+)?)?|pypy\d*|gunicorn|uvicorn|hypercorn|flask|waitress-serve|daphne|granian)(\.exe)?$/;

/** Parses `--runtime`. */
export function parseRuntime(value: string): ProfiledRuntime {
  const runtime = RUNTIME_NAMES[value.toLowerCase()];
  if (!runtime) {
    throw new RedlineError('E_USAGE_VALUE', `unknown runtime "${value}"`, {
      exitCode: ExitCode.Usage,
      hint: 'use node, java, python or go',
    });
  }
  return runtime;
}

/** The runtime of a command by its program name (`java`, `python3`, `gunicorn` …), else Node. */
export function runtimeOfCommand(command: readonly string[]): ProfiledRuntime {
  const program = basename(command[0] ?? '');
  if (/^java(\.exe)?$/.test(program)) return 'jvm';
  if (PYTHON_COMMAND.test(program)) return 'python';
  return 'node';
}

/** The runtime of a running process from its command line (Linux /proc), or undefined. */
export function runtimeOfPid(pid: number): ProfiledRuntime | undefined {
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    return runtimeOfCommand(argv);
  } catch {
    return undefined;
  }
}

/**
 * The runtime to profile: `--pprof` means Go; an explicit `--runtime` wins; else the command's
 * program, or the attached pid's.
 */
export function detectRuntime(options: {
  runtime?: string;
  pprof?: string;
  command: readonly string[];
  attach?: string;
}): ProfiledRuntime {
  if (options.pprof !== undefined) {
    if (options.runtime !== undefined && parseRuntime(options.runtime) !== 'go') {
      throw new RedlineError('E_USAGE_VALUE', '--pprof profiles Go services only', {
        exitCode: ExitCode.Usage,
        hint: 'drop --runtime, or --pprof',
      });
    }
    return 'go';
  }
  if (options.runtime !== undefined) return parseRuntime(options.runtime);
  if (options.command.length > 0) return runtimeOfCommand(options.command);
  if (options.attach && /^\d+$/.test(options.attach))
    return runtimeOfPid(Number(options.attach)) ?? 'node';
  return 'node';
}
