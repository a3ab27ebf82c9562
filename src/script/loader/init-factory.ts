/**
 * Per-VU init context: rewrites a bundle so that its init code (everything at the top level but
 * the imports) runs in an exported async function, `__redlineInit()` (anonymous, passed through an
 * identity call so V8 infers no name: its frames read like a module's top level, the user's
 * file:line only), that returns the module's
 * exports. Each call is a fresh copy of the script's module state, as each k6 VU runs the init
 * code itself; Redline's own modules (imported by URL) stay module-level, so one copy per thread
 * serves every VU (SharedArray data, metric registry).
 *
 * The edit keeps every line and column of the user's code: imports are blanked in place (same
 * length) and re-written at the end of line 1 (the loader's banner line) with their source-map
 * segments, the function opens at the end of line 1, and the final `export { … }` clause becomes
 * `return { … }` padded to the same number of lines.
 */
import type { SourceMapSegment } from '@jridgewell/sourcemap-codec';
import { type ExportNamedDeclaration, type ImportDeclaration, parse } from 'acorn';
import { LineIndex } from '../../util/line-index.js';
import type { BundleOutput } from './bundle.js';

/** Name of the exported factory of a wrapped bundle. */
export const INIT_FACTORY_EXPORT = '__redlineInit';

/** Name of the exported list of the script's own export names (known without running init). */
export const INIT_EXPORTS_EXPORT = '__redlineExports';

/**
 * Wraps the bundle's init code in {@link INIT_FACTORY_EXPORT}; undefined when the bundle has a
 * shape this does not handle (then the script keeps one module instance per thread).
 */
export function wrapInitFactory(input: BundleOutput): BundleOutput | undefined {
  const code = input.code;
  const eol1 = code.indexOf('\n');
  if (eol1 < 0) return undefined;
  let program: ReturnType<typeof parse>;
  let commentAtEol1 = false;
  try {
    program = parse(code, {
      ecmaVersion: 'latest',
      sourceType: 'module',
      onComment: (_block, _text, start, end) => {
        if (start < eol1 && end >= eol1) commentAtEol1 = true;
      },
    });
  } catch {
    return undefined;
  }
  // Text appended to line 1 must not land in a comment.
  if (commentAtEol1) return undefined;
  const imports: ImportDeclaration[] = [];
  let exportClause: ExportNamedDeclaration | undefined;
  for (const node of program.body) {
    // A statement straddling the end of line 1 would be cut by the function's opening.
    if (node.start < eol1 && node.end > eol1) return undefined;
    if (node.type === 'ImportDeclaration') {
      if (node.start < eol1) continue; // already on line 1 (the banner's import): stays
      imports.push(node);
    } else if (node.type === 'ExportNamedDeclaration') {
      if (node.declaration || node.source || exportClause) return undefined;
      exportClause = node;
    } else if (node.type === 'ExportAllDeclaration' || node.type === 'ExportDefaultDeclaration') {
      return undefined;
    }
  }
  if (exportClause && exportClause.end < Math.max(0, ...program.body.map((n) => n.end)))
    return undefined; // code after the exports: not esbuild's shape
  const names: string[] = [];
  const returned: string[] = [];
  for (const spec of exportClause?.specifiers ?? []) {
    const local = spec.local.type === 'Identifier' ? spec.local.name : undefined;
    const exported =
      spec.exported.type === 'Identifier' ? spec.exported.name : String(spec.exported.value);
    if (local === undefined) return undefined;
    names.push(exported);
    returned.push(`${JSON.stringify(exported)}: ${local}`);
  }

  // Line 1 gets the imports (one line each, with their mappings moved along) and the opening.
  const codeLines = new LineIndex(code);
  const mappings = input.map.mappings.map((line) => line.slice());
  const line1 = mappings[0] ?? [];
  let appended = '';
  for (const node of imports) {
    const text = code.slice(node.start, node.end);
    const flat = text.replace(/\r?\n/g, ' ');
    const newCol = eol1 + appended.length + 1;
    const line = codeLines.lineOf(node.start);
    const col = codeLines.columnOf(node.start);
    if (!text.includes('\n')) {
      for (const seg of mappings[line] ?? []) {
        if (seg[0] >= col && seg[0] < col + text.length)
          line1.push([newCol + seg[0] - col, ...seg.slice(1)] as unknown as SourceMapSegment);
      }
    }
    appended += ` ${flat}`;
  }
  line1.sort((a, b) => a[0] - b[0]);
  mappings[0] = line1;
  const opening = `${appended} export const ${INIT_EXPORTS_EXPORT} = ${JSON.stringify(names)}; export const ${INIT_FACTORY_EXPORT} = ((f) => f)(async function () {`;

  let out = code.slice(0, eol1) + opening;
  let at = eol1;
  const blank = (start: number, end: number) => {
    out += code.slice(at, start) + code.slice(start, end).replace(/[^\n]/g, ' ');
    at = end;
  };
  for (const node of imports) blank(node.start, node.end);
  const ret = `return { ${returned.join(', ')} };`;
  if (exportClause) {
    const lines = code.slice(exportClause.start, exportClause.end).split('\n').length;
    out += code.slice(at, exportClause.start) + ret + '\n'.repeat(lines - 1);
    at = exportClause.end;
    out += `${code.slice(at)}\n});\n`;
  } else {
    out += `${code.slice(at)}\n${ret}\n});\n`;
  }
  return { code: out, map: { ...input.map, mappings } };
}

/**
 * Runs a wrapped bundle's init code once more and returns that instance's exports; a bundle that
 * is not wrapped (a YAML plan, a shape {@link wrapInitFactory} left alone) is its own instance.
 */
export async function instantiateModule(
  module: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const init = module[INIT_FACTORY_EXPORT];
  if (typeof init !== 'function') return module;
  // A plain call (no receiver): the init frames print as `at file:line`, like a module's top level.
  const run = init as () => Promise<Record<string, unknown>>;
  return (await run()) ?? {};
}

/** True when the bundle was wrapped by {@link wrapInitFactory}. */
export function hasInitFactory(module: Record<string, unknown>): boolean {
  return typeof module[INIT_FACTORY_EXPORT] === 'function';
}
