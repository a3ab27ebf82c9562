/**
 * Generated code for flow steps: each request becomes `await rt.send(...)` plus `rt.after(...)`
 * (captures and checks), `think` an awaited sleep, `group` the native `group()`, `loop` a `for`.
 */
import type { CodeWriter } from './code-writer.js';
import {
  type EmitScope,
  entriesCode,
  jsonCode as q,
  selectorCode,
  stringCode,
  textCode,
  valueCode,
} from './emit-values.js';
import type { Capture, CheckSpec, RequestStep, Step, TValue } from './model.js';

/** What step emission needs beyond the steps. */
export interface StepContext {
  out: CodeWriter;
  /** Headers every request sends (`defaults.headers`). */
  defaultHeaders: Array<[string, TValue]>;
  /** Expression of the base URL (`base(v)`) or `undefined`. */
  base: string;
  /** Tags added to every request of this flow (e.g. `flow` when the plan has weighted flows). */
  flowTags: Record<string, string>;
}

function headersCode(step: RequestStep, scope: EmitScope, ctx: StepContext): string {
  const merged = new Map<string, [string, string]>();
  for (const [name, value] of [...ctx.defaultHeaders, ...step.headers])
    merged.set(name.toLowerCase(), [name, textCode(value, scope)]);
  const setDefault = (name: string, code: string) => {
    if (!merged.has(name.toLowerCase())) merged.set(name.toLowerCase(), [name, code]);
  };
  if (step.body?.kind === 'json') setDefault('Content-Type', q('application/json'));
  if (step.body?.kind === 'form')
    setDefault('Content-Type', q('application/x-www-form-urlencoded'));
  if (step.basicAuth)
    setDefault(
      'Authorization',
      `rt.basic(${valueCode(step.basicAuth.user, scope)}, ${valueCode(step.basicAuth.pass, scope)})`,
    );
  return `{ ${[...merged.values()].map(([name, code]) => `${q(name)}: ${code}`).join(', ')} }`;
}

function bodyCode(step: RequestStep, scope: EmitScope): string {
  const body = step.body;
  if (!body) return 'undefined';
  if (body.kind === 'json') return `JSON.stringify(${valueCode(body.value, scope)})`;
  if (body.kind === 'form') return `rt.form(${entriesCode(body.entries, scope)})`;
  return textCode(body.value, scope);
}

function paramsCode(step: RequestStep, scope: EmitScope, ctx: StepContext): string {
  const tags = {
    ...ctx.flowTags,
    ...step.tags,
    ...(step.name !== undefined ? { name: step.name } : {}),
  };
  const parts = [`headers: ${headersCode(step, scope, ctx)}`];
  if (Object.keys(tags).length > 0) parts.push(`tags: ${q(tags)}`);
  if (step.timeoutMs !== undefined) parts.push(`timeout: ${step.timeoutMs}`);
  if (step.redirects !== undefined) parts.push(`redirects: ${step.redirects}`);
  if (step.cookies.length > 0)
    parts.push(
      `cookies: { ${step.cookies.map(([k, v]) => `${q(k)}: ${textCode(v, scope)}`).join(', ')} }`,
    );
  return `{ ${parts.join(', ')} }`;
}

function checkCode(c: CheckSpec, scope: EmitScope): string {
  const head = `kind: ${q(c.kind)}, label: ${q(c.label)}`;
  switch (c.kind) {
    case 'status':
      return `{ ${head}, codes: ${q(c.codes)}, negate: ${c.negate} }`;
    case 'bodyContains':
      return `{ ${head}, text: ${valueCode(c.text, scope)} }`;
    case 'bodyMatches':
      return `{ ${head}, pattern: ${q(c.pattern)}, flags: ${q(c.flags)} }`;
    case 'json':
      return `{ ${head}, sel: ${selectorCode(c.selector)}, expected: ${valueCode(c.expected, scope)} }`;
    case 'hasProperty':
      return `{ ${head}, sel: ${selectorCode(c.selector)}, negate: ${c.negate} }`;
    case 'header': {
      const extra = c.contains
        ? `, contains: ${valueCode(c.contains, scope)}`
        : c.equals
          ? `, equals: ${valueCode(c.equals, scope)}`
          : '';
      return `{ ${head}, name: ${q(c.name)}${extra} }`;
    }
    case 'contentType':
      return `{ ${head}, contains: ${q(c.contains)} }`;
    case 'maxDuration':
      return `{ ${head}, ms: ${c.ms} }`;
    case 'equals':
      return `{ ${head}, values: [${c.values.map((v) => valueCode(v, scope)).join(', ')}] }`;
  }
}

