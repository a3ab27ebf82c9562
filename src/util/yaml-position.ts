/** The one way to find where a path of a parsed YAML document sits (line and column), for problems. */
import { type Document, isAlias, isMap, isScalar, isSeq, type LineCounter, type Node } from 'yaml';
import type { InputPath, InputPosition } from './input-reader.js';

/** Finds the position of a path (of its key when `atKey`); undefined when the document has none. */
export type PositionOf = (path: InputPath, atKey?: boolean) => InputPosition | undefined;

/**
 * The locator of a document parsed with `lineCounter`: the position of the node at `path` (of its
 * key when `atKey`), or of the deepest existing ancestor when the path goes further than the
 * document. Aliases are followed.
 */
export function yamlPositionOf(doc: Document, lineCounter: LineCounter): PositionOf {
  const toPosition = (offset: number): InputPosition => {
    const pos = lineCounter.linePos(offset);
    return { line: pos.line, column: pos.col };
  };
  return (path, atKey = false) => {
    let node = resolveAlias(doc.contents as Node | null, doc);
    if (!node) return undefined;
    let position = node.range ? toPosition(node.range[0]) : undefined;
    for (let i = 0; i < path.length; i++) {
      const segment = path[i];
      const last = i === path.length - 1;
      let next: Node | null | undefined;
      if (isMap(node)) {
        const pair = node.items.find(
          (p) => isScalar(p.key) && String(p.key.value) === String(segment),
        );
        if (!pair) break;
        const key = pair.key as Node;
        if (last && atKey && key.range) return toPosition(key.range[0]);
        next = resolveAlias(pair.value as Node | null, doc);
        if (!next && key.range) return toPosition(key.range[0]);
      } else if (isSeq(node) && typeof segment === 'number') {
        next = resolveAlias(node.items[segment] as Node | null | undefined, doc);
      }
      if (!next) break;
      node = next;
      if (node.range) position = toPosition(node.range[0]);
    }
    return position;
  };
}

function resolveAlias(node: Node | null | undefined, doc: Document): Node | undefined {
  let current = node ?? undefined;
  for (let hops = 0; current && isAlias(current) && hops < 20; hops++) {
    current = current.resolve(doc) as Node | undefined;
  }
  return current;
}
