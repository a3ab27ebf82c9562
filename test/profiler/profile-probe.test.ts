// `redline profile --probe` on a real pg app: the probe's report is read and merged, and the
// probe's own frames are never the user's hot code or allocation sites.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { categorizeFrame } from '../../src/profiler/analysis/categorize.js';
import { createPgDatabase, pgExec } from '../db/pg-scratch.js';
import { ROOT } from '../db/probe-harness.js';

const CLI = join(ROOT, 'bin/redline.js');
const APP = join(ROOT, 'test/fixtures/apps/db/profile-n-plus-one.mjs');
const built =
  existsSync(join(ROOT, 'dist/cli/main.js')) && existsSync(join(ROOT, 'dist/probe/register.js'));
const REDLINE_OWN = /(^|\/)(src|dist)\/(probe|util|db|findings|errors)\//;

function lineOf(marker: string): number {
  return (
    readFileSync(APP, 'utf8')
      .split('\n')
      .findIndex((l) => l.includes(marker)) + 1
  );
}

describe('Redline frames are categorised as a dependency, never as app code', () => {
  it('the probe driver, from the sources and as a file URL, is the redline package', () => {
    const file = join(ROOT, 'src/probe/drivers/pg.ts');
    for (const path of [file, pathToFileURL(file).href]) {
      expect(categorizeFrame({ kind: 'js', name: 'query', file: path } as never)).toEqual({
        category: 'dependency',
        pkg: 'redline',
      });
    }
  });

  it('healthy: the user’s files (and the demo, which plays the user) stay app code', () => {
    for (const path of [APP, join(ROOT, 'src/demo/routes/products.ts'), '/srv/app/src/probe/x.js'])
      expect(categorizeFrame({ kind: 'js', name: 'f', file: path } as never)).toEqual({
        category: 'app',
      });
  });
});

let db: { url: string; drop: () => Promise<void> };
const out = mkdtempSync(join(tmpdir(), 'redline-profile-probe-'));

beforeAll(async () => {
  db = await createPgDatabase('rl_prof_probe');
  await pgExec(db.url, [readFileSync(join(ROOT, 'test/fixtures/apps/db/schema.sql'), 'utf8')]);
}, 60_000);

afterAll(async () => {
  await db?.drop();
  rmSync(out, { recursive: true, force: true });
});

describe.skipIf(!built)('redline profile --probe (needs npm run build)', () => {
  it('merges the probe findings and blames the app’s lines, not the probe', () => {
    const dir = join(out, 'run');
    const run = spawnSync(
      process.execPath,
      [
        CLI,
        'profile',
        '--probe',
        '-c',
        '4',
        '-d',
        '3s',
        '--warmup',
        '1s',
        '-o',
        dir,
        '--json',
        '-q',
        '--',
        process.execPath,
        APP,
      ],
      {
        cwd: ROOT,
        encoding: 'utf8',
        timeout: 90_000,
        env: { ...process.env, DATABASE_URL: db.url },
      },
    );
    expect(run.status, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout);
    // The probe's report is read back from the output folder and merged.
    expect(result.probe.file).toBe(join(dir, 'probe.ndjson'));
    expect(result.probe.ended).toBe(true);
    const route = result.probe.stats.routes.find((r: { route: string }) => r.route === 'GET /');
    expect(route.requests).toBeGreaterThan(0);
    expect(route.queries).toBe(route.requests * 41);
    const nPlusOne = result.findings.find((f: { id: string }) => f.id === 'probe.n-plus-one');
    expect(nPlusOne?.location).toMatchObject({
      route: 'GET /',
      file: 'test/fixtures/apps/db/profile-n-plus-one.mjs',
      line: lineOf('N+1 HERE'),
    });
    // No finding, hot spot or allocation site is in Redline's own code.
    const files = [
      ...result.findings.map((f: { location?: { file?: string } }) => f.location?.file),
      ...result.analysis.cpu.tables.hotspots.map((h: { file?: string }) => h.file),
      ...(result.analysis.heap?.tables.hotspots ?? []).map((h: { file?: string }) => h.file),
    ].filter(Boolean);
    expect(files.filter((f: string) => REDLINE_OWN.test(f))).toEqual([]);
    // Healthy counterpart: the app's own hot loop is still found at its line.
    const hot = result.findings.find((f: { id: string }) => f.id === 'cpu.hot-function');
    expect(hot?.location).toMatchObject({
      file: 'test/fixtures/apps/db/profile-n-plus-one.mjs',
      line: lineOf('APP HOT HERE'),
    });
    // The probe's cost is shown as the redline package, not hidden.
    expect(result.analysis.cpu.tables.packages.map((p: { name: string }) => p.name)).toContain(
      'redline',
    );
  }, 120_000);
});
