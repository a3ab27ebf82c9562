/**
 * Which local functions an expression may evaluate to: `f` (a declaration or a const bound to a
 * function), a parameter (the functions passed at the call sites), `obj.m` (object literal or
 * class method), and, when the receiver is unknown, every user method named `m`.
 */
import type { AnyNode, CallExpression, MemberExpression, Node } from 'acorn';
import type { Variable } from 'eslint-scope';
import {
  type FunctionNode,
  isFunction,
  memberName,
  type ParsedModule,
  propertyName,
} from './ast.js';
import type { FnInfo } from './functions.js';
import type { ScopeInfo } from './scope.js';

/** Resolves expressions to the local functions they may denote. */
export class ValueResolver {
  readonly #parsed: ParsedModule;
  readonly #scopes: ScopeInfo;
  readonly #fns: ReadonlyMap<FunctionNode, FnInfo>;
  readonly #memo = new Map<Variable, FnInfo[]>();
  readonly #inProgress = new Set<Variable>();
  /** User-code methods by name: object literal properties, class methods and fields, `x.m = fn`. */
  readonly methodsByName = new Map<string, FnInfo[]>();
  /** Member calls by property name (call sites of methods, for parameter flows). */
  readonly #memberCalls = new Map<string, CallExpression[]>();

  constructor(parsed: ParsedModule, scopes: ScopeInfo, fns: ReadonlyMap<FunctionNode, FnInfo>) {
    this.#parsed = parsed;
    this.#scopes = scopes;
    this.#fns = fns;
    for (const info of fns.values()) this.#indexMethod(info);
    for (const call of parsed.calls) {
      const name = memberName(call.callee as AnyNode);
      if (name === undefined) continue;
      const list = this.#memberCalls.get(name);
      if (list) list.push(call);
      else this.#memberCalls.set(name, [call]);
    }
  }

