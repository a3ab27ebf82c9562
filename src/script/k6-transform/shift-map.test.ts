import { decode, encode, type SourceMapSegment } from '@jridgewell/sourcemap-codec';
import { originalPositionFor, TraceMap } from '@jridgewell/trace-mapping';
import { describe, expect, it } from 'vitest';
import { shiftSourceMap } from './shift-map.js';

/** A map of `code` onto itself with one segment per character (source "in.js"). */
function identityMap(code: string) {
  const mappings = code
    .split('\n')
    .map((line, l) => Array.from(line, (_, c): SourceMapSegment => [c, 0, l, c]));
  return { version: 3 as const, sources: ['in.js'], names: [], mappings: encode(mappings) };
}

/** Applies edits to a string (the same way MagicString does for these non-overlapping edits). */
function apply(code: string, edits: Array<{ start: number; end: number; text: string }>): string {
  let out = code;
  for (const e of [...edits].sort((a, b) => b.start - a.start))
    out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

describe('shiftSourceMap', () => {
  it('keeps every unchanged character mapped to itself across insertions and a replacement', () => {
    const code = 'a();\nitems.forEach(cb);\nx = f(g());\n';
    const forEach = code.indexOf('.forEach(');
    const edits = [
      {
        start: code.indexOf('items'),
        end: code.indexOf('items'),
        text: 'await helper("forEach", ',
      },
      { start: forEach, end: forEach + '.forEach('.length, text: ', ' },
      { start: code.indexOf('f(g'), end: code.indexOf('f(g'), text: 'await ' },
      { start: code.indexOf('g()'), end: code.indexOf('g()'), text: '(await ' },
      { start: code.indexOf('g()') + 3, end: code.indexOf('g()') + 3, text: ')' },
    ];
    const output = apply(code, edits);
    expect(output).toBe('a();\nawait helper("forEach", items, cb);\nx = await f((await g()));\n');
    const trace = new TraceMap(shiftSourceMap(identityMap(code), code, edits));
    const outLines = output.split('\n');
    const inLines = code.split('\n');
    // Every identifier of the input is found at its original line:column through the map.
    for (const word of ['a', 'items', 'cb', 'x', 'f', 'g']) {
      const inLine = inLines.findIndex((l) => new RegExp(`\\b${word}\\b`).test(l));
      const inCol = inLines[inLine]!.search(new RegExp(`\\b${word}\\b`));
      const outCol = outLines[inLine]!.search(new RegExp(`\\b${word}\\b(?!\\()|\\b${word}\\(`));
      const back = originalPositionFor(trace, { line: inLine + 1, column: outCol });
      expect([word, back.line, back.column]).toEqual([word, inLine + 1, inCol]);
    }
    // Inserted text maps to what follows it: the `await` before f( maps to f.
    const awaitCol = outLines[2]!.indexOf('await f');
    expect(originalPositionFor(trace, { line: 3, column: awaitCol }).column).toBe(
      inLines[2]!.indexOf('f('),
    );
    // The replaced ".forEach(" keeps no mapping of its own (only its first column's may remain).
    const lineStart = code.indexOf('\n') + 1;
    const removed = new Set(Array.from({ length: 8 }, (_, i) => forEach - lineStart + 1 + i));
    const shifted = decode(shiftSourceMap(identityMap(code), code, edits).mappings);
    expect(shifted[1]!.filter((seg) => removed.has(seg[3] as number))).toEqual([]);
  });
});
