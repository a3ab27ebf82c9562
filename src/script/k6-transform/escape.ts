/**
 * Escape checks: a function that becomes async is only safe where its promise is awaited. Every
 * use of a blocking function (a reference to its variable, or the function expression itself) is
 * checked: a direct call, `group`, a supported array method, a `.then`, a local function's
 * parameter (followed there), an export, or a method of an object are fine; being passed to an
 * unknown or npm function, stored in an array, returned, or used as a check callback is not.
 */
import type { AnyNode, CallExpression, Node } from 'acorn';
import type { Variable } from 'eslint-scope';
import type { TransformIssue } from './analyze.js';
import { type FunctionNode, memberName, type ParsedModule, snippet } from './ast.js';
import {
  ITERATION_METHODS,
  PROMISE_METHODS,
  UNSUPPORTED_CALLBACK_METHODS,
} from './blocking-apis.js';
import type { CallInfo } from './calls.js';
import type { FnInfo } from './functions.js';
import { moduleBinding, type ScopeInfo } from './scope.js';
import type { ValueResolver } from './values.js';

/** Array methods that hand the elements to a callback or out of the array. */
const ARRAY_CALLBACK_METHODS = new Set([
  ...ITERATION_METHODS,
  'reduce',
  'reduceRight',
  'sort',
  'at',
  'pop',
  'shift',
  'slice',
  'splice',
  'concat',
  'values',
  'entries',
]);

/** Checks every use of every blocking function; returns the unsafe ones. */
export function escapeIssues(
  code: string,
  parsed: ParsedModule,
  scopes: ScopeInfo,
  values: ValueResolver,
  calls: readonly CallInfo[],
  blocking: readonly FnInfo[],
  isLibrary: (node: Node) => boolean,
): TransformIssue[] {
  const callByNode = new Map<Node, CallInfo>(calls.map((c) => [c.node, c]));
  const ctx: EscapeContext = { parsed, callByNode, code, scopes, values, visiting: new Set() };
  const issues: TransformIssue[] = [];
  const check = (use: AnyNode, fn: FnInfo): void => {
    const reason = useProblem(use, ctx);
    if (reason)
      issues.push({
        node: use,
        message: `"${fn.name}" makes blocking calls, so it becomes async, but it is ${reason}`,
      });
  };
  for (const info of blocking) {
    if (info.node.type !== 'FunctionDeclaration') check(info.node, info);
  }
  for (const scope of scopes.manager.scopes) {
    if (isLibrary(scope.block as unknown as Node)) continue;
    for (const variable of scope.variables) checkVariable(variable, values, check);
  }
  return issues;
}

function checkVariable(
  variable: Variable,
  values: ValueResolver,
  check: (use: AnyNode, fn: FnInfo) => void,
): void {
  const kind = variable.defs[0]?.type;
  if (kind !== 'FunctionName' && kind !== 'Variable' && kind !== 'Parameter') return;
  const blocking = values.ofVariable(variable).find((f) => f.blocking);
  if (!blocking) return;
  for (const ref of variable.references) {
    if (ref.isRead()) check(ref.identifier as unknown as AnyNode, blocking);
  }
}

/** What the use checks need. */
interface EscapeContext {
  parsed: ParsedModule;
  callByNode: ReadonlyMap<Node, CallInfo>;
  code: string;
  scopes: ScopeInfo;
  values: ValueResolver;
  /** Call sites being checked (recursion guard for pickers calling each other). */
  visiting: Set<Node>;
}

/** Why using a blocking function at `use` is unsafe, or undefined when it is fine. */
function useProblem(use: AnyNode, ctx: EscapeContext): string | undefined {
  const { parsed } = ctx;
  let node: AnyNode = use;
  let parent = parsed.parents.get(node);
  while (parent && flowsThrough(parent, node)) {
    node = parent;
    parent = parsed.parents.get(node);
  }
  if (!parent) return undefined;
  switch (parent.type) {
    case 'CallExpression':
      return parent.callee === node ? undefined : argumentProblem(parent, node, ctx);
    case 'NewExpression':
      return 'used with "new"; a constructor cannot be async';
    case 'MemberExpression': {
      if (parent.object !== node) return undefined;
      // An element read of an array of blocking functions (`flows[i]`): the element is the
      // value that must be called or passed where it can be awaited.
      if (parent.computed) return useProblem(parent, ctx);
      const name = memberName(parent);
      if (name === 'bind') return 'bound with .bind(); call it directly instead';
      if (name !== undefined && ARRAY_CALLBACK_METHODS.has(name))
        return `an array of blocking functions used with .${name}(); iterate it with a for...of loop (for (const f of list) f()) instead`;
      return undefined;
    }
    case 'Property':
      return undefined;
    case 'ReturnStatement':
      return returnProblem(node, ctx);
    case 'ArrowFunctionExpression':
      return parent.body === node ? returnProblem(node, ctx) : undefined;
    case 'ArrayExpression':
      return arrayProblem(parent, ctx);
    case 'SpreadElement':
    case 'TaggedTemplateExpression':
    case 'YieldExpression':
      return 'used in a way Redline cannot follow; call it directly';
    case 'VariableDeclarator':
      return parent.id.type === 'Identifier'
        ? undefined
        : 'destructured; assign it to a plain variable';
    default:
      return undefined;
  }
}

