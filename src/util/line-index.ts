/**
 * Line numbers of offsets in a text: the start of every line, found once, then a binary search
 * per offset (source-map edits, error positions).
 */

/** The lines of one text, to turn character offsets into 0-based line and column. */
export class LineIndex {
  /** Offset at which each line starts (line 0 at 0). */
  readonly starts: readonly number[];

  constructor(text: string) {
    const starts = [0];
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
    this.starts = starts;
  }

  /** The 0-based line holding `offset` (the last line for offsets past the end). */
  lineOf(offset: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.starts[mid] as number) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** The 0-based column of `offset` in its line. */
  columnOf(offset: number): number {
    return offset - (this.starts[this.lineOf(offset)] as number);
  }
}
