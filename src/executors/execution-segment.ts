/**
 * k6-compatible execution segments (`--execution-segment 1/4:2/4`, `--execution-segment-sequence
 * 0,1/4,1/2,1`, `options.executionSegment[Sequence]`): which share of a test one instance runs.
 *
 * Semantics follow k6 (lib/execution_segment.go), re-written here: a segment is a half-open range
 * (from, to] of the unit interval written with fractions, decimals or whole percentages; a sequence
 * is a list of adjacent segments; a segment without a sequence is completed to a full sequence
 * (0..from, the segment, to..1). Integers (VUs, iterations) and iteration indices are split by
 * *striping*: within every block of LCD consecutive units (LCD = least common denominator of the
 * segments' lengths) each segment owns exactly length·LCD units, spread out as evenly as possible,
 * larger segments choosing first. So for every total N the segments' counts add up to N, and every
 * global iteration index belongs to exactly one segment.
 */

/** An exact non-negative rational n/d (d > 0, reduced). */
interface Rational {
  n: bigint;
  d: bigint;
}

const gcd = (a: bigint, b: bigint): bigint => {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
};

const rational = (n: bigint, d: bigint): Rational => {
  if (d < 0n) return rational(-n, -d);
  const g = gcd(n, d) || 1n;
  return { n: n / g, d: d / g };
};

const compare = (a: Rational, b: Rational): number => {
  const left = a.n * b.d;
  const right = b.n * a.d;
  return left < right ? -1 : left > right ? 1 : 0;
};

const minus = (a: Rational, b: Rational): Rational => rational(a.n * b.d - b.n * a.d, a.d * b.d);

const ratText = (r: Rational): string => (r.d === 1n ? `${r.n}` : `${r.n}/${r.d}`);

/** Thrown for a segment or sequence text that does not parse or is out of range. */
export class ExecutionSegmentError extends Error {
  override name = 'ExecutionSegmentError';
}

/** Parses `1/4`, `0.25`, `25%` (whole percentages only, as k6) into an exact rational. */
function parsePoint(text: string): Rational {
  const s = text.trim();
  let match = /^(\d+)%$/.exec(s);
  if (match) return rational(BigInt(match[1]!), 100n);
  match = /^(\d+)\/(\d+)$/.exec(s);
  if (match) {
    if (BigInt(match[2]!) === 0n) throw new ExecutionSegmentError(`"${s}" divides by zero`);
    return rational(BigInt(match[1]!), BigInt(match[2]!));
  }
  match = /^(\d*)(?:\.(\d*))?$/.exec(s);
  if (match && s !== '' && s !== '.') {
    const decimals = match[2] ?? '';
    return rational(BigInt(`${match[1] || '0'}${decimals}` || '0'), 10n ** BigInt(decimals.length));
  }
  throw new ExecutionSegmentError(
    `"${s}" is not a fraction (1/4), a decimal (0.25) or a whole percentage (25%)`,
  );
}

/** One execution segment (from, to] with 0 ≤ from < to ≤ 1. */
export interface ExecutionSegment {
  from: Rational;
  to: Rational;
}

const ZERO = rational(0n, 1n);
const ONE = rational(1n, 1n);

function makeSegment(from: Rational, to: Rational): ExecutionSegment {
  if (compare(to, ONE) > 0)
    throw new ExecutionSegmentError(`a segment cannot end after 1 (got ${ratText(to)})`);
  if (compare(from, to) >= 0)
    throw new ExecutionSegmentError(
      `a segment must start before it ends (got ${ratText(from)}:${ratText(to)})`,
    );
  return { from, to };
}

/** `from:to` in lowest terms (`1/4:1/2`). */
export function segmentText(segment: ExecutionSegment): string {
  return `${ratText(segment.from)}:${ratText(segment.to)}`;
}

/**
 * Parses k6's segment syntax: `from:to` (`1/4:2/4`, `0.25:0.5`, `25%:50%`), or a single value
 * `to` meaning `0:to`; an empty text is the whole test `0:1`.
 */
export function parseExecutionSegment(text: string): ExecutionSegment {
  const s = text.trim();
  if (s === '') return { from: ZERO, to: ONE };
  const colon = s.indexOf(':');
  if (colon < 0) return makeSegment(ZERO, parsePoint(s));
  return makeSegment(parsePoint(s.slice(0, colon)), parsePoint(s.slice(colon + 1)));
}

/** Parses k6's sequence syntax `p0,p1,...,pn` (at least 2 increasing points) into its segments. */
export function parseExecutionSegmentSequence(text: string): ExecutionSegment[] {
  const points = text.split(',').map((p) => p.trim());
  if (points.length < 2)
    throw new ExecutionSegmentError(
      `a sequence needs at least 2 points (like 0,1/2,1), got ${points.length}`,
    );
  const rats = points.map(parsePoint);
  const segments: ExecutionSegment[] = [];
  for (let i = 1; i < rats.length; i++) segments.push(makeSegment(rats[i - 1]!, rats[i]!));
  return segments;
}

/** Above this LCD the striping table would be too large to compute (k6 computes it too). */
const MAX_LCD = 10_000_000n;

