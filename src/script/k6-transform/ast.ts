/** AST plumbing for the k6 transform: parsing with acorn, a parent map, and node helpers. */
import {
  type AnyNode,
  type ArrowFunctionExpression,
  type CallExpression,
  type FunctionDeclaration,
  type FunctionExpression,
  type Node,
  type Program,
  parse,
} from 'acorn';
import { fullAncestor } from 'acorn-walk';

/** A function of any syntax: declaration, expression (incl. methods) or arrow. */
export type FunctionNode = FunctionDeclaration | FunctionExpression | ArrowFunctionExpression;

/** A parsed module with each node's parent and every function and call, in source order. */
export interface ParsedModule {
  program: Program;
  parents: Map<Node, AnyNode>;
  functions: FunctionNode[];
  calls: CallExpression[];
}

/** Parses an ES module (the bundle esbuild wrote) and indexes it in one walk. */
export function parseModule(code: string): ParsedModule {
  const program = parse(code, {
    ecmaVersion: 'latest',
    sourceType: 'module',
    locations: true,
    ranges: true,
  });
  const parents = new Map<Node, AnyNode>();
  const functions: FunctionNode[] = [];
  const calls: CallExpression[] = [];
  fullAncestor(program, (node, _state, ancestors) => {
    const parent = ancestors[ancestors.length - 2];
    if (parent) parents.set(node, parent as AnyNode);
    if (isFunction(node)) functions.push(node);
    else if (node.type === 'CallExpression') calls.push(node as CallExpression);
  });
  return { program, parents, functions, calls };
}

/** True for function declarations, function expressions and arrows. */
export function isFunction(node: Node | null | undefined): node is FunctionNode {
  const t = node?.type;
  return (
    t === 'FunctionDeclaration' || t === 'FunctionExpression' || t === 'ArrowFunctionExpression'
  );
}

/** The name of a non-computed property key (`a`, `'a'`, `#a`), else undefined. */
export function propertyName(key: Node, computed: boolean): string | undefined {
  const k = key as AnyNode;
  if (k.type === 'Identifier' && !computed) return k.name;
  if (k.type === 'PrivateIdentifier') return `#${k.name}`;
  if (k.type === 'Literal' && typeof k.value === 'string') return k.value;
  return undefined;
}

/** The name of a member expression's property (`a.b` -> b, `a['b']` -> b), else undefined. */
export function memberName(node: AnyNode): string | undefined {
  if (node.type !== 'MemberExpression') return undefined;
  return propertyName(node.property, node.computed);
}

/** Skips `ChainExpression` wrappers upward: the node whose parent is the real context. */
export function outermost(node: AnyNode, parents: ReadonlyMap<Node, AnyNode>): AnyNode {
  let current = node;
  for (;;) {
    const parent = parents.get(current);
    if (parent?.type === 'ChainExpression') current = parent;
    else return current;
  }
}

/** Short source text of a node for messages (first line, at most 60 characters). */
export function snippet(code: string, node: Node): string {
  const text = code.slice(node.start, node.end).split('\n')[0] ?? '';
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
