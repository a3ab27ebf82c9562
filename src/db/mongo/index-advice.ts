/**
 * MongoDB index suggestions from a query's filter and sort, ordered by the ESR guideline
 * (MongoDB's documented rule for compound indexes): Equality fields first, then Sort fields, then
 * Range fields. `$in` counts as equality without a sort and as a range with one.
 */
import { isRecord } from '../../util/is-record.js';

/** A suggested index and the reason for its field order. */
export interface MongoIndexSuggestion {
  collection: string;
  keys: Array<[field: string, direction: 1 | -1]>;
  /** `db.<coll>.createIndex({ … })` */
  command: string;
  /** Which fields were equality, sort and range (ESR). */
  esr: { equality: string[]; sort: string[]; range: string[] };
}

const RANGE_OPS = new Set([
  '$gt',
  '$gte',
  '$lt',
  '$lte',
  '$ne',
  '$nin',
  '$regex',
  '$exists',
  '$not',
  '$type',
  '$mod',
]);
type Json = unknown;

/** An extended-JSON scalar ({"$date": …}, {"$oid": …}) is a value, not an operator. */
function isValueWrapper(value: Record<string, Json>): boolean {
  const keys = Object.keys(value);
  return (
    keys.length === 1 &&
    /^\$(date|oid|numberLong|numberInt|numberDecimal|numberDouble|binary|timestamp|regularExpression|uuid)$/.test(
      keys[0] as string,
    )
  );
}

/** Field → 'eq' | 'in' | 'range' for a filter (through $and; $or branches are not indexed here). */
export function classifyFilter(
  filter: Json,
  out = new Map<string, 'eq' | 'in' | 'range'>(),
): Map<string, 'eq' | 'in' | 'range'> {
  if (!isRecord(filter)) return out;
  for (const [field, condition] of Object.entries(filter)) {
    if (field === '$and' && Array.isArray(condition)) {
      for (const part of condition) classifyFilter(part, out);
      continue;
    }
    if (field.startsWith('$')) continue;
    let kind: 'eq' | 'in' | 'range' = 'eq';
    if (isRecord(condition) && !isValueWrapper(condition)) {
      const ops = Object.keys(condition);
      if (ops.some((op) => RANGE_OPS.has(op))) kind = 'range';
      else if (ops.includes('$in')) kind = 'in';
      else if (ops.includes('$eq') || ops.includes('$elemMatch') || ops.includes('$all'))
        kind = 'eq';
    }
    const seen = out.get(field);
    // Equality beats range on the same field (e.g. {a: 1} and {a: {$gt: 0}} in an $and).
    if (!seen || (seen === 'range' && kind !== 'range')) out.set(field, kind);
  }
  return out;
}

/** The ESR index for a filter and sort, or undefined when there is nothing to index. */
export function suggestMongoIndex(
  collection: string,
  filter: Json,
  sort: Record<string, number> | undefined,
): MongoIndexSuggestion | undefined {
  const fields = classifyFilter(filter);
  const sortKeys = Object.entries(sort ?? {}).filter(
    ([field]) => field !== '$natural' && !field.startsWith('$'),
  );
  const hasSort = sortKeys.length > 0;
  const equality = [...fields]
    .filter(([, k]) => k === 'eq' || (k === 'in' && !hasSort))
    .map(([f]) => f);
  const sortFields = sortKeys.map(([f]) => f).filter((f) => !equality.includes(f));
  const range = [...fields]
    .filter(([f, k]) => (k === 'range' || (k === 'in' && hasSort)) && !sortFields.includes(f))
    .map(([f]) => f);
  const keys: Array<[string, 1 | -1]> = [
    ...equality.map((f): [string, 1] => [f, 1]),
    ...sortKeys
      .filter(([f]) => sortFields.includes(f))
      .map(([f, d]): [string, 1 | -1] => [f, d < 0 ? -1 : 1]),
    ...range.map((f): [string, 1] => [f, 1]),
  ];
  if (keys.length === 0) return undefined;
  const body = keys
    .map(([f, d]) => `${/^[A-Za-z_$][\w$]*$/.test(f) ? f : JSON.stringify(f)}: ${d}`)
    .join(', ');
  return {
    collection,
    keys,
    command: `${/^[A-Za-z_][\w]*$/.test(collection) ? `db.${collection}` : `db.getCollection(${JSON.stringify(collection)})`}.createIndex({ ${body} })`,
    esr: { equality, sort: sortFields, range },
  };
}

/** The shape of a filter: same keys and operators, every value replaced by 1 (no literals shown). */
export function shapeOf(value: unknown): unknown {
  if (Array.isArray(value)) return value.length > 0 ? [shapeOf(value[0])] : [];
  if (value && typeof value === 'object') {
    const keys = Object.keys(value as Record<string, Json>);
    if (
      keys.length === 1 &&
      (keys[0] as string).startsWith('$') &&
      /^\$(date|oid|number\w+)$/.test(keys[0] as string)
    )
      return 1;
    return Object.fromEntries(
      keys
        .sort()
        .map((k) => [
          k,
          k === '$in' || k === '$nin' ? [1] : shapeOf((value as Record<string, Json>)[k]),
        ]),
    );
  }
  return 1;
}
