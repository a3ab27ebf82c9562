/**
 * `{{ ... }}` templates in plan strings: variables (`token`, `user.id`, `items[0]`), environment
 * (`$env.BASE_URL`, `__ENV.X`, Artillery's `$processEnvironment.X`), helpers (`$randomString(8)`,
 * `$randomNumber(1, 100)`, `$uuid()`, `$timestamp()`, `$isoTimestamp()`), `$vu`, `$iteration`,
 * loop values, and a `?? "fallback"`. Parsed at compile time; never evaluated as JavaScript.
 */
import type { InputPath, InputProblems } from '../../util/input-reader.js';
import { findNearest, nearestHint } from '../../util/nearest.js';
import type { HelperName, Literal, Template, TemplateExpr, TemplateRef, TValue } from './model.js';

/** Helpers and how many arguments each takes (min, max). */
export const HELPERS: Record<HelperName, [number, number]> = {
  randomString: [0, 1],
  randomNumber: [0, 2],
  uuid: [0, 0],
  timestamp: [0, 0],
  isoTimestamp: [0, 0],
};

const ENV_HEADS = ['$env', '__ENV', '$processEnvironment'];
const SPECIALS = ['$vu', '$iteration', '$loopIndex', '$loopCount', '$loopElement'] as const;
const KNOWN_HEADS = [...ENV_HEADS, ...SPECIALS, ...Object.keys(HELPERS).map((h) => `$${h}`)];

type Token = { t: 'id' | 'num' | 'str' | 'p'; v: string };

const TOKEN =
  /\s*(?:([A-Za-z_$][\w$]*)|(-?\d+(?:\.\d+)?)|'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"|(\?\?|[.[\](),]))/y;

function tokenize(text: string): Token[] | string {
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < text.length) {
    if (/^\s*$/.test(text.slice(TOKEN.lastIndex))) break;
    const at = TOKEN.lastIndex;
    const m = TOKEN.exec(text);
    if (!m) return `unexpected "${text.slice(at).trim()[0]}"`;
    if (m[1] !== undefined) tokens.push({ t: 'id', v: m[1] });
    else if (m[2] !== undefined) tokens.push({ t: 'num', v: m[2] });
    else if (m[3] !== undefined || m[4] !== undefined)
      tokens.push({ t: 'str', v: (m[3] ?? m[4] ?? '').replace(/\\(.)/g, '$1') });
    else tokens.push({ t: 'p', v: m[5] ?? '' });
  }
  return tokens;
}

class ExprParser {
  readonly #tokens: Token[];
  #i = 0;

  constructor(tokens: Token[]) {
    this.#tokens = tokens;
  }

  parse(): Omit<TemplateExpr, 'source'> {
    const ref = this.#primary();
    const result: Omit<TemplateExpr, 'source'> = { ref };
    if (this.#peek('??')) {
      this.#i++;
      result.fallback = this.#literal();
    }
    if (this.#i < this.#tokens.length) throw new Error(`unexpected "${this.#tokens[this.#i]?.v}"`);
    return result;
  }

  #peek(punct: string): boolean {
    const token = this.#tokens[this.#i];
    return token?.t === 'p' && token.v === punct;
  }

  #expect(punct: string): void {
    if (!this.#peek(punct)) throw new Error(`expected "${punct}"`);
    this.#i++;
  }

