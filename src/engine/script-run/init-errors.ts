/**
 * Errors of a script's init context as users should see them: located at their file:line, and a
 * name a Redline module does not export (`import { foo } from 'k6/http'`, which Node reports
 * against the bundle and the compiled shim) named with the module the user wrote and its exports.
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { ExitCode } from '../../errors/exit-codes.js';
import { RedlineError, type SourcePosition } from '../../errors/redline-error.js';
import type { LoadedScript } from '../../script/loader/index.js';
import { scriptModuleMap } from '../../script/modules/module-map.js';
import { findNearest } from '../../util/nearest.js';

const MISSING_EXPORT = /The requested module '([^']+)' does not provide an export named '([^']+)'/;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The user's file:line of the first bundle position in `stack` (at `name` on that line when given). */
function userPosition(
  loaded: LoadedScript,
  stack: string,
  name?: string,
): SourcePosition | undefined {
  const frame = new RegExp(`${escapeRegExp(loaded.bundleUrl)}:(\\d+)(?::(\\d+))?`).exec(stack);
  if (!frame) return mappedFrame(loaded, stack);
  const line = Number(frame[1]);
  let column = frame[2] === undefined ? 1 : Number(frame[2]);
  if (name !== undefined) {
    const text = readFileSync(loaded.bundlePath, 'utf8').split('\n')[line - 1] ?? '';
    const at = text.search(new RegExp(`\\b${escapeRegExp(name)}\\b`));
    if (at >= 0) column = at + 1;
  }
  return loaded.mapPosition(line, column);
}

/** A frame already mapped to a user file (when a loader such as Vite applied the source map). */
function mappedFrame(loaded: LoadedScript, stack: string): SourcePosition | undefined {
  const sources = new Set(
    loaded.sourceMap.sources.filter(
      (s): s is string => typeof s === 'string' && !s.includes('/node_modules/'),
    ),
  );
  for (const match of stack.matchAll(/(?:file:\/\/)?(\/[^():\s]+):(\d+):(\d+)/g)) {
    if (sources.has(match[1] as string))
      return { file: match[1] as string, line: Number(match[2]), column: Number(match[3]) };
  }
  return undefined;
}

function specifierOf(url: string): string | undefined {
  for (const [specifier, file] of Object.entries(scriptModuleMap())) {
    if (pathToFileURL(file).href === url) return specifier;
  }
  return undefined;
}

async function missingExportError(
  loaded: LoadedScript,
  error: Error,
  match: RegExpExecArray,
): Promise<RedlineError> {
  const [, url = '', name = ''] = match;
  const own = specifierOf(url) ?? url;
  // A jslib URL served by a native module: named as the user wrote it.
  const remote = loaded.remoteModules?.find((m) => m.from === 'native' && m.module === own);
  const label = remote
    ? `"${remote.url}" (Redline's native ${own.replace(/^jslib\//, '')})`
    : `"${own}" in Redline`;
  const module = remote ? `"${remote.url}"` : `"${own}"`;
  let exports: string[] = [];
  try {
    exports = Object.keys((await import(url)) as object)
      .filter((k) => k !== 'default')
      .sort();
  } catch {
    // The list is a hint only.
  }
  const nearest = findNearest(name, exports);
  const position = userPosition(loaded, error.stack ?? '', name) ?? { file: loaded.scriptPath };
  return new RedlineError(
    'E_SCRIPT_UNSUPPORTED_API',
    `"${name}" is not exported by ${label}${nearest ? `; did you mean "${nearest}"?` : ''}`,
    {
      exitCode: ExitCode.ScriptException,
      position,
      hint:
        exports.length > 0
          ? `${module} exports: ${exports.join(', ')} (docs/k6-compatibility.md lists what is supported)`
          : 'see docs/k6-compatibility.md for what is supported',
      cause: error,
    },
  );
}

/** Turns an exception thrown while importing the bundle (the init context) into a located RedlineError. */
export async function initContextError(
  loaded: LoadedScript,
  error: unknown,
  vu?: number,
): Promise<RedlineError> {
  if (error instanceof RedlineError) return error;
  if (error instanceof Error) {
    const missing = MISSING_EXPORT.exec(error.message);
    if (missing) return missingExportError(loaded, error, missing);
  }
  const rawStack = error instanceof Error ? (error.stack ?? error.message) : String(error);
  return new RedlineError(
    'E_SCRIPT_INIT',
    `the script threw in its init context${vu === undefined ? '' : ` (VU ${vu})`}: ${error instanceof Error ? error.message : String(error)}`,
    {
      exitCode: ExitCode.ScriptException,
      problems: [loaded.userStack(rawStack)],
      position: userPosition(loaded, rawStack) ?? { file: loaded.scriptPath },
      cause: error,
    },
  );
}
