/** Facts about each function of the module: its role (method, getter, ...), name and holder. */
import type { AnyNode, CallExpression, Node } from 'acorn';
import { type FunctionNode, propertyName } from './ast.js';

/** What the transform knows about one function. */
export interface FnInfo {
  node: FunctionNode;
  /** The object property, class method or class field whose value this function is. */
  holder?: AnyNode;
  /** Methods get `async` before their key; getters, setters and constructors cannot be async. */
  role: 'plain' | 'method' | 'getter' | 'setter' | 'constructor';
  /** A name for messages (`login`, `Api.login`, `arrow function`). */
  name: string;
  /** Set by the analysis: the function (transitively) calls a blocking API. */
  blocking: boolean;
  /** The first blocking call found in its body (for messages). */
  cause?: CallExpression;
  /** Declared in an npm package (not the user's own files). */
  library: boolean;
}

/** Builds a {@link FnInfo} for every function, keyed by its node. */
export function describeFunctions(
  functions: readonly FunctionNode[],
  parents: ReadonlyMap<Node, AnyNode>,
  isLibrary: (node: Node) => boolean,
): Map<FunctionNode, FnInfo> {
  const map = new Map<FunctionNode, FnInfo>();
  for (const node of functions) {
    const parent = parents.get(node);
    const info: FnInfo = {
      node,
      role: 'plain',
      name: nameOf(node, parent),
      blocking: false,
      library: isLibrary(node),
    };
    if (parent?.type === 'Property' && parent.value === node) {
      info.holder = parent;
      info.role =
        parent.kind === 'get'
          ? 'getter'
          : parent.kind === 'set'
            ? 'setter'
            : parent.method
              ? 'method'
              : 'plain';
    } else if (parent?.type === 'MethodDefinition') {
      info.holder = parent;
      info.role =
        parent.kind === 'get'
          ? 'getter'
          : parent.kind === 'set'
            ? 'setter'
            : parent.kind === 'constructor'
              ? 'constructor'
              : 'method';
    } else if (parent?.type === 'PropertyDefinition' && parent.value === node) {
      info.holder = parent;
    }
    map.set(node, info);
  }
  return map;
}

function nameOf(node: FunctionNode, parent: AnyNode | undefined): string {
  if (node.type !== 'ArrowFunctionExpression' && node.id) return node.id.name;
  if (parent?.type === 'VariableDeclarator' && parent.id.type === 'Identifier')
    return parent.id.name;
  if (parent?.type === 'AssignmentExpression' && parent.left.type === 'Identifier')
    return parent.left.name;
  if (
    parent?.type === 'Property' ||
    parent?.type === 'MethodDefinition' ||
    parent?.type === 'PropertyDefinition'
  ) {
    const name = propertyName(parent.key, parent.computed);
    if (name !== undefined) return name;
  }
  return node.type === 'ArrowFunctionExpression' ? 'arrow function' : 'anonymous function';
}
