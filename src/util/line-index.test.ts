import { describe, expect, it } from 'vitest';
import { LineIndex } from './line-index.js';

describe('LineIndex', () => {
  const text = 'ab\ncde\n\nf';
  const index = new LineIndex(text);

  it('finds the line and column of every offset, newlines belonging to their line', () => {
    const expected: Array<[number, number]> = [];
    let line = 0;
    let column = 0;
    for (const char of text) {
      expected.push([line, column]);
      if (char === '\n') {
        line++;
        column = 0;
      } else column++;
    }
    expect([...text].map((_, i) => [index.lineOf(i), index.columnOf(i)])).toEqual(expected);
    expect(index.starts).toEqual([0, 3, 7, 8]);
  });

  it('puts offsets past the end on the last line; a text without newline is one line', () => {
    expect(index.lineOf(100)).toBe(3);
    expect(new LineIndex('abc').lineOf(2)).toBe(0);
    expect(new LineIndex('').starts).toEqual([0]);
  });
});
