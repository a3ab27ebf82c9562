/**
 * Helpers the module generated from a YAML plan calls: template values, URLs, requests, checks,
 * captures, think times and data picks. Bundled into the generated script, so it imports nothing:
 * the native API (`http`, `check`, `sleep`, `group`) is passed in.
 */

/** The part of a response the helpers read. */
export interface ResponseLike {
  status: number;
  url: string;
  headers: Record<string, string>;
  body: string | ArrayBuffer | null;
  error: string;
  timings: { duration: number };
  json(selector?: string): unknown;
}

/** The native API the helpers use. */
export interface YamlApi {
  http: {
    request(
      method: string,
      url: string,
      body?: unknown,
      params?: Record<string, unknown>,
    ): Promise<ResponseLike>;
  };
  check(value: unknown, sets: Record<string, (value: ResponseLike) => unknown>): boolean;
  sleep(seconds: number): Promise<void>;
}

/** A JSON selector as generated: path segments (JSONPath subset) or a GJSON path. */
export type Selector = { path: Array<string | number> } | { gjson: string };

/** A check as generated (values already evaluated). */
export type RuntimeCheck = { label: string } & (
  | { kind: 'status'; codes: number[]; negate: boolean }
  | { kind: 'bodyContains'; text: unknown }
  | { kind: 'bodyMatches'; pattern: string; flags: string }
  | { kind: 'json'; sel: Selector; expected: unknown }
  | { kind: 'hasProperty'; sel: Selector; negate: boolean }
  | { kind: 'header'; name: string; contains?: unknown; equals?: unknown }
  | { kind: 'contentType'; contains: string }
  | { kind: 'maxDuration'; ms: number }
  | { kind: 'equals'; values: unknown[] }
);

/** A capture as generated. */
export type RuntimeCapture = {
  as: string;
  strict: boolean;
  source: string;
  fallback?: () => unknown;
} & (
  | { from: 'json'; sel: Selector }
  | { from: 'header'; header: string }
  | { from: 'regexp'; pattern: string; flags: string; group: number }
);

const NOT_FOUND = Symbol('not found');
const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const regexps = new Map<string, RegExp>();

function regexp(pattern: string, flags: string): RegExp {
  const key = `${flags}/${pattern}`;
  let re = regexps.get(key);
  if (!re) {
    re = new RegExp(pattern, flags);
    regexps.set(key, re);
  }
  return re;
}

function bodyText(res: ResponseLike): string {
  return typeof res.body === 'string' ? res.body : '';
}

function header(res: ResponseLike, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const [key, value] of Object.entries(res.headers))
    if (key.toLowerCase() === lower) return value;
  return undefined;
}

/** Selects a JSON value; NOT_FOUND when the body is not JSON or the path is missing. */
function select(res: ResponseLike, sel: Selector): unknown {
  let value: unknown;
  try {
    if ('gjson' in sel) return res.json(sel.gjson) ?? NOT_FOUND;
    value = res.json();
  } catch {
    return NOT_FOUND;
  }
  for (const segment of sel.path) {
    if (Array.isArray(value) && typeof segment === 'number')
      value = value[segment < 0 ? value.length + segment : segment];
    else if (typeof value === 'object' && value !== null)
      value = (value as Record<string | number, unknown>)[segment];
    else return NOT_FOUND;
  }
  return value === undefined ? NOT_FOUND : value;
}

/** Equality of JSON values; a number equals the same number written as text. */
export function looseEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  const primitive = (x: unknown) =>
    x === null || ['string', 'number', 'boolean'].includes(typeof x);
  if (primitive(a) && primitive(b)) return String(a) === String(b);
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return (
    ka.length === kb.length &&
    ka.every((k) =>
      looseEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]),
    )
  );
}

function passes(res: ResponseLike, c: RuntimeCheck): boolean {
  switch (c.kind) {
    case 'status':
      return c.codes.includes(res.status) !== c.negate;
    case 'bodyContains':
      return bodyText(res).includes(String(c.text));
    case 'bodyMatches':
      return regexp(c.pattern, c.flags).test(bodyText(res));
    case 'json': {
      const value = select(res, c.sel);
      return value !== NOT_FOUND && looseEqual(value, c.expected);
    }
    case 'hasProperty':
      return (select(res, c.sel) !== NOT_FOUND) !== c.negate;
    case 'header': {
      const value = header(res, c.name);
      if (value === undefined) return false;
      if (c.equals !== undefined) return value === String(c.equals);
      return c.contains === undefined || value.includes(String(c.contains));
    }
    case 'contentType':
      return (header(res, 'content-type') ?? '').toLowerCase().includes(c.contains);
    case 'maxDuration':
      return res.timings.duration <= c.ms;
    case 'equals':
      return c.values.every((v) => looseEqual(v, c.values[0]));
  }
}

function captured(res: ResponseLike, c: RuntimeCapture): unknown {
  if (c.from === 'json') return select(res, c.sel);
  if (c.from === 'header') return header(res, c.header) ?? NOT_FOUND;
  const match = regexp(c.pattern, c.flags).exec(bodyText(res));
  return match?.[c.group] ?? NOT_FOUND;
}