  /** Local functions `node` may evaluate to (empty when unknown or not a function). */
  valuesOf(node: AnyNode): FnInfo[] {
    if (isFunction(node)) return [this.#fns.get(node)!];
    if (node.type === 'Identifier') {
      const variable = this.#scopes.resolve(node);
      return variable ? this.ofVariable(variable) : [];
    }
    if (node.type === 'MemberExpression') return this.methodCandidates(node).candidates;
    if (node.type === 'ConditionalExpression')
      return [...this.valuesOf(node.consequent), ...this.valuesOf(node.alternate)];
    if (node.type === 'LogicalExpression')
      return [...this.valuesOf(node.left), ...this.valuesOf(node.right)];
    if (node.type === 'SequenceExpression')
      return this.valuesOf(node.expressions[node.expressions.length - 1]!);
    // A call given an array of functions (`randomItem(flows)`) may return any of them.
    if (node.type === 'CallExpression') {
      const out: FnInfo[] = [];
      for (const arg of node.arguments) {
        if (arg.type === 'SpreadElement') continue;
        out.push(...(this.arrayElementValues(arg as AnyNode) ?? []));
      }
      return out;
    }
    // An array of functions (`const flows = [a, b]`): its elements, so `flows[i]()`,
    // `const f = flows[i]` and `for (const f of flows)` reach them. escape.ts checks that
    // the array's elements are only read where they can be awaited.
    if (node.type === 'ArrayExpression') {
      const out: FnInfo[] = [];
      for (const element of node.elements) {
        if (!element) continue;
        out.push(
          ...this.valuesOf(
            element.type === 'SpreadElement' ? (element.argument as AnyNode) : element,
          ),
        );
      }
      return out;
    }
    return [];
  }

  /**
   * The functions an array argument holds (`[a, b]`, or a never-reassigned variable set to an
   * array literal), undefined when `node` is not such an array.
   */
  arrayElementValues(node: AnyNode): FnInfo[] | undefined {
    const array = node.type === 'ArrayExpression' ? node : this.#constInit(node);
    return array?.type === 'ArrayExpression' ? this.valuesOf(array) : undefined;
  }

  /**
   * Functions held by the properties of a check set or other object argument: an object
   * literal, or a const holding one (`const checks = {...}; check(res, checks)`).
   */
  functionsInObject(node: AnyNode): FnInfo[] {
    if (node.type === 'ObjectExpression') return this.#propertyOf(node, undefined);
    if (node.type === 'Identifier') return this.#anyPropertyOf(node);
    return [];
  }

  /** Functions a variable may hold: its declaration, every value written to it, or its parameter flow. */
  ofVariable(variable: Variable): FnInfo[] {
    const memo = this.#memo.get(variable);
    if (memo) return memo;
    if (this.#inProgress.has(variable)) return [];
    this.#inProgress.add(variable);
    const result = new Set<FnInfo>();
    for (const def of variable.defs) {
      const node = def.node as unknown as AnyNode;
      if (def.type === 'FunctionName' && isFunction(node)) result.add(this.#fns.get(node)!);
      if (def.type === 'Parameter' && isFunction(node)) {
        for (const f of this.#parameterFlow(node, def.name as unknown as Node)) result.add(f);
      }
    }
    for (const ref of variable.references) {
      if (!ref.isWrite() || !ref.writeExpr) continue;
      for (const f of this.valuesOf(ref.writeExpr as unknown as AnyNode)) result.add(f);
    }
    this.#inProgress.delete(variable);
    const list = [...result];
    this.#memo.set(variable, list);
    return list;
  }

  /**
   * Methods a member expression `recv.m` may denote. `exact` is true when the receiver was
   * resolved (an object literal, a `new` of a local class, `this`); false for the by-name guess.
   */
  methodCandidates(member: MemberExpression): { candidates: FnInfo[]; exact: boolean } {
    const name = propertyName(member.property, member.computed);
    const receiver = member.object as AnyNode;
    if (name === undefined) return { candidates: this.#anyPropertyOf(receiver), exact: true };
    if (receiver.type === 'Identifier') {
      const variable = this.#scopes.resolve(receiver);
      if (!variable || this.#scopes.k6.has(variable)) return { candidates: [], exact: true };
      const callable = this.ofVariable(variable);
      if ((name === 'call' || name === 'apply') && callable.length > 0) {
        return { candidates: callable, exact: true };
      }
      const known = this.#receiverMethods(variable, name);
      if (known) return { candidates: known, exact: true };
    }
    const elements = this.#arrayElements(receiver);
    if (elements) {
      // `flows[i].run()` on `const flows = [{ run: a }, { run: b }]`: property `run` of each.
      const out: FnInfo[] = [];
      for (const element of elements) out.push(...this.#propertyOf(element, name));
      return { candidates: out, exact: true };
    }
    return { candidates: this.methodsByName.get(name) ?? [], exact: false };
  }

  /**
   * Methods `name` of what a variable holds when that is known: an object literal, a class (static
   * methods), an instance of a local class (`new Api()`), or a built-in value (`new Map()`, an
   * array, a k6 response), which has no user methods. Undefined when unknown.
   */
  #receiverMethods(variable: Variable, name: string): FnInfo[] | undefined {
    const def = variable.defs[0];
    if (variable.defs.length !== 1 || !def) return undefined;
    if (def.type === 'ClassName')
      return this.#classMethods(def.node as unknown as AnyNode, name, true);
    if (def.type !== 'Variable' || variable.references.some((r) => r.isWrite() && !r.init))
      return undefined;
    const init = (def.node as unknown as AnyNode & { init?: AnyNode | null }).init;
    if (!init) return undefined;
    if (init.type === 'ObjectExpression') return this.#propertyOf(init, name);
    if (init.type === 'ClassExpression') return this.#classMethods(init, name, true);
    if (
      init.type === 'ArrayExpression' ||
      init.type === 'Literal' ||
      init.type === 'TemplateLiteral'
    )
      return [];
    if (init.type === 'CallExpression' && this.#isK6Call(init.callee as AnyNode)) return []; // a response
    if (init.type !== 'NewExpression' || init.callee.type !== 'Identifier') return undefined;
    const cls = this.#localClass(init.callee);
    if (!cls) return this.#scopes.resolve(init.callee) ? undefined : []; // new Map(), new Date()...
    const found = this.#classMethods(cls, name, false);
    return found.length > 0 ? found : undefined;
  }

  /** `http.get`, `get`, `k6.group`...: a callee bound to a k6 import. */
  #isK6Call(callee: AnyNode): boolean {
    const head = callee.type === 'MemberExpression' ? (callee.object as AnyNode) : callee;
    const bound = head.type === 'Identifier' ? this.#scopes.resolve(head) : undefined;
    return bound !== undefined && this.#scopes.k6.has(bound);
  }

  /** The class node an identifier names, when it is a class of the module. */
  #localClass(identifier: AnyNode): AnyNode | undefined {
    const variable = this.#scopes.resolve(identifier);
    const def = variable?.defs[0];
    if (!def) return undefined;
    if (def.type === 'ClassName') return def.node as unknown as AnyNode;
    const init =
      def.type === 'Variable' ? (def.node as unknown as { init?: AnyNode | null }).init : undefined;
    return init?.type === 'ClassExpression' ? init : undefined;
  }

  /** Methods and function-valued fields `name` of a class and its local superclasses. */
  #classMethods(cls: AnyNode, name: string, isStatic: boolean, depth = 0): FnInfo[] {
    if ((cls.type !== 'ClassDeclaration' && cls.type !== 'ClassExpression') || depth > 20)
      return [];
    const out: FnInfo[] = [];
    for (const member of cls.body.body) {
      if (member.type !== 'MethodDefinition' && member.type !== 'PropertyDefinition') continue;
      if (member.static !== isStatic || propertyName(member.key, member.computed) !== name)
        continue;
      if (member.type === 'MethodDefinition' && member.kind !== 'method') continue;
      if (member.value) out.push(...this.valuesOf(member.value as AnyNode));
    }
    const parent =
      cls.superClass?.type === 'Identifier' ? this.#localClass(cls.superClass) : undefined;
    return out.length > 0 || !parent ? out : this.#classMethods(parent, name, isStatic, depth + 1);
  }

  /**
   * `steps[key]()`: every function-valued property of an object literal held by a const, or
   * every function element of an array literal held by a const (`flows[i]()`).
   */
  #anyPropertyOf(receiver: AnyNode): FnInfo[] {
    const init = this.#constInit(receiver);
    if (init?.type === 'ObjectExpression') return this.#propertyOf(init, undefined);
    if (init?.type === 'ArrayExpression') return this.valuesOf(init);
    return [];
  }

  /** The initializer of the variable an identifier names, when it is never reassigned. */
  #constInit(node: AnyNode): AnyNode | undefined {
    const variable = node.type === 'Identifier' ? this.#scopes.resolve(node) : undefined;
    const def = variable?.defs.length === 1 ? variable.defs[0] : undefined;
    if (def?.type !== 'Variable') return undefined;
    if (variable?.references.some((r) => r.isWrite() && !r.init)) return undefined;
    return (def.node as unknown as { init?: AnyNode | null }).init ?? undefined;
  }

  /**
   * The elements of an array literal an expression reads one element of: `flows[i]` with
   * `const flows = [...]`, or a variable set to such an element. Undefined otherwise.
   */
  #arrayElements(node: AnyNode): AnyNode[] | undefined {
    let target: AnyNode = node;
    if (target.type === 'Identifier') {
      const init = this.#constInit(target);
      if (!init) return undefined;
      target = init;
    }
    if (target.type !== 'MemberExpression' || !target.computed) return undefined;
    const array = this.#constInit(target.object as AnyNode);
    if (array?.type !== 'ArrayExpression') return undefined;
    return array.elements.filter(
      (e): e is NonNullable<typeof e> & AnyNode => e !== null && e.type !== 'SpreadElement',
    ) as AnyNode[];
  }

  /** Functions held by property `name` of an object literal (every property when undefined). */
  #propertyOf(literal: AnyNode, name: string | undefined): FnInfo[] {
    if (literal.type !== 'ObjectExpression') return [];
    const out: FnInfo[] = [];
    for (const prop of literal.properties) {
      if (prop.type !== 'Property') continue;
      if (name !== undefined && propertyName(prop.key, prop.computed) !== name) continue;
      out.push(...this.valuesOf(prop.value as AnyNode));
    }
    return out;
  }