/**
 * A blocking function stored in an array literal is fine when the array is held by a variable
 * whose elements are only read (`flows[i]()`, `const f = flows[i]`, `for (const f of flows)`):
 * those reads are checked as the variable's uses. Any other array is reported.
 */
function arrayProblem(array: AnyNode, ctx: EscapeContext): string | undefined {
  const holder = ctx.parsed.parents.get(array);
  if (holder?.type === 'VariableDeclarator' && holder.id.type === 'Identifier') return undefined;
  if (holder?.type === 'ArrayExpression') return arrayProblem(holder, ctx);
  return 'stored in an array that is not held by a variable; Redline can only follow arrays of functions kept in a variable (const flows = [a, b]; flows[i]())';
}

/** A value passes through `a ? f : g`, `a || f`, `(x, f)` and `?.` to the parent's context. */
function flowsThrough(parent: AnyNode, node: AnyNode): boolean {
  switch (parent.type) {
    case 'ConditionalExpression':
      return parent.test !== node;
    case 'LogicalExpression':
    case 'ChainExpression':
      return true;
    case 'SequenceExpression':
      return parent.expressions[parent.expressions.length - 1] === node;
    default:
      return false;
  }
}

/**
 * A value returned from a function: fine only when it is an element of an array the function
 * received (`function pick(list) { return list[i]; }`) and every call of the function uses its
 * result where it can be awaited (`pick(flows)()`, `const f = pick(flows); f()`).
 */
function returnProblem(value: AnyNode, ctx: EscapeContext): string | undefined {
  const problem = 'returned as a value; Redline can only await functions that are called directly';
  if (value.type !== 'MemberExpression' || !value.computed || value.object.type !== 'Identifier')
    return problem;
  const variable = ctx.scopes.resolve(value.object as AnyNode);
  const def = variable?.defs[0];
  if (variable?.defs.length !== 1 || def?.type !== 'Parameter') return problem;
  const fn = def.node as unknown as FunctionNode;
  const sites = ctx.values.callSitesOf(fn);
  if (sites.length === 0) return problem;
  for (const site of sites) {
    if (ctx.visiting.has(site)) continue;
    ctx.visiting.add(site);
    const reason = useProblem(site as AnyNode, ctx);
    ctx.visiting.delete(site);
    if (reason) return `returned from "${nameOf(fn)}", whose result is ${reason}`;
  }
  return undefined;
}

function nameOf(fn: FunctionNode): string {
  return fn.id?.name ?? 'a function';
}

function argumentProblem(
  call: CallExpression,
  arg: AnyNode,
  ctx: EscapeContext,
): string | undefined {
  const { callByNode, code } = ctx;
  // An array of blocking functions handed to a picker (`randomItem(flows)`): the call's result
  // is one of them, so it must be used where it can be awaited.
  if (ctx.values.arrayElementValues(arg)?.some((f) => f.blocking)) {
    if (ctx.visiting.has(call)) return undefined;
    ctx.visiting.add(call);
    const reason = useProblem(call as AnyNode, ctx);
    ctx.visiting.delete(call);
    return reason === undefined
      ? undefined
      : `in an array passed to ${snippet(code, unwrapSequence(call.callee as AnyNode))}(), whose result is ${reason}`;
  }
  const info = callByNode.get(call);
  const index = call.arguments.indexOf(arg as never);
  if (isEventHandlerArgument(call, index, ctx.parsed, ctx.scopes)) return undefined;
  const method = memberName(call.callee as AnyNode);
  if (info?.group && index === 1) return undefined;
  if (info?.check) return 'passed to check(); checks must stay synchronous';
  if (info?.iterate && index === 0) return undefined;
  if (method !== undefined && index === 0 && UNSUPPORTED_CALLBACK_METHODS[method]) {
    return `passed to ${method}(): ${UNSUPPORTED_CALLBACK_METHODS[method]}`;
  }
  if (method !== undefined && PROMISE_METHODS.includes(method)) return undefined;
  const targets = info?.candidates ?? [];
  const followed =
    targets.length > 0 && targets.every((f) => !f.library && hasPlainParam(f, index));
  if (followed) return undefined;
  const calleeNode = unwrapSequence(call.callee as AnyNode);
  // `group(name, fn)` without importing group: the call throws a ReferenceError before the
  // callback could run, in k6 as here, so the callback's async-ness changes nothing.
  if (isUndeclaredGlobal(calleeNode, ctx)) return undefined;
  const callee = snippet(code, calleeNode);
  if (/(^|\.)describe$/.test(callee)) {
    return `passed as a callback to ${callee}(), a describe() that is not jslib's k6chaijs and that Redline cannot see into: if it runs its callback synchronously inside group() (as a copy of k6chaijs does), Redline cannot await the requests in it; import describe from https://jslib.k6.io/k6chaijs/<version>/index.js (served natively, awaits its callback), or use k6's group() and check()`;
  }
  if (targets.some((f) => f.library)) {
    return `passed as a callback to ${callee}() from an npm package, which would not await it; call it in your own loop instead`;
  }
  return `passed as a callback to ${callee}(), which Redline cannot see into and which would not await it; call it directly, or write this part with async/await yourself`;
}

