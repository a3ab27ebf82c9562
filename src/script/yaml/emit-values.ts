/**
 * JavaScript expressions for templated values: `"Bearer " + rt.str(v["token"], "{{ token }}", at)`.
 * Every name and literal is emitted through JSON.stringify, so no plan text becomes code.
 */
import type { JsonSelector, Template, TemplateExpr, TemplateRef, TValue } from './model.js';

/** What expressions depend on: the innermost loop's variable names, and the step position. */
export interface EmitScope {
  /** `loop1`, `loop2`: names of the enclosing loops' variables (innermost last). */
  loops: string[];
  /** `plan.yaml:12:7` of the step. */
  at: string;
}

const q = (value: unknown): string => JSON.stringify(value);

function access(base: string, path: Array<string | number>): string {
  return path.reduce<string>((code, segment) => `${code}?.[${q(segment)}]`, base);
}

function refCode(ref: TemplateRef, scope: EmitScope): string {
  switch (ref.kind) {
    case 'var':
      return access(`v[${q(ref.name)}]`, ref.path);
    case 'env':
      return `rt.env(${q(ref.name)})`;
    case 'call':
      return `rt.helpers.${ref.fn}(${ref.args.map(q).join(', ')})`;
    case 'special': {
      if (ref.name === '$vu') return 'rt.vu()';
      if (ref.name === '$iteration') return 'rt.iteration()';
      const loop = scope.loops[scope.loops.length - 1] ?? 'undefined';
      if (ref.name === '$loopIndex') return `${loop}Index`;
      if (ref.name === '$loopCount') return `(${loop}Index + 1)`;
      return access(`${loop}Element`, ref.path);
    }
  }
}

function exprCode(part: TemplateExpr, scope: EmitScope): string {
  const base = refCode(part.ref, scope);
  return part.fallback === undefined ? base : `(${base} ?? ${q(part.fallback)})`;
}

/** A template as a string expression. */
export function stringCode(template: Template, scope: EmitScope): string {
  if (template.parts.length === 0) return '""';
  return template.parts
    .map((part) =>
      typeof part === 'string'
        ? q(part)
        : `rt.str(${exprCode(part, scope)}, ${q(part.source)}, ${q(scope.at)})`,
    )
    .join(' + ');
}

/** A templated value as an expression: a lone `{{ x }}` keeps the value's type (number, list, ...). */
export function valueCode(value: TValue, scope: EmitScope): string {
  switch (value.kind) {
    case 'literal':
      return q(value.value);
    case 'list':
      return `[${value.items.map((item) => valueCode(item, scope)).join(', ')}]`;
    case 'map':
      return `{ ${value.entries.map(([k, v]) => `${q(k)}: ${valueCode(v, scope)}`).join(', ')} }`;
    case 'template': {
      const [only] = value.template.parts;
      if (value.template.parts.length === 1 && typeof only === 'object')
        return `rt.val(${exprCode(only, scope)}, ${q(only.source)}, ${q(scope.at)})`;
      return stringCode(value.template, scope);
    }
  }
}

/** A value used as text (header values, form fields): strings stay strings, the rest is JSON. */
export function textCode(value: TValue, scope: EmitScope): string {
  if (value.kind === 'template') return stringCode(value.template, scope);
  if (value.kind === 'literal') return q(value.value === null ? '' : String(value.value));
  return `JSON.stringify(${valueCode(value, scope)})`;
}

/** A selector object literal for the runtime. */
export function selectorCode(selector: JsonSelector): string {
  return selector.kind === 'path'
    ? `{ path: ${q(selector.segments)} }`
    : `{ gjson: ${q(selector.selector)} }`;
}

/** `[["k", expr], ...]` for query/form entries. */
export function entriesCode(entries: Array<[string, TValue]>, scope: EmitScope): string {
  return `[${entries.map(([k, v]) => `[${q(k)}, ${valueCode(v, scope)}]`).join(', ')}]`;
}

/** JSON literal. */
export { q as jsonCode };
