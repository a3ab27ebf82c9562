/**
 * The k6 transform: makes a k6-style script, whose `http.*` and `sleep` block, run on Node's
 * async runtime. Blocking calls get `await`; every function that (transitively) makes one
 * becomes `async`, and so do its callers; nothing else changes, so scripts that block little pay
 * little. It runs on esbuild's bundle (one module holding all the user's local modules), so calls
 * across files and re-exports are plain references; the source map it returns is high-resolution
 * and is chained onto esbuild's by the loader.
 */
import type { Node } from 'acorn';
import { callPlacementIssues, propagateBlocking } from './analyze.js';
import { type ParsedModule, parseModule } from './ast.js';
import { classifyCalls } from './calls.js';
import { escapeIssues } from './escape.js';
import { describeFunctions } from './functions.js';
import { rewriteModule } from './rewrite.js';
import { analyzeScopes } from './scope.js';
import type { SourceEdit } from './shift-map.js';
import { ValueResolver } from './values.js';

/** Options of {@link transformK6Module}. */
export interface K6TransformOptions {
  /** Maps an import source in the code to a k6 module specifier (`k6/http`), else undefined. */
  moduleOf: (source: string) => string | undefined;
  /** True when the code at a position (1-based line, 0-based column) comes from an npm package. */
  isLibrary?: (line: number, column: number) => boolean;
  /**
   * 1-based lines holding npm code that does not import k6 modules. They are blanked (same
   * offsets) before the analysis, which then only parses the user's code: the bundled packages
   * are most of a bundle's size. Falls back to the whole module if the rest does not parse.
   */
  libraryLines?: ReadonlySet<number>;
}

/** A place in the transformed module (1-based line, 0-based column, as source maps count). */
export interface ModulePosition {
  line: number;
  column: number;
}

/** Something the transform cannot support, at a place in the input module. */
export interface K6TransformIssue extends ModulePosition {
  message: string;
}

/** What {@link transformK6Module} produced. */
export interface K6TransformResult {
  code: string;
  /**
   * The edits made (offsets in the input). No edit adds or removes a line break, so a source map
   * of the input carries over with `shiftSourceMap(map, input, edits)`.
   */
  edits: SourceEdit[];
  changed: boolean;
  /** Unsupported uses; when not empty, `code` must not be run. */
  issues: K6TransformIssue[];
  /** Functions made async, with their position in the input. */
  asyncFunctions: Array<ModulePosition & { name: string }>;
  /** Number of calls that got an `await`. */
  awaitedCalls: number;
}

/** Transforms one ES module (normally esbuild's bundle of the script). Never throws on issues. */
export function transformK6Module(code: string, options: K6TransformOptions): K6TransformResult {
  const unchanged: K6TransformResult = {
    code,
    edits: [],
    changed: false,
    issues: [],
    asyncFunctions: [],
    awaitedCalls: 0,
  };
  const parsed = parseForAnalysis(code, options.libraryLines);
  const scopes = analyzeScopes(parsed.program, options.moduleOf);
  if (
    ![...scopes.k6.values()].some(
      (b) => b.kind === 'api' || b.kind === 'group' || b.kind === 'module' || b.kind === 'instance',
    )
  ) {
    return unchanged;
  }
  const isLibrary = (node: Node): boolean => {
    const start = node.loc?.start;
    return start !== undefined && options.isLibrary?.(start.line, start.column) === true;
  };
  const fns = describeFunctions(parsed.functions, parsed.parents, isLibrary);
  const values = new ValueResolver(parsed, scopes, fns);
  const calls = classifyCalls(parsed, scopes, fns, values, isLibrary);
  const blocking = propagateBlocking(calls);
  if (!calls.some((c) => c.blocking)) return unchanged;
  const issues = [
    ...callPlacementIssues(calls),
    ...escapeIssues(code, parsed, scopes, values, calls, blocking, isLibrary),
  ];
  if (issues.length > 0) {
    issues.sort((a, b) => a.node.start - b.node.start);
    return {
      ...unchanged,
      issues: issues.map((i) => ({ ...positionOf(i.node), message: i.message })),
    };
  }
  const { output, edits, madeAsync, awaited } = rewriteModule(code, parsed, calls, blocking);
  return {
    code: output.toString(),
    edits,
    changed: true,
    issues: [],
    asyncFunctions: madeAsync.map((f) => ({ name: f.name, ...positionOf(f.node) })),
    awaitedCalls: awaited,
  };
}

/** Parses `code` with `libraryLines` blanked out, or whole when that does not parse. */
function parseForAnalysis(
  code: string,
  libraryLines: ReadonlySet<number> | undefined,
): ParsedModule {
  if (!libraryLines || libraryLines.size === 0) return parseModule(code);
  const lines = code.split('\n');
  for (const line of libraryLines) {
    const text = lines[line - 1];
    if (text !== undefined) lines[line - 1] = ' '.repeat(text.length);
  }
  try {
    return parseModule(lines.join('\n'));
  } catch {
    return parseModule(code);
  }
}

function positionOf(node: Node): ModulePosition {
  const start = node.loc?.start;
  return { line: start?.line ?? 1, column: start?.column ?? 0 };
}