function captureCode(c: Capture, scope: EmitScope): string {
  const fallback = c.fallback ? `, fallback: () => ${valueCode(c.fallback, scope)}` : '';
  const head = `as: ${q(c.as)}, strict: ${c.strict}${fallback}`;
  if (c.from === 'json')
    return `{ ${head}, from: "json", source: ${q(c.selector.source)}, sel: ${selectorCode(c.selector)} }`;
  if (c.from === 'header')
    return `{ ${head}, from: "header", source: ${q(`header ${c.header}`)}, header: ${q(c.header)} }`;
  if (c.from === 'regexp')
    return `{ ${head}, from: "regexp", source: ${q(`match of /${c.pattern}/`)}, pattern: ${q(c.pattern)}, flags: ${q(c.flags)}, group: ${c.group} }`;
  return '{}';
}

function emitRequest(step: RequestStep, scope: EmitScope, ctx: StepContext): void {
  const { out } = ctx;
  const url = `rt.url(${ctx.base}, ${stringCode(step.url, scope)}${step.query.length > 0 ? `, ${entriesCode(step.query, scope)}` : ''})`;
  out.open(`{ // ${step.label.replace(/\n/g, ' ')}`);
  out.line(
    `const res = await rt.send(${q(step.method)}, ${url}, ${bodyCode(step, scope)}, ${paramsCode(step, scope, ctx)});`,
  );
  if (step.checks.length > 0 || step.captures.length > 0) {
    const checks = `[${step.checks.map((c) => checkCode(c, scope)).join(', ')}]`;
    const captures = `[${step.captures.map((c) => captureCode(c, scope)).join(', ')}]`;
    // Checks are built after the captures ran: they may use the values just captured.
    out.line(`rt.after(res, v, () => ${checks}, ${captures}, ${q(step.label)}, ${q(scope.at)});`);
  }
  out.close();
}

/** Emits `steps` (inside an async function with `v`, the iteration's variables, in scope). */
export function emitSteps(steps: Step[], ctx: StepContext, loops: string[] = []): void {
  const { out } = ctx;
  for (const step of steps) {
    const scope: EmitScope = { loops, at: step.pos.text };
    out.at(step.pos, () => {
      switch (step.kind) {
        case 'request':
          return emitRequest(step, scope, ctx);
        case 'think':
          return out.line(`await rt.think(${step.minSeconds}, ${step.maxSeconds});`);
        case 'log':
          return out.line(`console.log(${textCode(step.message, scope)});`);
        case 'set':
          for (const [k, v] of step.entries) out.line(`v[${q(k)}] = ${valueCode(v, scope)};`);
          return;
        case 'group':
          out.open(`await group(${q(step.name)}, async () => {`);
          emitSteps(step.steps, ctx, loops);
          return out.close('});');
        case 'loop': {
          const name = `loop${loops.length + 1}`;
          const over = step.over
            ? `rt.list(${valueCode(step.over, scope)}, "loop over", ${q(scope.at)})`
            : `Array.from({ length: ${step.count ?? 0} })`;
          const limited =
            step.over && step.count !== undefined ? `${over}.slice(0, ${step.count})` : over;
          out.open(`for (const [${name}Index, ${name}Element] of ${limited}.entries()) {`);
          out.line(`void ${name}Element;`);
          emitSteps(step.steps, ctx, [...loops, name]);
          return out.close();
        }
      }
    });
  }
}
