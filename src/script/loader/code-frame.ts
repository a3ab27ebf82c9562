/** Code frames: a few numbered lines of a source file with a caret under the problem. */

/**
 * Renders lines around `line` (1-based) with a `>` marker and a caret under `column` (1-based):
 *
 * ```
 *     3 | export default function () {
 *   > 4 |   const x = ;
 *       |             ^
 *     5 | }
 * ```
 */
export function renderCodeFrame(source: string, line: number, column: number, context = 2): string {
  const lines = source.split(/\r?\n/);
  const first = Math.max(1, line - context);
  const last = Math.min(lines.length, line + context);
  const width = String(last).length;
  const out: string[] = [];
  for (let n = first; n <= last; n++) {
    const text = (lines[n - 1] ?? '').replace(/\t/g, '  ');
    const gutter = String(n).padStart(width);
    out.push(`${n === line ? '>' : ' '} ${gutter} | ${text}`);
    if (n === line) {
      const before = (lines[n - 1] ?? '').slice(0, Math.max(0, column - 1)).replace(/\t/g, '  ');
      out.push(`  ${' '.repeat(width)} | ${before.replace(/[^\s]/g, ' ')}^`);
    }
  }
  return out.join('\n');
}

/** Converts esbuild's 0-based byte column on `lineText` to a 1-based character column. */
export function byteColumnToCharColumn(lineText: string, byteColumn: number): number {
  const bytes = Buffer.from(lineText, 'utf8');
  return bytes.subarray(0, byteColumn).toString('utf8').length + 1;
}
