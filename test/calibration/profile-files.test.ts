// Calibration: analysing saved profiles. Cases: test/fixtures/calibration/inlined-core-lines.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RedlineError } from '../../src/errors/redline-error.js';
import { createSourceResolver } from '../../src/profiler/analysis/source-map.js';
import { renderProfileViews } from '../../src/profiler/export/write-capture.js';
import { importProfile } from '../../src/profiler/import/registry.js';
import { analyzeFile } from '../../src/profiler/index.js';
import { CORPUS_DIR, markerLine, readTruth } from './truth.js';

const ROOT = join(CORPUS_DIR, '../../..');

describe('positions checked against the source', () => {
  it('inlined-core-lines: no line beyond the end of the file, the time stays with checksum()', async () => {
    const truth = readTruth('inlined-core-lines');
    const dir = join(CORPUS_DIR, 'inlined-core-lines');
    const length = readFileSync(join(dir, 'hot-app.mjs'), 'utf8').trimEnd().split('\n').length;
    const analysis = await analyzeFile(join(dir, 'profile.cpuprofile'), {
      cwd: ROOT,
      pathMap: [['/recorded/app', dir]],
    });
    const file = 'test/fixtures/calibration/inlined-core-lines/hot-app.mjs';
    const lines = [
      ...analysis.tables.lines.filter((r) => r.file === file).map((r) => r.line),
      ...analysis.tables.hotspots.filter((h) => h.file === file).map((h) => h.line ?? 0),
      ...analysis.tables.functions.filter((f) => f.file === file).map((f) => f.line ?? 0),
      ...analysis.findings
        .filter((f) => f.location?.file === file)
        .map((f) => f.location?.line ?? 0),
    ];
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line).toBeLessThanOrEqual(length);
    // The planted line keeps its own ticks; the rest of checksum()'s time is the function's.
    const planted = markerLine('inlined-core-lines', 'hot-app.mjs', 'PLANTED');
    expect(analysis.tables.lines.map((r) => r.line)).toContain(planted);
    const ids = analysis.findings.map((f) => f.id);
    for (const id of truth.expected as string[]) expect(ids).toContain(id);
    const checksum = analysis.tables.hotspots.filter((h) => h.functionName === 'checksum');
    expect(checksum.reduce((sum, h) => sum + h.share, 0)).toBeCloseTo(1, 5);
  });
});

describe('bad folded-stack files name the line', () => {
  const dir = join(CORPUS_DIR, 'bad-folded-line');
  const read = (name: string) => new Uint8Array(readFileSync(join(dir, name)));

  it('bad-folded-line: a line without a count is PROFILE_INVALID at file:3, not "unknown format"', () => {
    expect(readTruth('bad-folded-line').where?.line).toBe(3);
    let error: unknown;
    try {
      importProfile(read('bad.folded'), 'bad.folded');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(RedlineError);
    expect((error as RedlineError).code).toBe('PROFILE_INVALID');
    expect((error as RedlineError).position).toEqual({ file: 'bad.folded', line: 3 });
    expect((error as RedlineError).message).toContain('main;handler;render');
  });

  it('an empty .folded file says it has no stacks', () => {
    expect(() => importProfile(read('empty.folded'), 'empty.folded')).toThrow(/no stacks/);
  });

  it('a well-formed file with a blank line imports (healthy)', () => {
    const profile = importProfile(read('good.folded'), 'good.folded');
    expect(profile.samples.reduce((sum, s) => sum + s.weight, 0)).toBe(57);
  });

  it('mostly-folded text without the suffix is still read as folded stacks (and names the line)', () => {
    const lines = Array.from({ length: 9 }, (_, i) => `main;f${i} ${i + 1}`);
    lines.splice(4, 0, 'garbage-without-count');
    const bytes = new TextEncoder().encode(`${lines.join('\n')}\n`);
    expect(() => importProfile(bytes, 'stacks.txt')).toThrow(/stacks\.txt:5/);
  });
});

describe('speedscope written by redline profile keeps its categories on re-import', () => {
  it('burn.cpuprofile → speedscope → analyze: same category shares, no "(unknown)" hot spot', async () => {
    const profiles = join(ROOT, 'test/fixtures/profiles');
    const pathMap = [['/work/main', ROOT]] as const;
    const original = await analyzeFile(join(profiles, 'node/20.20.2/burn.cpuprofile'), {
      cwd: ROOT,
      pathMap,
    });
    const profile = importProfile(
      new Uint8Array(readFileSync(join(profiles, 'node/20.20.2/burn.cpuprofile'))),
      'burn.cpuprofile',
    );
    const { speedscope } = renderProfileViews(profile, 'burn', createSourceResolver(ROOT, pathMap));
    const dir = mkdtempSync(join(tmpdir(), 'redline-speedscope-'));
    try {
      const file = join(dir, 'burn.speedscope.json');
      writeFileSync(file, speedscope);
      const again = await analyzeFile(file, { cwd: ROOT });
      const shares = (a: typeof original) =>
        Object.fromEntries(a.tables.categories.map((row) => [row.category, row.share]));
      const before = shares(original);
      const after = shares(again);
      for (const [category, share] of Object.entries(before))
        expect(after[category] ?? 0, category).toBeCloseTo(share, 2);
      expect(again.tables.hotspots.map((h) => h.file)).not.toContain('(unknown)');
      expect(again.findings[0]?.id).toBe(original.findings[0]?.id);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