function describeResponse(res: ResponseLike): string {
  return res.status === 0 ? `the request failed (${res.error})` : `status ${res.status}`;
}

/** Creates the helpers for one generated module. */
export function createYamlRuntime(api: YamlApi) {
  return {
    /** Starts an iteration's variables from setup()'s data. */
    begin(data: unknown): Record<string, unknown> {
      return typeof data === 'object' && data !== null
        ? { ...(data as Record<string, unknown>) }
        : {};
    },
    /** A template part as text; a missing value ends the iteration with a clear error. */
    str(value: unknown, source: string, at: string): string {
      if (value === undefined) throw new Error(`${source} has no value (at ${at})`);
      return typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
    },
    /** A whole-string template's value, kept with its type. */
    val(value: unknown, source: string, at: string): unknown {
      if (value === undefined) throw new Error(`${source} has no value (at ${at})`);
      return value;
    },
    env(name: string): string | undefined {
      return (globalThis as { __ENV?: Record<string, string | undefined> }).__ENV?.[name];
    },
    vu: (): number => (globalThis as { __VU?: number }).__VU ?? 0,
    iteration: (): number => (globalThis as { __ITER?: number }).__ITER ?? 0,
    helpers: {
      randomString(length = 10): string {
        let text = '';
        for (let i = 0; i < length; i++)
          text += ALPHANUMERIC[Math.floor(Math.random() * ALPHANUMERIC.length)];
        return text;
      },
      randomNumber(min = 0, max = 1_000_000): number {
        return Math.floor(min + Math.random() * (max - min + 1));
      },
      uuid: (): string => globalThis.crypto.randomUUID(),
      timestamp: (): number => Date.now(),
      isoTimestamp: (): string => new Date().toISOString(),
    },
    /** `target` + `path` (unless absolute) + `?query`. */
    url(base: string | undefined, path: string, query?: Array<[string, unknown]>): string {
      let url =
        /^https?:\/\//i.test(path) || base === undefined
          ? path
          : `${base}${path.startsWith('/') || path === '' ? '' : '/'}${path}`;
      if (query && query.length > 0) {
        const params = new URLSearchParams();
        for (const [k, v] of query)
          for (const item of Array.isArray(v) ? v : [v])
            params.append(k, typeof item === 'object' ? JSON.stringify(item) : String(item));
        url += `${url.includes('?') ? '&' : '?'}${params.toString()}`;
      }
      return url;
    },
    form(entries: Array<[string, unknown]>): string {
      return new URLSearchParams(
        entries.map(([k, v]): [string, string] => [
          k,
          typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v),
        ]),
      ).toString();
    },
    basic(user: unknown, pass: unknown): string {
      return `Basic ${Buffer.from(`${String(user)}:${String(pass)}`).toString('base64')}`;
    },
    pick(weights: number[]): number {
      const total = weights.reduce((a, b) => a + b, 0);
      let x = Math.random() * total;
      for (let i = 0; i < weights.length; i++) {
        x -= weights[i]!;
        if (x < 0) return i;
      }
      return weights.length - 1;
    },
    choose<T>(list: readonly T[]): T {
      return list[Math.floor(Math.random() * list.length)]!;
    },
    /** A payload row: random, or in sequence over the scenario's iterations (unique across shards). */
    row<T>(rows: readonly T[], order: 'random' | 'sequence', iterationInTest: () => number): T {
      if (order === 'random') return rows[Math.floor(Math.random() * rows.length)]!;
      let i = 0;
      try {
        i = Math.max(0, iterationInTest());
      } catch {
        i = 0;
      }
      return rows[i % rows.length]!;
    },
    list(value: unknown, source: string, at: string): unknown[] {
      if (!Array.isArray(value)) throw new Error(`${source} is not a list (at ${at})`);
      return value;
    },
    send(
      method: string,
      url: string,
      body: unknown,
      params: Record<string, unknown>,
    ): Promise<ResponseLike> {
      return api.http.request(method, url, body, params);
    },
    think(min: number, max: number): Promise<void> {
      return api.sleep(max > min ? min + Math.random() * (max - min) : min);
    },
    /**
     * Runs captures (into `v`) and checks of a response. A strict capture that finds nothing ends
     * the iteration with an error, after the checks are recorded.
     */
    after(
      res: ResponseLike,
      v: Record<string, unknown>,
      buildChecks: () => RuntimeCheck[],
      captures: RuntimeCapture[],
      label: string,
      at: string,
    ): void {
      let failure: string | undefined;
      for (const c of captures) {
        const value = captured(res, c);
        if (value !== NOT_FOUND) v[c.as] = value;
        else if (c.fallback) v[c.as] = c.fallback();
        else if (c.strict && failure === undefined)
          failure = `capture "${c.as}" found no ${c.source} in the response of ${label} (${describeResponse(res)}) at ${at}`;
      }
      const checks = buildChecks();
      if (checks.length > 0) {
        const sets: Record<string, (r: ResponseLike) => boolean> = {};
        for (const c of checks) sets[c.label] = (r) => passes(r, c);
        api.check(res, sets);
      }
      if (failure !== undefined) throw new Error(failure);
    },
  };
}

/** The helpers' type (what generated modules call). */
export type YamlRuntime = ReturnType<typeof createYamlRuntime>;
