/**
 * Classifies every call of the module for the k6 transform: a blocking k6 API, k6 `group` or
 * `check`, an array iteration with a callback, or a call of local functions; and where it sits
 * (a function body, default parameters, a class field, the module's top level).
 */
import type { AnyNode, CallExpression, Node } from 'acorn';
import { type FunctionNode, isFunction, memberName, type ParsedModule } from './ast.js';
import { BLOCKING_RESPONSE_METHODS, ITERATION_METHODS } from './blocking-apis.js';
import type { FnInfo } from './functions.js';
import {
  bindingFor,
  isBlockingInstanceCall,
  type K6Binding,
  moduleBinding,
  type ScopeInfo,
} from './scope.js';
import type { ValueResolver } from './values.js';

/** Where a call runs. Only `body` can be awaited. */
export type CallContext = 'body' | 'params' | 'top-level' | 'class-field' | 'static-block';

/** What the transform knows about one call. */
export interface CallInfo {
  node: CallExpression;
  /** The function whose body (or parameters) contain the call; undefined at the top level. */
  owner: FnInfo | undefined;
  context: CallContext;
  /** Display name of the blocking k6 API called (`http.get`, `sleep`). */
  api?: string;
  /** k6 `group(name, fn)`: the functions `fn` may be. */
  group?: FnInfo[];
  /** k6 `check(value, {...})`. */
  check?: boolean;
  /**
   * Functions among the check set's predicates (`check(r, { ok: (r) => http.get(...) })`): when
   * one blocks, it becomes async and the check() call is awaited (check() awaits predicates
   * that return promises).
   */
  checkCallbacks?: FnInfo[];
  /** `xs.forEach(cb)` and friends: the method and the functions `cb` may be. */
  iterate?: { method: string; callbacks: FnInfo[] };
  /** Local functions the call may invoke. */
  candidates: FnInfo[];
  /** Set by the analysis: the call must be awaited. */
  blocking: boolean;
  /** Already the operand of `await` in the source. */
  awaited: boolean;
}

/** Builds a {@link CallInfo} for every call. */
export function classifyCalls(
  parsed: ParsedModule,
  scopes: ScopeInfo,
  fns: ReadonlyMap<FunctionNode, FnInfo>,
  values: ValueResolver,
  isLibrary: (node: Node) => boolean,
): CallInfo[] {
  return parsed.calls.map((node) => {
    const { owner, context } = locate(node, parsed.parents, fns);
    const parent = parsed.parents.get(node);
    const info: CallInfo = {
      node,
      owner,
      context,
      candidates: [],
      blocking: false,
      awaited: parent?.type === 'AwaitExpression',
    };
    classifyCallee(info, scopes, values, isLibrary(node));
    return info;
  });
}

function classifyCallee(
  info: CallInfo,
  scopes: ScopeInfo,
  values: ValueResolver,
  library: boolean,
): void {
  const callee = info.node.callee as AnyNode;
  const args = info.node.arguments as AnyNode[];
  if (callee.type === 'Identifier') {
    const variable = scopes.resolve(callee);
    if (!variable) return;
    const binding = scopes.k6.get(variable);
    if (binding) applyBinding(info, binding, callee.name, args, values);
    else info.candidates = values.ofVariable(variable);
    return;
  }
  if (isFunction(callee) || callee.type === 'CallExpression') {
    // An IIFE, or `pick(flows)()`: the function a picker returns from an array of functions.
    info.candidates = values.valuesOf(callee);
    return;
  }
  if (callee.type !== 'MemberExpression') return;
  const name = memberName(callee);
  if (name === undefined) {
    info.candidates = values.methodCandidates(callee).candidates; // steps[key]()
    return;
  }
  if (isBlockingInstanceCall(callee.object as AnyNode, name, scopes)) {
    info.api = `${(callee.object as AnyNode & { name: string }).name}.${name}`;
    return;
  }
  const module = moduleBinding(callee.object as AnyNode, scopes);
  if (module !== undefined) {
    const label = `${(callee.object as AnyNode & { name: string }).name}.${name}`;
    applyBinding(info, bindingFor(module, name), label, args, values);
    return;
  }
  if (BLOCKING_RESPONSE_METHODS.includes(name) && !library) info.api = `response.${name}`;
  const first = args[0];
  if (ITERATION_METHODS.includes(name) && first && first.type !== 'SpreadElement') {
    info.iterate = { method: name, callbacks: values.valuesOf(first) };
  }
  const { candidates, exact } = values.methodCandidates(callee);
  if (exact || !library) info.candidates = candidates;
}

function applyBinding(
  info: CallInfo,
  binding: K6Binding,
  label: string,
  args: AnyNode[],
  values: ValueResolver,
): void {
  if (binding.kind === 'api') info.api = label;
  else if (binding.kind === 'check') {
    info.check = true;
    const sets = args[1];
    info.checkCallbacks =
      sets && sets.type !== 'SpreadElement' ? values.functionsInObject(sets) : [];
  } else if (binding.kind === 'group') {
    const fn = args[1];
    info.group = fn && fn.type !== 'SpreadElement' ? values.valuesOf(fn) : [];
  }
}

/** The function (and part of it) that contains `call`. */
function locate(
  call: Node,
  parents: ReadonlyMap<Node, AnyNode>,
  fns: ReadonlyMap<FunctionNode, FnInfo>,
): { owner: FnInfo | undefined; context: CallContext } {
  let child: Node = call;
  let parent = parents.get(call);
  while (parent) {
    if (isFunction(parent)) {
      return { owner: fns.get(parent), context: child === parent.body ? 'body' : 'params' };
    }
    if (parent.type === 'PropertyDefinition' && child === parent.value)
      return { owner: undefined, context: 'class-field' };
    if (parent.type === 'StaticBlock') return { owner: undefined, context: 'static-block' };
    child = parent;
    parent = parents.get(parent);
  }
  return { owner: undefined, context: 'top-level' };
}
