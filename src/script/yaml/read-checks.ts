/**
 * Checks of a request step: Redline's `check:` mapping (status, bodyContains, json, maxDuration,
 * ...) and Artillery's `expect:` list (statusCode, contentType, hasProperty, equals, ...), both read
 * into {@link CheckSpec}s named for the summary (`POST /auth/login: status is 200`).
 */

import { formatDuration } from '../../util/duration.js';
import type { InputPath, InputReader } from '../../util/input-reader.js';
import { parseJsonSelector } from './json-selector.js';
import type { CheckBody, CheckSpec, JsonSelector, TValue } from './model.js';
import { toTValue } from './template.js';

/** A check before it is named. */
type Draft = CheckBody & { what: string };

/** Keys of `check:`. */
export const CHECK_KEYS = [
  'status',
  'notStatus',
  'bodyContains',
  'bodyMatches',
  'json',
  'hasProperty',
  'notHasProperty',
  'header',
  'contentType',
  'maxDuration',
] as const;

/** Keys of Artillery's `expect:` items. */
export const EXPECT_KEYS = [
  'statusCode',
  'notStatusCode',
  'contentType',
  'hasProperty',
  'notHasProperty',
  'equals',
  'hasHeader',
  'headerEquals',
  'matchesRegexp',
  'maxDuration',
] as const;

/** Shows a templated value the way the user wrote it. */
export function describeTValue(value: TValue): string {
  if (value.kind === 'template') return JSON.stringify(value.template.source);
  if (value.kind === 'literal') return JSON.stringify(value.value);
  if (value.kind === 'list') return `[${value.items.map(describeTValue).join(', ')}]`;
  return `{${value.entries.map(([k, v]) => `${k}: ${describeTValue(v)}`).join(', ')}}`;
}

function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [value];
}

function codes(r: InputReader, value: unknown, path: InputPath): number[] {
  const list = Array.isArray(value) ? value : [value];
  const result: number[] = [];
  list.forEach((item, i) => {
    const code = r.number(item, Array.isArray(value) ? [...path, i] : path, {
      min: 100,
      integer: true,
      fromText: true,
    });
    if (code !== undefined) result.push(code);
  });
  return result;
}

function selector(r: InputReader, value: unknown, path: InputPath): JsonSelector | undefined {
  const text = r.string(value, path, true);
  if (text === undefined) return undefined;
  const parsed = parseJsonSelector(text);
  if (typeof parsed === 'string') {
    r.problems.add(path, parsed);
    return undefined;
  }
  return parsed;
}

function regexp(r: InputReader, value: unknown, path: InputPath): string | undefined {
  const text = r.string(value, path, true);
  if (text === undefined) return undefined;
  try {
    new RegExp(text);
    return text;
  } catch (error) {
    r.problems.add(path, `not a valid regular expression: ${(error as Error).message}`);
    return undefined;
  }
}

/** Reads one check key (shared by `check:` keys and `expect:` items). */
function readOne(r: InputReader, key: string, value: unknown, path: InputPath, out: Draft[]): void {
  switch (key) {
    case 'status':
    case 'statusCode':
    case 'notStatus':
    case 'notStatusCode': {
      const list = codes(r, value, path);
      const negate = key.startsWith('not');
      if (list.length > 0)
        out.push({
          kind: 'status',
          codes: list,
          negate,
          what: `status is ${negate ? 'not ' : ''}${list.join(' or ')}`,
        });
      return;
    }
    case 'bodyContains':
      asList(value).forEach((item, i) => {
        const text = toTValue(item, Array.isArray(value) ? [...path, i] : path, r.problems);
        out.push({ kind: 'bodyContains', text, what: `body contains ${describeTValue(text)}` });
      });
      return;
    case 'bodyMatches':
    case 'matchesRegexp': {
      const pattern = regexp(r, value, path);
      if (pattern !== undefined)
        out.push({ kind: 'bodyMatches', pattern, flags: '', what: `body matches /${pattern}/` });
      return;
    }
    case 'json':
      for (const [sel, expected] of r.entries(value, path)) {
        const parsed = selector(r, sel, [...path, sel]);
        const want = toTValue(expected, [...path, sel], r.problems);
        if (parsed)
          out.push({
            kind: 'json',
            selector: parsed,
            expected: want,
            what: `${sel} is ${describeTValue(want)}`,
          });
      }
      return;
    case 'hasProperty':
    case 'notHasProperty':
      asList(value).forEach((item, i) => {
        const parsed = selector(r, item, Array.isArray(value) ? [...path, i] : path);
        const negate = key === 'notHasProperty';
        if (parsed)
          out.push({
            kind: 'hasProperty',
            selector: parsed,
            negate,
            what: `${negate ? 'has no' : 'has'} ${parsed.source}`,
          });
      });
      return;
    default:
      readHeaderOrOther(r, key, value, path, out);
  }
}

