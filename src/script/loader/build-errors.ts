/**
 * Turns esbuild's failures (syntax errors, TypeScript it cannot strip, imports that do not
 * resolve, modules the plugin refused) into one RedlineError (exit 107, as k6 for script errors)
 * listing every problem as `file:line:col  message` with a code frame.
 */
import { readFileSync } from 'node:fs';
import { basename, isAbsolute, resolve } from 'node:path';
import type { Message } from 'esbuild';
import { ExitCode } from '../../errors/exit-codes.js';
import { RedlineError, type SourcePosition } from '../../errors/redline-error.js';
import { byteColumnToCharColumn, renderCodeFrame } from './code-frame.js';
import type { RefusedImport } from './resolve-plugin.js';
import { defaultDisplayPath } from './stack-mapper.js';

/** One located problem of a script. */
export interface ScriptProblem {
  position: SourcePosition;
  message: string;
  /** Numbered source lines with a caret (empty when the file cannot be read). */
  frame: string;
}

/** Reads a file's text, or undefined (frames are best effort). */
function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** Builds a {@link ScriptProblem} for a 1-based line and column of `file`, with its code frame. */
export function locatedProblem(
  file: string,
  line: number,
  column: number,
  message: string,
  source?: string,
): ScriptProblem {
  const text = source ?? readText(file);
  return {
    position: { file, line, column },
    message,
    frame: text === undefined ? '' : renderCodeFrame(text, line, column),
  };
}

/** Formats problems for `RedlineError.problems`: `file:line:col message`, then the frame indented. */
export function formatProblems(problems: readonly ScriptProblem[]): string[] {
  return problems.map((p) => {
    const where = `${defaultDisplayPath(p.position.file)}:${p.position.line}:${p.position.column}`;
    const frame = p.frame === '' ? '' : `\n${p.frame.replace(/^/gm, '      ')}`;
    return `${where}  ${p.message}${frame}`;
  });
}

/** Converts esbuild error messages into a RedlineError. */
export function buildFailureError(
  scriptPath: string,
  errors: readonly Message[],
  cwd: string,
): RedlineError {
  const problems: ScriptProblem[] = errors.map((e) => {
    const text = rewriteText(e);
    if (!e.location) return { position: { file: scriptPath }, message: text, frame: '' };
    const file =
      isAbsolute(e.location.file) || e.location.file.startsWith('redline-remote:')
        ? e.location.file
        : resolve(cwd, e.location.file);
    const column = byteColumnToCharColumn(e.location.lineText, e.location.column);
    return locatedProblem(file, e.location.line, column, text);
  });
  const refused = errors
    .map((e) => e.detail as RefusedImport | undefined)
    .filter((d) => d !== undefined);
  const unresolved = errors.some((e) => e.text.startsWith('Could not resolve'));
  const onlyImports =
    refused.length + (unresolved ? 1 : 0) > 0 &&
    errors.every((e) => e.detail || e.text.startsWith('Could not resolve'));
  const count = problems.length;
  const name = basename(scriptPath);
  return new RedlineError(
    onlyImports ? 'E_SCRIPT_IMPORT' : 'E_SCRIPT_SYNTAX',
    onlyImports
      ? `${name} imports ${count === 1 ? 'a module' : `${count} modules`} Redline cannot load`
      : `${name} cannot be compiled: ${count} error${count === 1 ? '' : 's'}`,
    {
      exitCode: ExitCode.ScriptException,
      position: problems[0]!.position,
      problems: formatProblems(problems),
      hint: hintFor(refused, unresolved, onlyImports),
    },
  );
}

function rewriteText(e: Message): string {
  const match = /^Could not resolve "(.*)"$/.exec(e.text);
  if (!match) return e.text;
  const spec = match[1] as string;
  return spec.startsWith('.') || spec.startsWith('/')
    ? `cannot find the file "${spec}" (imports are resolved relative to the importing file)`
    : `cannot find the npm package "${spec}": run "npm install ${spec}" in the script's folder (or a parent folder)`;
}

function hintFor(
  refused: readonly RefusedImport[],
  unresolved: boolean,
  onlyImports: boolean,
): string {
  const remote = refused.find((r) => r.kind === 'remote');
  if (remote?.kind === 'remote') {
    const file = basename(new URL(remote.url).pathname) || 'module.js';
    const origin = new URL(remote.url).origin;
    if (remote.reason === 'off')
      return `run once with remote modules on to fill the cache, or map the URL to a folder with --module-mirror ${origin}/=./vendor/ (or REDLINE_MODULE_MIRROR), or download the file next to your script and import it relatively (import ... from './${file}')`;
    if (remote.reason === 'unavailable')
      return `check the URL and the network; without network, map it to a folder or an internal server with --module-mirror ${origin}/=./vendor/ (or REDLINE_MODULE_MIRROR), or download the file next to your script and import it relatively (import ... from './${file}')`;
    return `download the file next to your script (e.g. curl -o ${file} ${remote.url}) and import it relatively (import ... from './${file}'), or npm install an equivalent package`;
  }
  if (refused.length > 0)
    return 'use the supported modules listed above, or an npm package that does the same';
  if (unresolved)
    return "check the import paths; npm packages are resolved from the script's folder upwards";
  return onlyImports
    ? 'fix the imports listed above'
    : 'fix the syntax errors listed above (TypeScript types are stripped, not checked)';
}