/** An identifier bound nowhere in the script and not a global of the runtime (a ReferenceError). */
function isUndeclaredGlobal(node: AnyNode, ctx: EscapeContext): boolean {
  if (node.type !== 'Identifier') return false;
  if (ctx.scopes.resolve(node) !== undefined) return false;
  return !(node.name in globalThis);
}

/** esbuild calls CommonJS imports as `(0, pkg.fn)(...)`: the function is the last expression. */
function unwrapSequence(node: AnyNode): AnyNode {
  return node.type === 'SequenceExpression'
    ? (node.expressions[node.expressions.length - 1] as AnyNode)
    : node;
}

/** True when parameter `index` is a plain name (so its uses can be followed). */
function hasPlainParam(fn: FnInfo, index: number): boolean {
  const param = fn.node.params[index];
  if (!param) return false;
  const target = param.type === 'AssignmentPattern' ? param.left : param;
  return target.type === 'Identifier';
}

/**
 * True when argument `index` of `call` is an event handler of a k6 event source, which runs it
 * (and waits for it before the next event) itself: `socket.on(event, fn)`,
 * `socket.setTimeout(fn, ms)` and `socket.setInterval(fn, ms)` on the socket `ws.connect()`
 * passes to its callback, `ws.addEventListener(event, fn)` on a k6/websockets WebSocket, and
 * `stream.on(event, fn)` on a k6/net/grpc Stream.
 */
function isEventHandlerArgument(
  call: CallExpression,
  index: number,
  parsed: ParsedModule,
  scopes: ScopeInfo,
): boolean {
  const callee = call.callee as AnyNode;
  if (callee.type !== 'MemberExpression' || callee.object.type !== 'Identifier') return false;
  const method = memberName(callee);
  const wanted = method === undefined ? undefined : EVENT_HANDLER_ARGUMENT[method];
  if (wanted !== index) return false;
  const variable = scopes.resolve(callee.object);
  if (!variable) return false;
  const binding = scopes.k6.get(variable);
  if (binding?.kind === 'instance') {
    const websocket =
      (binding.specifier === 'k6/websockets' ||
        binding.specifier === 'k6/experimental/websockets') &&
      binding.className === 'WebSocket' &&
      method === 'addEventListener';
    const stream =
      binding.specifier === 'k6/net/grpc' && binding.className === 'Stream' && method === 'on';
    return websocket || stream;
  }
  // The socket parameter of the callback given to k6/ws connect().
  const def = variable.defs[0];
  if (def?.type !== 'Parameter' || method === 'addEventListener') return false;
  const fn = def.node as unknown as AnyNode;
  if (fn.type !== 'FunctionExpression' && fn.type !== 'ArrowFunctionExpression') return false;
  const first = fn.params[0];
  if (first?.type !== 'Identifier' || first.name !== callee.object.name) return false;
  const connect = parsed.parents.get(fn);
  if (connect?.type !== 'CallExpression' || connect.arguments[connect.arguments.length - 1] !== fn)
    return false;
  const target = connect.callee as AnyNode;
  if (target.type === 'MemberExpression') {
    return (
      moduleBinding(target.object as AnyNode, scopes) === 'k6/ws' &&
      memberName(target) === 'connect'
    );
  }
  if (target.type === 'Identifier') {
    const bound = scopes.resolve(target);
    const k6 = bound ? scopes.k6.get(bound) : undefined;
    return k6?.kind === 'api' && k6.specifier === 'k6/ws' && k6.name === 'connect';
  }
  return false;
}

/** Event-registering methods of k6 event sources and the index of their handler argument. */
const EVENT_HANDLER_ARGUMENT: Readonly<Record<string, number>> = {
  on: 1,
  addEventListener: 1,
  setTimeout: 0,
  setInterval: 0,
};
