/**
 * Scope facts for the k6 transform (eslint-scope): which variable an identifier refers to, and
 * which variables are bound to k6 modules or their blocking functions.
 */
import type { AnyNode, Identifier, Node, Program } from 'acorn';
import { analyze, type Reference, type ScopeManager, type Variable } from 'eslint-scope';
import type * as ESTree from 'estree';
import { isBlockingApi, isBlockingMethod, isGroupApi } from './blocking-apis.js';

/** What a variable bound to a k6 import is. */
export type K6Binding =
  | { kind: 'module'; specifier: string }
  | { kind: 'api'; specifier: string; name: string }
  | { kind: 'group' }
  | { kind: 'check' }
  | { kind: 'other'; specifier: string; name: string }
  /** An object made with `new` from a k6 class (`const client = new grpc.Client()`). */
  | { kind: 'instance'; specifier: string; className: string };

/** Resolved scopes of a module. */
export interface ScopeInfo {
  manager: ScopeManager;
  /** The variable a reference identifier resolves to (undefined for globals and non-references). */
  resolve(identifier: Node): Variable | undefined;
  /** Variables declared by a declaration node (function, declarator, class, import specifier). */
  declared(node: Node): Variable[];
  /** k6 import bindings (and aliases such as `const { get } = http`). */
  k6: Map<Variable, K6Binding>;
}

/**
 * Analyses scopes and finds k6 bindings. `moduleOf` maps an import source (as written in the
 * code) to a k6 module specifier (`k6/http`), or undefined when it is not a k6 module.
 */
export function analyzeScopes(
  program: Program,
  moduleOf: (source: string) => string | undefined,
): ScopeInfo {
  const manager = analyze(program as unknown as ESTree.Program, {
    ecmaVersion: 2022,
    sourceType: 'module',
  });
  const references = new Map<Node, Reference>();
  for (const scope of manager.scopes) {
    for (const ref of scope.references) references.set(ref.identifier as unknown as Node, ref);
  }
  const info: ScopeInfo = {
    manager,
    resolve: (identifier) => references.get(identifier)?.resolved ?? undefined,
    declared: (node) => manager.getDeclaredVariables(node as unknown as ESTree.Node),
    k6: new Map(),
  };
  for (const statement of program.body) {
    if (statement.type !== 'ImportDeclaration' || typeof statement.source.value !== 'string')
      continue;
    const specifier = moduleOf(statement.source.value);
    if (specifier === undefined) continue;
    for (const spec of statement.specifiers) {
      const variable = info.declared(spec)[0];
      if (!variable) continue;
      if (spec.type !== 'ImportSpecifier') {
        info.k6.set(variable, { kind: 'module', specifier });
        continue;
      }
      const imported =
        spec.imported.type === 'Identifier' ? spec.imported.name : String(spec.imported.value);
      info.k6.set(variable, bindingFor(specifier, imported));
    }
  }
  addAliases(info);
  return info;
}

/** The k6 instance a receiver refers to (`client` in `client.invoke()`), if its methods may block. */
export function instanceBinding(
  node: AnyNode,
  info: ScopeInfo,
): { specifier: string; className: string } | undefined {
  if (node.type !== 'Identifier') return undefined;
  const variable = info.resolve(node);
  const binding = variable ? info.k6.get(variable) : undefined;
  return binding?.kind === 'instance' ? binding : undefined;
}

/** True when `receiver.method()` is a blocking method of a k6 instance. */
export function isBlockingInstanceCall(node: AnyNode, method: string, info: ScopeInfo): boolean {
  const instance = instanceBinding(node, info);
  return instance !== undefined && isBlockingMethod(instance.specifier, instance.className, method);
}

/** The binding of export `name` of k6 module `specifier`. */
export function bindingFor(specifier: string, name: string): K6Binding {
  if (name === 'default') return { kind: 'module', specifier };
  if (isBlockingApi(specifier, name)) return { kind: 'api', specifier, name };
  if (isGroupApi(specifier, name)) return { kind: 'group' };
  if (specifier === 'k6' && name === 'check') return { kind: 'check' };
  return { kind: 'other', specifier, name };
}

/** `const get = http.get` and `const { get, post: p } = http` bind aliases of k6 functions. */
function addAliases(info: ScopeInfo): void {
  for (const scope of info.manager.scopes) {
    for (const variable of scope.variables) {
      const def = variable.defs[0];
      if (def?.type !== 'Variable' || variable.defs.length !== 1) continue;
      if (variable.references.some((r) => r.isWrite() && !r.init)) continue;
      const declarator = def.node as unknown as AnyNode;
      if (declarator.type !== 'VariableDeclarator' || !declarator.init) continue;
      const binding = aliasBinding(
        declarator.id,
        declarator.init,
        def.name as unknown as Identifier,
        info,
      );
      if (binding) info.k6.set(variable, binding);
    }
  }
}

function aliasBinding(
  id: AnyNode,
  init: AnyNode,
  name: Identifier,
  info: ScopeInfo,
): K6Binding | undefined {
  if (id.type === 'Identifier' && init.type === 'NewExpression') return instanceOf(init, info);
  if (id.type === 'Identifier' && init.type === 'MemberExpression' && !init.computed) {
    const module = moduleBinding(init.object, info);
    if (module && init.property.type === 'Identifier')
      return bindingFor(module, init.property.name);
  }
  if (id.type === 'ObjectPattern') {
    const module = moduleBinding(init, info);
    if (!module) return undefined;
    for (const prop of id.properties) {
      if (prop.type !== 'Property') continue;
      const target = prop.value.type === 'AssignmentPattern' ? prop.value.left : prop.value;
      if (target.start !== name.start) continue;
      if (prop.key.type === 'Identifier' && !prop.computed)
        return bindingFor(module, prop.key.name);
    }
  }
  return undefined;
}

/** The k6 module specifier an expression refers to (`http` in `http.get`), if any. */
export function moduleBinding(node: AnyNode, info: ScopeInfo): string | undefined {
  if (node.type !== 'Identifier') return undefined;
  const variable = info.resolve(node);
  const binding = variable ? info.k6.get(variable) : undefined;
  return binding?.kind === 'module' ? binding.specifier : undefined;
}

/** `new grpc.Client()` or `new Client()` (imported from a k6 module): the instance binding. */
function instanceOf(
  init: AnyNode & { type: 'NewExpression' },
  info: ScopeInfo,
): K6Binding | undefined {
  const callee = init.callee as AnyNode;
  if (
    callee.type === 'MemberExpression' &&
    !callee.computed &&
    callee.property.type === 'Identifier'
  ) {
    const module = moduleBinding(callee.object as AnyNode, info);
    if (module) return { kind: 'instance', specifier: module, className: callee.property.name };
  }
  if (callee.type === 'Identifier') {
    const variable = info.resolve(callee);
    const binding = variable ? info.k6.get(variable) : undefined;
    if (binding?.kind === 'other') {
      return { kind: 'instance', specifier: binding.specifier, className: binding.name };
    }
  }
  return undefined;
}
