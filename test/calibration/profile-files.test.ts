// Calibration: analysing saved profiles. Cases: test/fixtures/calibration/inlined-core-lines.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
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
