/**
 * Data of a plan: `variables` (values, or lists one value of which each iteration picks) and
 * `payload` (CSV or JSON files, read and checked at compile time, one row per iteration).
 */

import { readFileSync } from 'node:fs';
import { basename, dirname, extname, resolve } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { describeInput, type InputPath, type InputReader } from '../../util/input-reader.js';
import { isRecord } from '../../util/is-record.js';
import type { PayloadSpec, VariableSpec } from './model.js';
import { toTValue } from './template.js';

const PAYLOAD_KEYS = [
  'path',
  'fields',
  'order',
  'skipHeader',
  'delimiter',
  'name',
  'cast',
  'loadAll',
] as const;

/** Reads `variables`. */
export function readVariables(r: InputReader, value: unknown, path: InputPath): VariableSpec[] {
  if (value === undefined) return [];
  return r.entries(value, path).flatMap(([name, v]): VariableSpec[] => {
    if (!/^[A-Za-z_]\w*$/.test(name)) {
      r.problems.add(
        [...path, name],
        `"${name}" is not a valid variable name (letters, digits and _)`,
        { atKey: true },
      );
      return [];
    }
    if (!Array.isArray(v)) return [{ name, value: toTValue(v, [...path, name], r.problems) }];
    if (v.length === 0) r.problems.add([...path, name], 'an empty list gives no value to pick');
    return [{ name, choices: v.map((item, i) => toTValue(item, [...path, name, i], r.problems)) }];
  });
}

function readRows(
  r: InputReader,
  file: string,
  spec: Record<string, unknown>,
  path: InputPath,
): { rows: Array<Record<string, unknown>>; fields: string[] } | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    r.problems.add([...path, 'path'], `cannot read the payload file ${file}`);
    return undefined;
  }
  const given =
    spec['fields'] === undefined
      ? undefined
      : r.list(spec['fields'], [...path, 'fields'])?.map(String);
  if (extname(file).toLowerCase() === '.json') return jsonRows(r, text, given, [...path, 'path']);
  const delimiter =
    spec['delimiter'] === undefined
      ? ','
      : r.string(spec['delimiter'], [...path, 'delimiter'], true);
  const cast = spec['cast'] === undefined ? true : r.boolean(spec['cast'], [...path, 'cast']);
  const skipHeader =
    spec['skipHeader'] === undefined
      ? given === undefined
      : r.boolean(spec['skipHeader'], [...path, 'skipHeader']);
  try {
    const records = parseCsv(text, {
      delimiter: delimiter ?? ',',
      cast: cast !== false,
      skip_empty_lines: true,
      trim: true,
      bom: true,
    }) as unknown[][];
    const header = given === undefined ? records[0]?.map(String) : undefined;
    const fields = given ?? header ?? [];
    const body = skipHeader ? records.slice(1) : records;
    const rows = body.map((record) =>
      Object.fromEntries(fields.map((f, i) => [f, record[i] ?? ''])),
    );
    if (rows.length === 0)
      r.problems.add([...path, 'path'], `the payload file ${basename(file)} has no data rows`);
    return { rows, fields };
  } catch (error) {
    const line = (error as { lines?: number }).lines;
    r.problems.add(
      [...path, 'path'],
      `${basename(file)}${line ? `:${line}` : ''}: ${(error as Error).message}`,
    );
    return undefined;
  }
}

function jsonRows(
  r: InputReader,
  text: string,
  fields: string[] | undefined,
  path: InputPath,
): { rows: Array<Record<string, unknown>>; fields: string[] } | undefined {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    r.problems.add(path, `the payload file is not valid JSON: ${(error as Error).message}`);
    return undefined;
  }
  if (!Array.isArray(data) || data.length === 0) {
    r.problems.add(
      path,
      `a JSON payload file holds a non-empty list of objects (or of lists, with fields), got ${describeInput(data)}`,
    );
    return undefined;
  }
  const rows = data.map((item) =>
    Array.isArray(item) && fields ? Object.fromEntries(fields.map((f, i) => [f, item[i]])) : item,
  );
  const bad = rows.findIndex((row) => !isRecord(row));
  if (bad >= 0) {
    r.problems.add(
      path,
      `item ${bad} of the JSON payload is ${describeInput(rows[bad])}, not an object`,
    );
    return undefined;
  }
  const keys = new Set<string>();
  for (const row of rows as Array<Record<string, unknown>>)
    for (const key of Object.keys(row)) keys.add(key);
  return { rows: rows as Array<Record<string, unknown>>, fields: fields ?? [...keys] };
}

/** Reads `payload` (one spec or a list) relative to the plan file's folder. */
export function readPayloads(
  r: InputReader,
  value: unknown,
  path: InputPath,
  planFile: string,
): PayloadSpec[] {
  if (value === undefined) return [];
  const list = Array.isArray(value) ? value : [value];
  return list.flatMap((item, i): PayloadSpec[] => {
    const at = Array.isArray(value) ? [...path, i] : path;
    const spec = r.object(item, at, PAYLOAD_KEYS, 'a payload');
    if (!spec) return [];
    const rel = r.string(spec['path'], [...at, 'path'], true);
    const order = spec['order'] ?? 'random';
    if (order !== 'random' && order !== 'sequence')
      r.problems.add(
        [...at, 'order'],
        `order must be random or sequence, got ${describeInput(order)}`,
      );
    const name =
      spec['name'] === undefined ? undefined : r.string(spec['name'], [...at, 'name'], true);
    const loadAll =
      spec['loadAll'] === undefined
        ? false
        : r.boolean(spec['loadAll'], [...at, 'loadAll']) === true;
    if (loadAll && name === undefined)
      r.problems.add(at, 'loadAll needs a name: the variable that holds every row');
    if (rel === undefined) return [];
    const file = resolve(dirname(planFile), rel);
    const data = readRows(r, file, spec, at);
    if (!data) return [];
    const payload: PayloadSpec = {
      file,
      rows: data.rows,
      fields: data.fields,
      order: order === 'sequence' ? 'sequence' : 'random',
      loadAll,
    };
    if (name !== undefined) payload.name = name;
    return [payload];
  });
}
