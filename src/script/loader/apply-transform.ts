/**
 * The k6-transform step of the loader: runs the transform on the bundle, reports what it cannot
 * support at the user's file:line, and carries the bundle's source map across its edits.
 */
import { type DecodedSourceMap, originalPositionFor, TraceMap } from '@jridgewell/trace-mapping';
import { shiftMappings } from '../k6-transform/shift-map.js';
import { transformK6Module } from '../k6-transform/transform.js';
import { type BundleOutput, packageLines } from './bundle.js';
import type { ResolveRecord } from './resolve-plugin.js';
import { transformIssuesError } from './transform-errors.js';

/** What the transform did, in the user's terms. */
export interface TransformSummary {
  /** Functions made async, where they are defined. */
  asyncFunctions: Array<{ name: string; file: string; line: number }>;
  /** Calls that got an `await`. */
  awaitedCalls: number;
}

/** Transforms a k6-style bundle; throws a RedlineError (exit 107) on unsupported constructs. */
export function applyK6Transform(
  scriptPath: string,
  input: BundleOutput,
  record: ResolveRecord,
): { output: BundleOutput; summary: TransformSummary } {
  const trace = new TraceMap(input.map);
  const out = transformK6Module(input.code, {
    moduleOf: (s) => record.urlToSpecifier.get(s),
    ...(record.usedByPackages ? {} : { libraryLines: packageLines(input.map) }),
    isLibrary: (line, column) =>
      originalPositionFor(trace, { line, column }).source?.includes('/node_modules/') ?? false,
  });
  if (out.issues.length > 0) throw transformIssuesError(scriptPath, out.issues, trace);
  const summary: TransformSummary = {
    awaitedCalls: out.awaitedCalls,
    asyncFunctions: out.asyncFunctions.map((f) => {
      const o = originalPositionFor(trace, { line: f.line, column: f.column });
      return { name: f.name, file: o.source ?? scriptPath, line: o.line ?? f.line };
    }),
  };
  if (!out.changed) return { output: input, summary };
  const map: DecodedSourceMap = {
    ...input.map,
    mappings: shiftMappings(input.map.mappings, input.code, out.edits),
  };
  return { output: { code: out.code, map }, summary };
}
