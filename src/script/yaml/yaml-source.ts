/**
 * A parsed YAML plan file: its plain value plus positions (file:line:column) of every node, found
 * by path when a problem needs one; syntax errors come out as problems with their positions.
 */

import { LineCounter, parseDocument } from 'yaml';
import type { InputPath, InputProblem } from '../../util/input-reader.js';
import { yamlPositionOf } from '../../util/yaml-position.js';

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
  positionOf(path: InputPath, atKey?: boolean): LineColumn | undefined;
}

/** Parses `text`; returns the source, or the syntax problems when the YAML does not parse. */
export function parseYamlSource(
  file: string,
  text: string,
): { source: YamlSource; problems: [] } | { source?: undefined; problems: InputProblem[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: true });
  if (doc.errors.length > 0) {
    const problems = doc.errors.map((error): InputProblem => {
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
  const positionOf = yamlPositionOf(doc, lineCounter);
  return { source: { file, text, value, positionOf }, problems: [] };
}
