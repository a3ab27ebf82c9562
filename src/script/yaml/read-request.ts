/**
 * An HTTP step (`- get: {url, headers, json, capture, check, ...}` or `- get: /path`): URL,
 * headers, query, body, cookies, auth, timeout, tags, captures and checks.
 */

import { describeInput, type InputPath, type InputReader } from '../../util/input-reader.js';
import { parseJsonSelector } from './json-selector.js';
import type { Capture, RequestBody, RequestStep, StepPosition, TValue } from './model.js';
import { readChecks } from './read-checks.js';
import { parseTemplate, toTValue } from './template.js';

/** Step keys that send a request, and their HTTP methods. */
export const METHOD_KEYS: Record<string, string> = {
  get: 'GET',
  post: 'POST',
  put: 'PUT',
  patch: 'PATCH',
  delete: 'DELETE',
  head: 'HEAD',
  options: 'OPTIONS',
};

const REQUEST_KEYS = [
  'url',
  'name',
  'headers',
  'qs',
  'json',
  'form',
  'body',
  'cookie',
  'auth',
  'timeout',
  'followRedirect',
  'tags',
  'capture',
  'check',
  'expect',
] as const;

const CAPTURE_KEYS = [
  'json',
  'header',
  'regexp',
  'group',
  'flags',
  'as',
  'strict',
  'default',
] as const;

function entries(
  r: InputReader,
  value: unknown,
  path: InputPath,
  _what: string,
): Array<[string, TValue]> {
  if (value === undefined) return [];
  return r.entries(value, path).map(([k, v]) => [k, toTValue(v, [...path, k], r.problems)]);
}

function readCapture(r: InputReader, item: unknown, path: InputPath): Capture | undefined {
  const object = r.object(item, path, CAPTURE_KEYS, 'a capture');
  if (!object) return undefined;
  const as = r.string(object['as'], [...path, 'as'], true);
  const strict =
    object['strict'] === undefined
      ? object['default'] === undefined
      : r.boolean(object['strict'], [...path, 'strict']);
  const sources = (['json', 'header', 'regexp'] as const).filter((k) => object[k] !== undefined);
  if (sources.length !== 1) {
    r.problems.add(path, 'a capture takes exactly one of json, header or regexp');
    return undefined;
  }
  if (as === undefined || strict === undefined) return undefined;
  if (!/^[A-Za-z_][\w]*$/.test(as)) {
    r.problems.add([...path, 'as'], `"${as}" is not a valid variable name (letters, digits and _)`);
    return undefined;
  }
  const base = {
    as,
    strict,
    ...(object['default'] !== undefined
      ? { fallback: toTValue(object['default'], [...path, 'default'], r.problems) }
      : {}),
  };
  const source = sources[0];
  const text = r.string(object[source as string], [...path, source as string], true);
  if (text === undefined) return undefined;
  if (source === 'json') {
    const selector = parseJsonSelector(text);
    if (typeof selector === 'string') return void r.problems.add([...path, 'json'], selector);
    return { ...base, from: 'json', selector };
  }
  if (source === 'header') return { ...base, from: 'header', header: text.toLowerCase() };
  try {
    const flags =
      object['flags'] === undefined
        ? ''
        : (r.string(object['flags'], [...path, 'flags'], true) ?? '');
    const compiled = new RegExp(text, flags);
    const groups = new RegExp(`${compiled.source}|`).exec('')!.length - 1;
    const group =
      object['group'] === undefined
        ? groups > 0
          ? 1
          : 0
        : r.number(object['group'], [...path, 'group'], { min: 0, integer: true, fromText: true });
    if (group !== undefined && group > groups)
      r.problems.add(
        [...path, 'group'],
        `the regular expression has ${groups} group(s), not ${group}`,
      );
    return { ...base, from: 'regexp', pattern: text, flags, group: group ?? 0 };
  } catch (error) {
    r.problems.add(
      [...path, 'regexp'],
      `not a valid regular expression: ${(error as Error).message}`,
    );
    return undefined;
  }
}

