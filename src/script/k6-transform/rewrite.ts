/**
 * The edits of the k6 transform, made with magic-string so the source map stays exact: only
 * `async `, `await `, parentheses and the iteration-helper call are inserted; no original
 * character moves relative to its neighbours, so every original token keeps its mapping.
 */
import type { AnyNode, Node } from 'acorn';
import MagicString from 'magic-string';
import { outermost, type ParsedModule } from './ast.js';
import type { CallInfo } from './calls.js';
import type { FnInfo } from './functions.js';
import { ITERATE_HELPER, iterationHelperSource } from './iteration-helper.js';
import type { SourceEdit } from './shift-map.js';

/** What {@link rewriteModule} did. */
export interface RewriteResult {
  output: MagicString;
  /** The same edits as data (offsets in the input), to carry a source map across them. */
  edits: SourceEdit[];
  /** Functions made async (already-async ones are not listed). */
  madeAsync: FnInfo[];
  /** Calls that got an `await`. */
  awaited: number;
}

/** Applies the edits for the blocking functions and calls found by the analysis. */
export function rewriteModule(
  code: string,
  parsed: ParsedModule,
  calls: readonly CallInfo[],
  blocking: readonly FnInfo[],
): RewriteResult {
  const output = new MagicString(code);
  const edits: SourceEdit[] = [];
  const insert = (at: number, text: string, side: 'left' | 'right'): void => {
    if (side === 'left') output.appendLeft(at, text);
    else output.appendRight(at, text);
    edits.push({ start: at, end: at, text });
  };
  const madeAsync: FnInfo[] = [];
  for (const fn of blocking) {
    if (fn.node.async) continue;
    insert(asyncPosition(fn, code), 'async ', 'right');
    madeAsync.push(fn);
  }
  const helper = helperName(code);
  let helperUsed = false;
  let awaited = 0;
  const ordered = calls
    .filter((c) => c.blocking)
    .sort((a, b) => a.node.start - b.node.start || b.node.end - a.node.end);
  for (const call of ordered) {
    const target = outermost(call.node as AnyNode, parsed.parents);
    const wrap = !call.awaited && needsParens(target, parsed.parents.get(target));
    const iterate = call.iterate?.callbacks.some((f) => f.blocking)
      ? call.iterate.method
      : undefined;
    let prefix = wrap ? '(' : '';
    if (!call.awaited) prefix += 'await ';
    if (iterate !== undefined) {
      prefix += `${helper}(${JSON.stringify(iterate)}, `;
      const callee = call.node.callee as AnyNode & { object: Node };
      const from = callee.object.end;
      const to = (call.node.arguments[0] as Node).start;
      output.overwrite(from, to, ', ');
      edits.push({ start: from, end: to, text: ', ' });
      helperUsed = true;
    }
    if (prefix !== '') insert(target.start, prefix, 'right');
    if (wrap) insert(target.end, ')', 'left');
    if (!call.awaited) awaited++;
  }
  if (helperUsed) output.append(`\n${iterationHelperSource(helper)}\n`);
  return { output, edits, madeAsync, awaited };
}

/** Where `async ` goes: before `function`/the arrow, or before a method's key (after `static`). */
function asyncPosition(fn: FnInfo, code: string): number {
  const holder = fn.holder;
  if (holder?.type === 'Property' && holder.method) return holder.start;
  if (holder?.type === 'MethodDefinition') {
    if (!holder.static) return holder.start;
    const match = /^static\s+/.exec(code.slice(holder.start, holder.start + 32));
    return holder.start + (match ? match[0].length : 0);
  }
  return fn.node.start;
}

/** `await x.y()` binds looser than member access, calls, `new`, tags and `**`: wrap there. */
function needsParens(target: AnyNode, parent: AnyNode | undefined): boolean {
  if (!parent) return false;
  switch (parent.type) {
    case 'MemberExpression':
      return parent.object === target;
    case 'CallExpression':
    case 'NewExpression':
      return parent.callee === target;
    case 'TaggedTemplateExpression':
      return parent.tag === target;
    case 'BinaryExpression':
      return parent.operator === '**' && parent.left === target;
    default:
      return false;
  }
}

/** A helper name that does not occur in the code. */
function helperName(code: string): string {
  let name = ITERATE_HELPER;
  for (let i = 2; code.includes(name); i++) name = `${ITERATE_HELPER}${i}`;
  return name;
}
