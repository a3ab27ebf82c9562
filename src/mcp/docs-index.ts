/**
 * Full-text search over Redline's own documentation (docs/*.md and the README), built once when
 * the server starts from the files shipped in the package: each section (a heading and its text)
 * is a document, ranked with BM25. No network, no external index.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package's docs folder and README (works from src/ and dist/). */
export const DOCS_DIR = fileURLToPath(new URL('../../docs/', import.meta.url));
const README = fileURLToPath(new URL('../../README.md', import.meta.url));

/** One section of one document. */
export interface DocSection {
  /** File name relative to the package (`docs/profiling.md`, `README.md`). */
  file: string;
  /** Heading path, e.g. `Profiling › Attaching to a running process`. */
  heading: string;
  /** GitHub-style anchor of the heading. */
  anchor: string;
  text: string;
}

/** A search hit. */
export interface DocHit extends Omit<DocSection, 'text'> {
  score: number;
  /** A few lines around the first matching term. */
  snippet: string;
}

const K1 = 1.2;
const B = 0.75;

function tokens(text: string): string[] {
  return text.toLowerCase().match(/[a-z0-9_]+(?:\.[a-z0-9_]+)*/g) ?? [];
}

function anchorOf(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^a-z0-9 _-]/g, '')
    .trim()
    .replace(/\s+/g, '-');
}

/** Splits Markdown into sections at headings (fenced code blocks are not headings). */
export function splitSections(file: string, markdown: string): DocSection[] {
  const sections: DocSection[] = [];
  const path: string[] = [];
  let current: { heading: string; anchor: string; lines: string[] } = {
    heading: file,
    anchor: '',
    lines: [],
  };
  let fenced = false;
  const flush = () => {
    const text = current.lines.join('\n').trim();
    if (text) sections.push({ file, heading: current.heading, anchor: current.anchor, text });
  };
  for (const line of markdown.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    const match = fenced ? null : /^(#{1,4})\s+(.*)$/.exec(line);
    if (match) {
      flush();
      const level = (match[1] as string).length;
      const title = (match[2] as string).trim();
      path.length = level - 1;
      path[level - 1] = title;
      current = { heading: path.filter(Boolean).join(' › '), anchor: anchorOf(title), lines: [] };
    } else {
      current.lines.push(line);
    }
  }
  flush();
  return sections;
}

/** A BM25 index of sections. */
export class DocsIndex {
  readonly sections: DocSection[];
  readonly #terms: Array<Map<string, number>>;
  readonly #lengths: number[];
  readonly #df = new Map<string, number>();
  readonly #avgLength: number;

  constructor(sections: DocSection[]) {
    this.sections = sections;
    this.#terms = sections.map((s) => {
      const counts = new Map<string, number>();
      // Headings weigh more: they say what the section is about.
      for (const t of [...tokens(s.heading), ...tokens(s.heading), ...tokens(s.text)])
        counts.set(t, (counts.get(t) ?? 0) + 1);
      for (const t of counts.keys()) this.#df.set(t, (this.#df.get(t) ?? 0) + 1);
      return counts;
    });
    this.#lengths = this.#terms.map((m) => [...m.values()].reduce((a, b) => a + b, 0));
    this.#avgLength = this.#lengths.reduce((a, b) => a + b, 0) / Math.max(1, this.#lengths.length);
  }

  /** The best `limit` sections for `query` (every section containing at least one term). */
  search(query: string, limit = 5): DocHit[] {
    const terms = [...new Set(tokens(query))];
    const n = this.sections.length;
    const scored: Array<{ i: number; score: number }> = [];
    this.#terms.forEach((counts, i) => {
      let score = 0;
      for (const term of terms) {
        const tf = counts.get(term);
        if (!tf) continue;
        const df = this.#df.get(term) ?? 0;
        const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
        const length = this.#lengths[i] as number;
        score += idf * ((tf * (K1 + 1)) / (tf + K1 * (1 - B + (B * length) / this.#avgLength)));
      }
      if (score > 0) scored.push({ i, score });
    });
    scored.sort((a, b) => b.score - a.score);
    return scored.slice(0, limit).map(({ i, score }) => {
      const s = this.sections[i] as DocSection;
      return {
        file: s.file,
        heading: s.heading,
        anchor: s.anchor,
        score: Math.round(score * 100) / 100,
        snippet: snippetOf(s.text, terms),
      };
    });
  }

  /** The whole text of the section at `file#anchor` (or of every section of `file`). */
  read(file: string, anchor?: string): string | undefined {
    const parts = this.sections.filter(
      (s) => s.file === file && (anchor === undefined || s.anchor === anchor),
    );
    if (parts.length === 0) return undefined;
    return parts.map((s) => `## ${s.heading}\n\n${s.text}`).join('\n\n');
  }
}

function snippetOf(text: string, terms: readonly string[]): string {
  const lines = text.split('\n');
  const at = lines.findIndex((l) => tokens(l).some((t) => terms.includes(t)));
  const from = Math.max(0, at - 1);
  const snippet = lines
    .slice(from, from + 6)
    .join('\n')
    .trim();
  return snippet.length > 600 ? `${snippet.slice(0, 600)}…` : snippet;
}

/** The Markdown files of the package: docs/*.md and README.md, as `[relative name, path]`. */
export function docFiles(): Array<[string, string]> {
  const files: Array<[string, string]> = existsSync(DOCS_DIR)
    ? readdirSync(DOCS_DIR)
        .filter((f) => f.endsWith('.md'))
        .sort()
        .map((f) => [`docs/${f}`, join(DOCS_DIR, f)])
    : [];
  if (existsSync(README)) files.push([basename(README), README]);
  return files;
}

let shared: DocsIndex | undefined;

/** The index of the package's docs, built on first use. */
export function docsIndex(): DocsIndex {
  shared ??= new DocsIndex(
    docFiles().flatMap(([name, path]) => splitSections(name, readFileSync(path, 'utf8'))),
  );
  return shared;
}