/**
 * One instance's share: its segment within a full sequence, with the striping table. `scale(N)`
 * is how many of the units 0..N-1 are this segment's (k6 ExecutionTuple.ScaleInt64); `globalIndex(i)`
 * is the index of this segment's i-th unit (k6's striped offsets / SegmentedIndex).
 */
export class ExecutionTuple {
  /** Position of the segment in the (filled) sequence. */
  readonly index: number;
  /** Block length of the striping (least common denominator of all lengths). */
  readonly lcd: number;
  /** The positions 0..lcd-1 this segment owns in every block, ascending. */
  readonly positions: readonly number[];
  /** The filled sequence (from 0 to 1). */
  readonly sequence: readonly ExecutionSegment[];
  readonly segment: ExecutionSegment;

  constructor(segment: ExecutionSegment, sequence: readonly ExecutionSegment[], index: number) {
    this.segment = segment;
    this.sequence = sequence;
    this.index = index;
    const table = stripingTable(sequence);
    this.lcd = table.lcd;
    this.positions = table.positions[index]!;
  }

  /** True when this instance runs the whole test. */
  get whole(): boolean {
    return this.sequence.length === 1;
  }

  /** How many of the global units 0..value-1 belong to this segment. */
  scale(value: number): number {
    if (this.whole) return value;
    const n = Math.floor(value);
    if (n <= 0) return 0;
    const rest = n % this.lcd;
    let inRest = 0;
    for (const p of this.positions) {
      if (p >= rest) break;
      inRest++;
    }
    return Math.floor(n / this.lcd) * this.positions.length + inRest;
  }

  /** The global index of this segment's `local`-th unit (local ≥ 0). */
  globalIndex(local: number): number {
    const per = this.positions.length;
    return Math.floor(local / per) * this.lcd + this.positions[local % per]!;
  }

  /** The share of the whole test, 0..1 (for messages). */
  get share(): number {
    const length = minus(this.segment.to, this.segment.from);
    return Number(length.n) / Number(length.d);
  }

  /** `1/4:1/2 in 0,1/4,1/2,1`. */
  toString(): string {
    const points = [this.sequence[0]!.from, ...this.sequence.map((s) => s.to)].map(ratText);
    return `${segmentText(this.segment)} in ${points.join(',')}`;
  }
}

/**
 * k6's striping: for every unit i of a block of LCD units, the first segment (largest first, ties
 * in sequence order) that has fallen behind its proportional share at i takes it.
 */
function stripingTable(sequence: readonly ExecutionSegment[]): {
  lcd: number;
  positions: number[][];
} {
  const lengths = sequence.map((s) => minus(s.to, s.from));
  let lcd = 1n;
  for (const l of lengths) {
    lcd = (lcd * l.d) / gcd(lcd, l.d);
    if (lcd > MAX_LCD)
      throw new ExecutionSegmentError(
        `the segments' denominators are too fine (least common denominator above ${MAX_LCD}); use coarser fractions`,
      );
  }
  const normalized = lengths.map((l) => l.n * (lcd / l.d));
  const order = normalized
    .map((numerator, index) => ({ numerator, index }))
    .sort((a, b) => (a.numerator === b.numerator ? 0 : a.numerator > b.numerator ? -1 : 1));
  const positions: number[][] = sequence.map(() => []);
  const chosen = order.map(() => 0n);
  for (let i = 0n; i < lcd; i++) {
    for (let k = 0; k < order.length; k++) {
      const owed = chosen[k]! * lcd;
      const share = order[k]!.numerator;
      const due = owed / share;
      if (i > due || (i === due && owed % share === 0n)) {
        chosen[k]!++;
        positions[order[k]!.index]!.push(Number(i));
        break;
      }
    }
  }
  return { lcd: Number(lcd), positions };
}

/**
 * The tuple for a segment and an optional sequence, as k6 builds it: no sequence → the segment
 * with the gaps before and after it filled; a sequence not starting at 0 / ending at 1 is filled
 * the same way; the segment (whole test when omitted) must be one of the sequence's segments.
 */
export function createExecutionTuple(segmentText?: string, sequenceText?: string): ExecutionTuple {
  const segment = parseExecutionSegment(segmentText ?? '');
  let sequence: ExecutionSegment[] =
    sequenceText === undefined || sequenceText.trim() === ''
      ? [segment]
      : parseExecutionSegmentSequence(sequenceText);
  if (compare(sequence[0]!.from, ZERO) !== 0)
    sequence = [{ from: ZERO, to: sequence[0]!.from }, ...sequence];
  const last = sequence[sequence.length - 1]!;
  if (compare(last.to, ONE) !== 0) sequence = [...sequence, { from: last.to, to: ONE }];
  const index = sequence.findIndex(
    (s) => compare(s.from, segment.from) === 0 && compare(s.to, segment.to) === 0,
  );
  if (index < 0) {
    const points = [sequence[0]!.from, ...sequence.map((s) => s.to)].map(ratText).join(',');
    throw new ExecutionSegmentError(
      `segment ${segmentTextOf(segment)} is not one of the sequence's segments (${points})`,
    );
  }
  return new ExecutionTuple(segment, sequence, index);
}

function segmentTextOf(segment: ExecutionSegment): string {
  return segmentText(segment);
}

/** The whole test (no segmentation). */
export const WHOLE_TEST: ExecutionTuple = createExecutionTuple();
