/**
 * Writes generated JavaScript line by line, each line tied to the YAML position it came from, and
 * produces the source map (generated module -> plan file) esbuild carries into the bundle, so
 * stack traces of generated code point at the plan's own lines.
 */
import { encode, type SourceMapSegment } from '@jridgewell/sourcemap-codec';
import type { EncodedSourceMap } from '@jridgewell/trace-mapping';

/** A 1-based position in the plan file. */
export interface CodePosition {
  line: number;
  column: number;
}

/** Accumulates indented lines and their plan positions. */
export class CodeWriter {
  readonly #lines: string[] = [];
  readonly #positions: Array<CodePosition | undefined> = [];
  #indent = 0;
  #at: CodePosition | undefined;

  /** Emits one line (at the current position, if any). */
  line(text: string): void {
    const pad = '  '.repeat(this.#indent);
    for (const part of text.split('\n')) {
      this.#lines.push(pad + part);
      this.#positions.push(this.#at);
    }
  }

  /** Emits a line and indents what follows. */
  open(text: string): void {
    this.line(text);
    this.#indent++;
  }

  /** Outdents and emits a line. */
  close(text = '}'): void {
    this.#indent = Math.max(0, this.#indent - 1);
    this.line(text);
  }

  /** Runs `emit` with every line it writes tied to `position`. */
  at(position: CodePosition | undefined, emit: () => void): void {
    const previous = this.#at;
    this.#at = position ?? previous;
    try {
      emit();
    } finally {
      this.#at = previous;
    }
  }

  /** The code, ending with a `sourceMappingURL` comment naming `mapFileName`. */
  code(mapFileName: string): string {
    return `${this.#lines.join('\n')}\n//# sourceMappingURL=${mapFileName}\n`;
  }

  /** The source map of the code to `sourceFile` (absolute path) with its text inlined. */
  sourceMap(generatedFile: string, sourceFile: string, sourceText: string): EncodedSourceMap {
    const mappings: SourceMapSegment[][] = this.#positions.map((position, i) => {
      if (!position) return [];
      const indent = /^\s*/.exec(this.#lines[i] ?? '')?.[0].length ?? 0;
      return [[indent, 0, position.line - 1, position.column - 1]];
    });
    return {
      version: 3,
      file: generatedFile,
      names: [],
      sources: [sourceFile],
      sourcesContent: [sourceText],
      mappings: encode(mappings),
    };
  }
}
