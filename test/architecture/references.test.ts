/**
 * Citations resolve: every `[ref: <id>]` in code and docs names an entry of docs/references.md, and
 * the old citations ("the seed", "[P]") are gone; a new one anywhere fails.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const REFERENCES = join(ROOT, 'docs/references.md');

function filesUnder(dir: string, pattern: RegExp): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules' && entry.name !== 'fixtures')
        out.push(...filesUnder(path, pattern));
    } else if (pattern.test(entry.name)) out.push(path);
  }
  return out;
}

const SOURCES = [
  ...filesUnder(join(ROOT, 'src'), /\.ts$/),
  ...filesUnder(join(ROOT, 'test'), /\.(ts|js)$/),
  ...filesUnder(join(ROOT, 'bench'), /\.(mjs|js|md)$/),
  ...filesUnder(join(ROOT, 'examples'), /\.(ts|js|ya?ml|md)$/),
  ...filesUnder(join(ROOT, 'docs'), /\.md$/),
  join(ROOT, 'README.md'),
];

describe('docs/references.md', () => {
  it('has an entry for every [ref: <id>] cited in code and docs', () => {
    const entries = new Set(
      [...readFileSync(REFERENCES, 'utf8').matchAll(/^### ([a-z0-9-]+)$/gm)].map((m) => m[1]),
    );
    const cited = new Map<string, string>();
    for (const file of SOURCES)
      for (const m of readFileSync(file, 'utf8').matchAll(/\[ref: ([a-z0-9-]+)\]/g))
        cited.set(m[1] as string, relative(ROOT, file));
    expect(cited.size).toBeGreaterThan(10);
    const missing = [...cited].filter(([id]) => !entries.has(id));
    expect(missing).toEqual([]);
  });

  it('has replaced every "the seed" and "[P]" citation', () => {
    // The demo's own seed data (rows it loads) is another sense of the word.
    const old = /\[P\]|\bthe seed\b(?! data| volumes)|\bseed's\b|\bseed document\b/;
    // This test and the architecture doc name the old citations to describe them.
    const describers = new Set([relative(ROOT, import.meta.filename), 'docs/architecture.md']);
    const offenders = SOURCES.map((f) => relative(ROOT, f)).filter(
      (f) => !describers.has(f) && old.test(readFileSync(join(ROOT, f), 'utf8')),
    );
    expect(offenders).toEqual([]);
  });
});