  #literal(): Literal {
    const token = this.#tokens[this.#i++];
    if (token?.t === 'num') return Number(token.v);
    if (token?.t === 'str') return token.v;
    if (token?.t === 'id' && ['true', 'false', 'null'].includes(token.v))
      return token.v === 'null' ? null : token.v === 'true';
    throw new Error('expected a number or a quoted text');
  }

  #primary(): TemplateRef {
    const head = this.#tokens[this.#i++];
    if (head?.t !== 'id') throw new Error('expected a variable name');
    if (this.#peek('(')) return this.#call(head.v);
    const path: Array<string | number> = [];
    for (;;) {
      if (this.#peek('.')) {
        this.#i++;
        const key = this.#tokens[this.#i++];
        if (key?.t !== 'id' && key?.t !== 'num') throw new Error('expected a name after "."');
        path.push(key.t === 'num' ? Number(key.v) : key.v);
      } else if (this.#peek('[')) {
        this.#i++;
        const key = this.#literal();
        if (typeof key !== 'string' && typeof key !== 'number')
          throw new Error('expected an index');
        path.push(key);
        this.#expect(']');
      } else break;
    }
    return refOf(head.v, path);
  }

  #call(name: string): TemplateRef {
    const fn = name.startsWith('$') ? name.slice(1) : '';
    if (!(fn in HELPERS)) {
      const near = findNearest(
        name,
        KNOWN_HEADS.filter((h) => h.slice(1) in HELPERS),
      );
      throw new Error(`unknown helper "${name}"${nearestHint(near)}`);
    }
    this.#expect('(');
    const args: Literal[] = [];
    while (!this.#peek(')')) {
      if (args.length > 0) this.#expect(',');
      args.push(this.#literal());
    }
    this.#expect(')');
    const [min, max] = HELPERS[fn as HelperName];
    if (args.length < min || args.length > max)
      throw new Error(`${name}() takes ${min === max ? min : `${min} to ${max}`} arguments`);
    return { kind: 'call', fn: fn as HelperName, args };
  }
}

function refOf(head: string, path: Array<string | number>): TemplateRef {
  if (ENV_HEADS.includes(head)) {
    const [name, ...rest] = path;
    if (typeof name !== 'string' || rest.length > 0)
      throw new Error(`write ${head}.NAME (one environment variable)`);
    return { kind: 'env', name };
  }
  if ((SPECIALS as readonly string[]).includes(head))
    return { kind: 'special', name: head as (typeof SPECIALS)[number], path };
  if (head.startsWith('$')) {
    const near = findNearest(head, KNOWN_HEADS);
    throw new Error(`unknown name "${head}"${nearestHint(near)}`);
  }
  return { kind: 'var', name: head, path };
}

/** Parses the `{{ ... }}` parts of `text`; a malformed part is a problem at `path`. */
export function parseTemplate(text: string, path: InputPath, problems: InputProblems): Template {
  const parts: Array<string | TemplateExpr> = [];
  let last = 0;
  for (const match of text.matchAll(/\{\{([\s\S]*?)\}\}/g)) {
    const index = match.index ?? 0;
    if (index > last) parts.push(text.slice(last, index));
    last = index + match[0].length;
    const source = match[0];
    const tokens = tokenize(match[1] ?? '');
    try {
      if (typeof tokens === 'string') throw new Error(tokens);
      if (tokens.length === 0) throw new Error('empty {{ }}');
      parts.push({ ...new ExprParser(tokens).parse(), source });
    } catch (error) {
      problems.add(path, `bad template ${source}: ${(error as Error).message}`);
      parts.push(source);
    }
  }
  if (last < text.length) parts.push(text.slice(last));
  return { parts, source: text, path };
}

/** True when the template has no `{{ ... }}` part. */
export function isPlainTemplate(template: Template): boolean {
  return template.parts.every((p) => typeof p === 'string');
}

/** Converts a YAML value to a templated value (templates in every string). */
export function toTValue(value: unknown, path: InputPath, problems: InputProblems): TValue {
  if (typeof value === 'string')
    return { kind: 'template', template: parseTemplate(value, path, problems) };
  if (typeof value === 'number' || typeof value === 'boolean' || value === null)
    return { kind: 'literal', value };
  if (value === undefined) return { kind: 'literal', value: null };
  if (Array.isArray(value))
    return { kind: 'list', items: value.map((item, i) => toTValue(item, [...path, i], problems)) };
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).map(
      ([k, v]): [string, TValue] => [k, toTValue(v, [...path, k], problems)],
    );
    return { kind: 'map', entries };
  }
  return { kind: 'template', template: parseTemplate(String(value), path, problems) };
}

/** Every template inside a templated value. */
export function templatesOf(value: TValue | undefined): Template[] {
  if (!value) return [];
  if (value.kind === 'template') return [value.template];
  if (value.kind === 'list') return value.items.flatMap(templatesOf);
  if (value.kind === 'map') return value.entries.flatMap(([, v]) => templatesOf(v));
  return [];
}