function readCaptures(r: InputReader, value: unknown, path: InputPath): Capture[] {
  if (value === undefined) return [];
  const list = Array.isArray(value) ? value : [value];
  return list
    .map((item, i) => readCapture(r, item, Array.isArray(value) ? [...path, i] : path))
    .filter((c): c is Capture => c !== undefined);
}

function readBody(
  r: InputReader,
  step: Record<string, unknown>,
  path: InputPath,
): RequestBody | undefined {
  const given = (['json', 'form', 'body'] as const).filter((k) => step[k] !== undefined);
  if (given.length > 1)
    r.problems.add(
      [...path, given[1]!],
      `use one of json, form or body, not ${given.join(' and ')}`,
    );
  const kind = given[0];
  if (kind === 'json')
    return { kind: 'json', value: toTValue(step['json'], [...path, 'json'], r.problems) };
  if (kind === 'form')
    return { kind: 'form', entries: entries(r, step['form'], [...path, 'form'], 'form') };
  if (kind === 'body') {
    const value = step['body'];
    if (typeof value !== 'string')
      r.problems.add(
        [...path, 'body'],
        `body must be text (use json: for structured bodies), got ${describeInput(value)}`,
      );
    return { kind: 'raw', value: toTValue(String(value ?? ''), [...path, 'body'], r.problems) };
  }
  return undefined;
}

function readTags(r: InputReader, value: unknown, path: InputPath): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const [k, v] of value === undefined ? [] : r.entries(value, path)) {
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')
      tags[k] = String(v);
    else r.problems.add([...path, k], `a tag value must be text, got ${describeInput(v)}`);
  }
  return tags;
}

/** Reads one request step (`value` is what follows `get:`/`post:`/...). */
export function readRequest(
  r: InputReader,
  method: string,
  value: unknown,
  path: InputPath,
  pos: StepPosition,
): RequestStep | undefined {
  const step =
    typeof value === 'string'
      ? { url: value }
      : r.object(value, path, REQUEST_KEYS, `a ${method} request`);
  if (!step) return undefined;
  const urlText = r.string(step['url'], [...path, 'url'], true);
  if (urlText === undefined) return undefined;
  const url = parseTemplate(urlText, [...path, 'url'], r.problems);
  const name =
    step['name'] === undefined ? undefined : r.string(step['name'], [...path, 'name'], true);
  const label = name ?? `${method} ${urlText}`;
  const request: RequestStep = {
    kind: 'request',
    pos,
    method,
    url,
    label,
    headers: entries(r, step['headers'], [...path, 'headers'], 'headers'),
    query: entries(r, step['qs'], [...path, 'qs'], 'qs'),
    cookies: entries(r, step['cookie'], [...path, 'cookie'], 'cookie'),
    tags: readTags(r, step['tags'], [...path, 'tags']),
    captures: readCaptures(r, step['capture'], [...path, 'capture']),
    checks: readChecks(r, step, path, label),
  };
  if (name !== undefined) request.name = name;
  else if (!url.parts.every((p) => typeof p === 'string')) request.name = urlText;
  const body = readBody(r, step, path);
  if (body) request.body = body;
  if (step['auth'] !== undefined) {
    const auth = r.object(step['auth'], [...path, 'auth'], ['user', 'pass'], 'auth');
    if (auth)
      request.basicAuth = {
        user: toTValue(auth['user'] ?? '', [...path, 'auth', 'user'], r.problems),
        pass: toTValue(auth['pass'] ?? '', [...path, 'auth', 'pass'], r.problems),
      };
  }
  if (step['timeout'] !== undefined) {
    const ms = r.duration(step['timeout'], [...path, 'timeout'], { bareUnit: 's' });
    if (ms !== undefined) request.timeoutMs = ms;
  }
  if (
    step['followRedirect'] !== undefined &&
    r.boolean(step['followRedirect'], [...path, 'followRedirect']) === false
  )
    request.redirects = 0;
  return request;
}