  /** Functions passed as argument `index` at the call sites of `fn` (direct calls and IIFEs). */
  #parameterFlow(fn: FunctionNode, param: Node): FnInfo[] {
    // npm code is not followed: a callback passed to it is reported instead (see escape.ts).
    if (this.#fns.get(fn)?.library) return [];
    const index = fn.params.findIndex(
      (p) => (p.type === 'AssignmentPattern' ? p.left : p).start === param.start,
    );
    if (index < 0) return [];
    const out: FnInfo[] = [];
    for (const call of this.callSitesOf(fn)) {
      const arg = call.arguments[index] as AnyNode | undefined;
      if (arg && arg.type !== 'SpreadElement') out.push(...this.valuesOf(arg));
    }
    return out;
  }

  /** Calls that may invoke `fn`: through its variables, as an IIFE, or as a method by name. */
  callSitesOf(fn: FunctionNode): CallExpression[] {
    const sites: CallExpression[] = [];
    const parent = this.#parsed.parents.get(fn);
    if (parent?.type === 'CallExpression' && parent.callee === fn) sites.push(parent);
    const holderVariables =
      fn.type === 'FunctionDeclaration'
        ? this.#scopes.declared(fn)
        : parent?.type === 'VariableDeclarator'
          ? this.#scopes.declared(parent)
          : [];
    for (const variable of holderVariables) {
      for (const ref of variable.references) {
        const use = this.#parsed.parents.get(ref.identifier as unknown as Node);
        if (use?.type === 'CallExpression' && use.callee === (ref.identifier as unknown))
          sites.push(use);
      }
    }
    const info = this.#fns.get(fn);
    if (info?.holder) {
      const name = propertyName(
        (info.holder as { key: Node }).key,
        (info.holder as { computed: boolean }).computed,
      );
      if (name !== undefined) sites.push(...(this.#memberCalls.get(name) ?? []));
    }
    return sites;
  }

  #indexMethod(info: FnInfo): void {
    if (info.library || info.role === 'getter' || info.role === 'setter') return;
    let name: string | undefined;
    if (info.holder) {
      const holder = info.holder as AnyNode & { key: Node; computed: boolean };
      name = propertyName(holder.key, holder.computed);
    } else {
      // `obj.m = function () {...}` and `Proto.prototype.m = () => ...`
      const parent = this.#parsed.parents.get(info.node);
      if (parent?.type === 'AssignmentExpression' && parent.right === info.node)
        name = memberName(parent.left as AnyNode);
    }
    if (name === undefined) return;
    const list = this.methodsByName.get(name);
    if (list) list.push(info);
    else this.methodsByName.set(name, [info]);
  }
}
