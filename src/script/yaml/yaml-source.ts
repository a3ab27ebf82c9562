/**
 * A parsed YAML plan file: its plain value plus positions (file:line:column) of every node, found
 * by path when a problem needs one; syntax errors come out as problems with their positions.
 */
import {
  type Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseDocument,
} from 'yaml';
import type { YamlPath } from './model.js';
import type { YamlProblem } from './plan-problems.js';

/** A 1-based line and column in the plan file. */
export interface LineColumn {
  line: number;
  column: number;
}

/** The plan file's text, value and positions. */
export interface YamlSource {
  /** Absolute path of the plan file. */
  file: string;
  text: string;
  /** The document as plain data (aliases resolved). */
  value: unknown;
  /**
   * Position of the node at `path` (of its key when `atKey`); the deepest existing ancestor when
   * the path goes further than the document.
   */
  positionOf(path: YamlPath, atKey?: boolean): LineColumn | undefined;
}

/** Parses `text`; returns the source, or the syntax problems when the YAML does not parse. */
export function parseYamlSource(
  file: string,
  text: string,
): { source: YamlSource; problems: [] } | { source?: undefined; problems: YamlProblem[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: true });
  if (doc.errors.length > 0) {
    const problems = doc.errors.map((error): YamlProblem => {
      const at = error.linePos?.[0];
      const message = (error.message.split('\n')[0] ?? error.message)
        .replace(/ at line \d+, column \d+:?$/, '')
        .trim();
      return {
        path: [],
        message: `YAML syntax: ${message}`,
        ...(at ? { position: { line: at.line, column: at.col } } : {}),
      };
    });
    return { problems };
  }
  const value = doc.toJS({ maxAliasCount: 1000 }) as unknown;
  const toPosition = (offset: number): LineColumn => {
    const pos = lineCounter.linePos(offset);
    return { line: pos.line, column: pos.col };
  };
  const positionOf = (path: YamlPath, atKey = false): LineColumn | undefined => {
    let node = resolve(doc.contents as Node | null, doc);
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
        next = resolve(pair.value as Node | null, doc);
        if (!next && key.range) return toPosition(key.range[0]);
      } else if (isSeq(node) && typeof segment === 'number') {
        next = resolve(node.items[segment] as Node | null | undefined, doc);
      }
      if (!next) break;
      node = next;
      if (node.range) position = toPosition(node.range[0]);
    }
    return position;
  };
  return { source: { file, text, value, positionOf }, problems: [] };
}

function resolve(node: Node | null | undefined, doc: Document): Node | undefined {
  let current = node ?? undefined;
  for (let hops = 0; current && isAlias(current) && hops < 20; hops++) {
    current = current.resolve(doc) as Node | undefined;
  }
  return current;
}
