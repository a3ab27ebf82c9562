// Calibration: hot dependencies are charged to the user's calling line; database engines and
// drivers are the cost of the queries, not a library to replace. Real apps under real load:
// test/fixtures/calibration/{pglite-queries,yaml-parse-per-request}.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runQuickTest } from '../../src/engine/index.js';
import { createSourceResolver } from '../../src/profiler/analysis/source-map.js';
import { renderProfileViews } from '../../src/profiler/export/write-capture.js';
import { analyzeFile, profileTarget } from '../../src/profiler/index.js';
import { CORPUS_DIR, markerLine, readTruth } from './truth.js';

const ROOT = join(CORPUS_DIR, '../../..');

async function profileCase(name: string) {
  return profileTarget({
    target: { command: [process.execPath, join(CORPUS_DIR, name, 'app.mjs')] },
    warmup: (url, signal) => runQuickTest({ url, connections: 2, durationMs: 1000, signal }),
    load: (url, signal) => runQuickTest({ url, connections: 4, durationMs: 3000, signal }),
    cwd: ROOT,
  });
}

describe('dependencies charged to the calling line', () => {
  it('pglite-queries: the engine is database work at the query line, not a dependency to replace', async () => {
    const truth = readTruth('pglite-queries');
    const result = await profileCase('pglite-queries');
    const ids = result.findings.map((f) => f.id);
    for (const id of truth.expected as string[]) expect(ids).toContain(id);
    for (const id of truth.mustNotRaise ?? []) expect(ids).not.toContain(id);
    const finding = result.findings.find((f) => f.id === 'cpu.database-work');
    expect(finding?.severity).toBe('low');
    expect(finding?.location?.file).toBe('test/fixtures/calibration/pglite-queries/app.mjs');
    expect(finding?.location?.line).toBe(markerLine('pglite-queries', 'app.mjs', 'CALLS-DB'));
    expect(JSON.stringify(finding)).not.toMatch(/replace it|faster alternative|hot spots above/);
  }, 90_000);

  it('yaml-parse-per-request: the hot dependency names the line that calls it', async () => {
    const truth = readTruth('yaml-parse-per-request');
    const result = await profileCase('yaml-parse-per-request');
    const finding = result.findings.find((f) => f.id === 'cpu.hot-dependency');
    expect(finding, JSON.stringify(result.findings.map((f) => f.title))).toBeDefined();
    expect(truth.expected).toContain('cpu.hot-dependency');
    expect(finding?.title).toContain('Dependency yaml takes');
    expect(finding?.location?.line).toBe(
      markerLine('yaml-parse-per-request', 'app.mjs', 'PLANTED'),
    );
    expect(finding?.title).toContain(`app.mjs:${finding?.location?.line}`);
    expect(finding?.rootCause).not.toContain('hot spots above');

    // The speedscope file `redline profile` writes keeps categories on re-import (issue 13 §2:
    // "(unknown) run 76.7%"): dependency paths are shown relative, native frames have no file.
    const { speedscope } = renderProfileViews(
      result.analysis.cpuProfile,
      'yaml',
      createSourceResolver(ROOT),
    );
    const dir = mkdtempSync(join(tmpdir(), 'redline-speedscope-'));
    try {
      const file = join(dir, 'yaml.speedscope.json');
      writeFileSync(file, speedscope);
      const again = await analyzeFile(file, { cwd: ROOT });
      const shares = (rows: ReadonlyArray<{ category: string; share: number }>) =>
        Object.fromEntries(rows.map((row) => [row.category, row.share]));
      const before = shares(result.analysis.cpu.tables.categories);
      const after = shares(again.tables.categories);
      for (const [category, share] of Object.entries(before))
        expect(after[category] ?? 0, `${category}: ${JSON.stringify(after)}`).toBeCloseTo(share, 2);
      expect(again.tables.packages[0]?.name).toBe('yaml');
      // Speedscope frames carry function starts only (no per-line ticks): same file and function.
      expect(again.findings.find((f) => f.id === 'cpu.hot-dependency')?.location).toMatchObject({
        file: finding?.location?.file,
        functionName: finding?.location?.functionName,
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);
});
