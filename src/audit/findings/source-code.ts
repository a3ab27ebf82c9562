/**
 * The user's own code behind each finding: the lines around its call site (file:line, a few lines
 * of context, secrets and key-like literals redacted as every source line Redline shows), or why
 * they could not be read; and, where the rule knows how (code-rewrites.ts), the same lines
 * rewritten, which replaces the rule's generic example.
 */
import { readFileSync } from 'node:fs';
import { extname, isAbsolute, join } from 'node:path';
import type { Finding, FindingCode, SourceLine } from '../../findings/finding.js';
import { redactSourceLine, redactText } from '../../util/redact.js';
import { rewriteFindingCode } from './code-rewrites.js';

/** Lines shown before and after the finding's line. */
export const SOURCE_CONTEXT_LINES = 3;

const LANGUAGES: Record<string, string> = {
  '.ts': 'ts',
  '.tsx': 'tsx',
  '.mts': 'ts',
  '.cts': 'ts',
  '.js': 'js',
  '.jsx': 'jsx',
  '.mjs': 'js',
  '.cjs': 'js',
  '.py': 'python',
  '.go': 'go',
  '.java': 'java',
  '.kt': 'kotlin',
  '.rb': 'ruby',
};

/** A location Redline can read: a path, not a runtime-internal module or a URL. */
function isReadablePath(file: string): boolean {
  return !/^(?:node:|internal\/|https?:|wasm:|<)/.test(file) && !file.startsWith('(');
}

type FileText = { lines: string[] } | { error: string };

function readLines(path: string, cache: Map<string, FileText>): FileText {
  let text = cache.get(path);
  if (!text) {
    try {
      text = { lines: readFileSync(path, 'utf8').split(/\r?\n/) };
    } catch (e) {
      text = { error: (e as NodeJS.ErrnoException).code ?? (e as Error).message };
    }
    cache.set(path, text);
  }
  return text;
}

/**
 * Adds `code` (and, when a rewrite is known, `recommendation.diff` on those lines) to every
 * finding located at a file and line. `root` is the folder relative paths are read from (the
 * target's working directory); `secrets` are removed from every line shown.
 */
export function attachSourceCode(
  findings: readonly Finding[],
  root: string,
  secrets: readonly string[] = [],
): Finding[] {
  const cache = new Map<string, FileText>();
  const redact = (line: string) => redactText(redactSourceLine(line), { secrets });
  return findings.map((f): Finding => {
    const { file, line } = f.location ?? {};
    if (!file || !line || !isReadablePath(file)) return f;
    const language = LANGUAGES[extname(file).toLowerCase()];
    const base: FindingCode = { file, line, ...(language ? { language } : {}) };
    const text = readLines(isAbsolute(file) ? file : join(root, file), cache);
    if ('error' in text)
      return { ...f, code: { ...base, unreadable: `cannot read ${file} (${text.error})` } };
    if (line > text.lines.length)
      return {
        ...f,
        code: {
          ...base,
          unreadable: `line ${line} is past the end of ${file} (${text.lines.length} lines): the file changed since the run`,
        },
      };
    const from = Math.max(1, line - SOURCE_CONTEXT_LINES);
    const to = Math.min(text.lines.length, line + SOURCE_CONTEXT_LINES);
    const lines: SourceLine[] = [];
    for (let n = from; n <= to; n++) lines.push({ line: n, text: redact(text.lines[n - 1] ?? '') });
    const out: Finding = { ...f, code: { ...base, lines } };
    const rewrite = rewriteFindingCode(f, text.lines, line);
    if (rewrite) {
      out.recommendation = {
        ...f.recommendation,
        diff: {
          before: rewrite.before.map(redact).join('\n'),
          after: rewrite.after.map(redact).join('\n'),
          ...(language ? { language } : {}),
          file,
          line: rewrite.firstLine,
        },
      };
    }
    return out;
  });
}
