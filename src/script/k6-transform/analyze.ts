/**
 * The core of the k6 transform: which functions must become async. A function is blocking when
 * its body calls a blocking k6 API, a blocking local function, `group` with a blocking callback,
 * or an array method with a blocking callback; the set grows to a fixpoint (a worklist over the
 * reverse call edges, O(calls + functions)). Calls in places that cannot await are problems.
 */
import type { Node } from 'acorn';
import type { CallInfo } from './calls.js';
import type { FnInfo } from './functions.js';

/** Something the transform cannot make async, at a node of the bundle. */
export interface TransformIssue {
  node: Node;
  message: string;
}

/** Marks blocking calls and functions in place (`blocking` flags) and returns the blocking functions. */
export function propagateBlocking(calls: readonly CallInfo[]): FnInfo[] {
  const dependents = new Map<FnInfo, CallInfo[]>();
  const link = (fn: FnInfo, call: CallInfo): void => {
    const list = dependents.get(fn);
    if (list) list.push(call);
    else dependents.set(fn, [call]);
  };
  for (const call of calls) {
    for (const fn of call.candidates) link(fn, call);
    for (const fn of call.group ?? []) link(fn, call);
    for (const fn of call.checkCallbacks ?? []) link(fn, call);
    for (const fn of call.iterate?.callbacks ?? []) link(fn, call);
  }
  const blocking: FnInfo[] = [];
  const queue: FnInfo[] = [];
  const mark = (call: CallInfo): void => {
    if (call.blocking) return;
    call.blocking = true;
    const owner = call.owner;
    // A function the user already wrote as async keeps its contract (it returns a promise its
    // callers handle as they see fit): only the calls inside it get awaited.
    if (owner && !owner.blocking && !owner.node.async && call.context === 'body') {
      owner.blocking = true;
      owner.cause = call.node;
      blocking.push(owner);
      queue.push(owner);
    }
  };
  for (const call of calls) if (call.api !== undefined) mark(call);
  for (let fn = queue.pop(); fn; fn = queue.pop()) {
    for (const call of dependents.get(fn) ?? []) mark(call);
  }
  return blocking;
}

/** Blocking calls that sit where `await` is impossible or would change the program's meaning. */
export function callPlacementIssues(calls: readonly CallInfo[]): TransformIssue[] {
  const issues: TransformIssue[] = [];
  for (const call of calls) {
    if (!call.blocking) continue;
    const what = describeCall(call);
    const where = placementProblem(call);
    if (where) issues.push({ node: call.node, message: `${what} ${where}` });
    else if (call.iterate && isOptionalCall(call)) {
      issues.push({
        node: call.node,
        message: `${what}: an optional call (?.) of ${call.iterate.method} with a blocking callback is not rewritten; drop the "?."`,
      });
    }
  }
  return issues;
}

function placementProblem(call: CallInfo): string | undefined {
  switch (call.context) {
    case 'top-level':
      return 'runs at the top level of a module (the init context), where k6 does not allow requests or sleeps either; move it into setup() or the default function';
    case 'params':
      return 'is in a default parameter value, which cannot be awaited; move it into the function body';
    case 'class-field':
      return 'is in a class field initializer, which cannot be awaited; set the field in an async method instead';
    case 'static-block':
      return 'is in a class static block, which cannot be awaited';
  }
  const owner = call.owner;
  if (!owner) return undefined;
  if (owner.role === 'getter' || owner.role === 'setter') {
    return `is inside the ${owner.role} "${owner.name}", which cannot be async; make it a method`;
  }
  if (owner.role === 'constructor') {
    return 'is inside a class constructor, which cannot be async; move the call into an async method (e.g. init())';
  }
  if (owner.node.generator && !owner.node.async) {
    return `is inside the generator "${owner.name}"; generators cannot be made async without changing their meaning`;
  }
  return undefined;
}

function isOptionalCall(call: CallInfo): boolean {
  const callee = call.node.callee as Node & { optional?: boolean };
  return call.node.optional || callee.optional === true;
}

/** `http.get(...)`, `group("x", ...)` or `login(...)` for messages, with the reason it blocks. */
export function describeCall(call: CallInfo): string {
  if (call.api !== undefined) return `the blocking call ${call.api}()`;
  if (call.group) return 'group() with a callback that makes blocking calls';
  if (call.check) return 'check() with a predicate that makes blocking calls';
  if (call.iterate) return `${call.iterate.method}() with a callback that makes blocking calls`;
  const target = call.candidates.find((f) => f.blocking);
  return target ? `the call of "${target.name}" (which makes blocking calls)` : 'a blocking call';
}
