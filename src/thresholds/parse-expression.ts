/**
 * Parser of one threshold expression (`p(95)<500`), k6's grammar plus an optional time unit:
 *
 * ```
 * expression  := ws* aggregation ws* operator ws* number unit? ws*
 * aggregation := 'count' | 'rate' | 'value' | 'avg' | 'min' | 'max' | 'med'
 *              | 'p(' ws* number ws* ')'                      0 <= number <= 100, decimals allowed
 * operator    := '<=' | '<' | '>=' | '>' | '===' | '==' | '!='  tried in this order, as k6 does:
 *                                                            the first one found splits the text
 * number      := [+-]? (digits ('.' digits?)? | '.' digits) ([eE] [+-]? digits)?
 * unit        := 'us' | 'µs' | 'ms' | 's' | 'm' | 'h'        Redline extension, time trends only;
 *                                                            the value is converted to ms
 * ```
 * Which aggregation a metric accepts depends on its type (see `AGGREGATIONS_BY_TYPE`); that check
 * needs the metric, so it happens in `parseThresholds`, not here.
 */
import { findNearest, nearestHint } from '../util/nearest.js';
import {
  type SimpleAggregation,
  THRESHOLD_OPERATORS,
  type ThresholdAggregation,
  type ThresholdExpression,
  type ThresholdOperator,
} from './types.js';

const SIMPLE: readonly SimpleAggregation[] = ['count', 'rate', 'value', 'avg', 'min', 'max', 'med'];
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/;
const UNIT_MS: Readonly<Record<string, number>> = {
  us: 0.001,
  µs: 0.001,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/** Result of {@link parseThresholdExpression}: the expression, or every problem found in it. */
export type ParsedExpression =
  | { ok: true; expression: ThresholdExpression }
  | { ok: false; problems: string[] };

/** Parses `aggregation operator value`; reports every problem of the text at once. */
export function parseThresholdExpression(text: string): ParsedExpression {
  let operator: ThresholdOperator | undefined;
  let at = -1;
  for (const op of THRESHOLD_OPERATORS) {
    at = text.indexOf(op);
    if (at >= 0) {
      operator = op;
      break;
    }
  }
  if (operator === undefined) {
    return {
      ok: false,
      problems: [
        `"${text}" has no comparison operator; write it as "<aggregation> <operator> <value>", e.g. "p(95)<500" (operators: ${THRESHOLD_OPERATORS.join(' ')})`,
      ],
    };
  }
  const left = text.slice(0, at).trim();
  const right = text.slice(at + operator.length).trim();
  const problems: string[] = [];
  const aggregation = parseAggregation(left, problems);
  const value = parseValue(right, problems);
  if (!aggregation || !value) return { ok: false, problems };
  const expression: ThresholdExpression = { aggregation, operator, value: value.value };
  if (value.unit !== undefined) expression.unit = value.unit;
  return { ok: true, expression };
}

/** Parses the left-hand side: a simple aggregation name or `p(N)`. */
export function parseAggregation(
  text: string,
  problems: string[],
): ThresholdAggregation | undefined {
  if ((SIMPLE as readonly string[]).includes(text)) return { kind: text as SimpleAggregation };
  const match = /^p\(\s*([^)]*?)\s*\)$/.exec(text);
  if (match) {
    const inner = match[1] as string;
    const number = NUMBER.exec(inner);
    if (!number || number[0].length !== inner.length) {
      problems.push(`percentile "${text}" needs a number between 0 and 100, e.g. p(95) or p(99.9)`);
      return undefined;
    }
    const percentile = Number(inner);
    if (!(percentile >= 0 && percentile <= 100)) {
      problems.push(`percentile ${inner} in "${text}" is outside 0..100`);
      return undefined;
    }
    return { kind: 'p', percentile };
  }
  if (text === '') {
    problems.push('the aggregation before the operator is missing (e.g. "avg", "p(95)", "rate")');
    return undefined;
  }
  const nearest = findNearest(text, [...SIMPLE, 'p(95)']);
  const hint = nearestHint(nearest);
  problems.push(`unknown aggregation "${text}"${hint} (valid: ${SIMPLE.join(', ')}, p(N))`);
  return undefined;
}

function parseValue(
  text: string,
  problems: string[],
): { value: number; unit?: string } | undefined {
  const number = NUMBER.exec(text);
  if (!number) {
    problems.push(
      text === '' ? 'the value after the operator is missing' : `"${text}" is not a number`,
    );
    return undefined;
  }
  const rest = text.slice(number[0].length).trim();
  const value = Number(number[0]);
  if (rest === '') return { value };
  const factor = UNIT_MS[rest];
  if (factor === undefined) {
    problems.push(
      `"${text}" is not a number (a time unit may follow a number for time trends: ${Object.keys(UNIT_MS).join(', ')})`,
    );
    return undefined;
  }
  return { value: value * factor, unit: rest };
}

/** The aggregation as written in k6 syntax: `avg`, `p(95)`, `p(99.9)`. */
export function formatAggregation(aggregation: ThresholdAggregation): string {
  return aggregation.kind === 'p' ? `p(${aggregation.percentile})` : aggregation.kind;
}