function readHeaderOrOther(
  r: InputReader,
  key: string,
  value: unknown,
  path: InputPath,
  out: Draft[],
): void {
  if (key === 'header') {
    for (const [name, contains] of r.entries(value, path)) {
      const text = toTValue(contains, [...path, name], r.problems);
      out.push({
        kind: 'header',
        name,
        contains: text,
        what: `header ${name} contains ${describeTValue(text)}`,
      });
    }
  } else if (key === 'hasHeader') {
    const name = r.string(value, path, true);
    if (name) out.push({ kind: 'header', name, what: `has header ${name}` });
  } else if (key === 'headerEquals') {
    const pair = r.list(value, path);
    if (pair && pair.length === 2) {
      const name = r.string(pair[0], [...path, 0], true);
      const want = toTValue(pair[1], [...path, 1], r.problems);
      if (name)
        out.push({
          kind: 'header',
          name,
          equals: want,
          what: `header ${name} is ${describeTValue(want)}`,
        });
    } else if (pair) r.problems.add(path, 'headerEquals takes [header name, value]');
  } else if (key === 'contentType') {
    const text = r.string(value, path, true);
    if (text)
      out.push({
        kind: 'contentType',
        contains: text.toLowerCase(),
        what: `content type contains "${text}"`,
      });
  } else if (key === 'maxDuration') {
    const ms = r.duration(value, path, { bareUnit: 'ms' });
    if (ms !== undefined)
      out.push({ kind: 'maxDuration', ms, what: `duration <= ${formatDuration(ms)}` });
  } else if (key === 'equals') {
    const list = r.list(value, path);
    if (list && list.length >= 2) {
      const values = list.map((item, i) => toTValue(item, [...path, i], r.problems));
      out.push({ kind: 'equals', values, what: values.map(describeTValue).join(' equals ') });
    } else if (list) r.problems.add(path, 'equals needs at least two values');
  }
}

/** Gives each check its summary name; repeated names get ` (2)`, ` (3)`. */
function named(label: string, specs: Draft[]): CheckSpec[] {
  const seen = new Map<string, number>();
  return specs.map(({ what, ...spec }) => {
    const base = `${label}: ${what}`;
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return { ...spec, label: n === 1 ? base : `${base} (${n})` } as CheckSpec;
  });
}

/** Reads `check:` (a mapping) and `expect:` (Artillery's list) of one request. */
export function readChecks(
  r: InputReader,
  step: Record<string, unknown>,
  path: InputPath,
  label: string,
): CheckSpec[] {
  const specs: Draft[] = [];
  if (step['check'] !== undefined) {
    const object = r.object(step['check'], [...path, 'check'], CHECK_KEYS, 'check');
    for (const [key, value] of Object.entries(object ?? {})) {
      if ((CHECK_KEYS as readonly string[]).includes(key))
        readOne(r, key, value, [...path, 'check', key], specs);
    }
  }
  if (step['expect'] !== undefined) {
    const list = r.list(step['expect'], [...path, 'expect']);
    list?.forEach((item, i) => {
      const itemPath = [...path, 'expect', i];
      const object = r.object(item, itemPath, EXPECT_KEYS, 'an expect item');
      if (!object) return;
      const keys = Object.keys(object);
      if (keys.length !== 1)
        r.problems.add(
          itemPath,
          `an expect item has exactly one key (e.g. statusCode: 200), got ${keys.length}`,
        );
      for (const key of keys) {
        if ((EXPECT_KEYS as readonly string[]).includes(key))
          readOne(r, key, object[key], [...itemPath, key], specs);
      }
    });
  }
  return named(label, specs);
}
