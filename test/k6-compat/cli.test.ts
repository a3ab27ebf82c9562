/**
 * k6 corpus through the built CLI (`redline run`): the end-of-test summary with thresholds and
 * checks, summaryTrendStats, `--summary-export` in k6's shape, handleSummary replacing the summary
 * and writing files (and failing without losing the summary or the exit code), errors as printed
 * with the script's frames only, and k6's exit codes.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startK6Server, type K6Server } from './helpers/k6-server.js';
import { corpusScript, runCli } from './helpers/run-corpus.js';

let server: K6Server;
let dir: string;
beforeAll(async () => {
  server = await startK6Server();
  dir = mkdtempSync(join(tmpdir(), 'redline-k6-cli-'));
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const run = (script: string, ...flags: string[]) =>
  runCli(['run', corpusScript(script), '-q', '-e', `BASE_URL=${server.url}`, ...flags], {
    cwd: dir,
  });

describe('k6 corpus through the CLI', () => {
  it('prints the summary with thresholds and checks, and writes --summary-export in k6 shape', async () => {
    const exportPath = join(dir, 'export.json');
    const out = await run('01-checks-tags.js', '--summary-export', exportPath);
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('THRESHOLDS');
    expect(out.stdout).toMatch(/checks\{kind:status\}[\s\S]*✓ 'rate==1'/);
    expect(out.stdout).toContain('✓ status is 200');
    expect(out.stdout).toContain('✗ never true');
    const exported = JSON.parse(readFileSync(exportPath, 'utf8'));
    expect(Object.keys(exported).sort()).toEqual(['metrics', 'root_group']);
    expect(exported.root_group.checks['status is 200']).toMatchObject({
      name: 'status is 200',
      path: '::status is 200',
      passes: 10,
      fails: 0,
    });
    expect(exported.metrics.checks).toMatchObject({ passes: 40, fails: 10, value: 0.8 });
    // k6's export maps each threshold expression to "failed?".
    expect(exported.metrics['checks{kind:body}'].thresholds).toEqual({ 'rate<1': false });
    expect(Object.keys(exported.metrics.http_req_duration)).toEqual(
      expect.arrayContaining(['avg', 'min', 'med', 'max', 'p(90)', 'p(95)']),
    );
    expect(exported.metrics.http_reqs).toMatchObject({ count: 10 });
  });

  it('exports nested groups as k6 does: root_group.groups.<name>.groups.<name>.checks', async () => {
    const exportPath = join(dir, 'groups.json');
    const out = await run('02-groups-nested.js', '--summary-export', exportPath);
    expect(out.code).toBe(0);
    const root = JSON.parse(readFileSync(exportPath, 'utf8')).root_group;
    expect(Object.keys(root.groups).sort()).toEqual(['account', 'shop']);
    expect(root.groups.shop).toMatchObject({ name: 'shop', path: '::shop' });
    expect(root.groups.shop.groups.cart.checks.added).toMatchObject({ path: '::shop::cart::added', passes: 8, fails: 0 });
    expect(out.stdout).toContain('group_duration{group:::shop::cart}');
  });

  it('uses summaryTrendStats from the options in the text summary', async () => {
    const out = await run('15-http-options.js');
    expect(out.code).toBe(0);
    const line = out.stdout.split('\n').find((l) => l.includes('http_req_duration..'));
    expect(line).toMatch(/min=.* med=.* p\(99\)=.* max=/);
    expect(line).not.toContain('avg=');
  });

  it('handleSummary replaces the default summary and writes the files it returns', async () => {
    const digestPath = join(dir, 'digest.json');
    const out = await run('09-handle-summary.js', '-e', `SUMMARY_FILE=${digestPath}`);
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('custom summary: 3 requests');
    expect(out.stdout).not.toContain('TOTAL RESULTS');
    const digest = JSON.parse(readFileSync(digestPath, 'utf8'));
    expect(digest).toMatchObject({
      durationType: 'trend',
      durationContains: 'time',
      durationThreshold: { ok: true },
      subMetricThreshold: { ok: true },
      reqs: 3,
      checksRate: 1,
      rootChecks: ['at root:3/0'],
      groupPath: '::g',
      groupChecks: ['::g::in group:3'],
      trendStats: ['avg', 'p(90)', 'max', 'count'],
      runMs: true,
    });
    expect(digest.durationKeys).toEqual(expect.arrayContaining(['avg', 'p(90)', 'max', 'count']));
  });

  it('a name k6/http does not export: the error names it, the module, a suggestion and the line', async () => {
    const out = await run('errors/missing-export.js');
    expect(out.code).toBe(107);
    expect(out.stderr).toContain('"setResponseCallbak" is not exported by "k6/http"');
    expect(out.stderr).toContain('did you mean "setResponseCallback"?');
    expect(out.stderr).toMatch(/missing-export\.js:2/);
  });

  it.each([
    ['errors/threshold-fails.js', 99],
    ['errors/bad-options.js', 104],
    ['errors/init-throws.js', 107],
    ['errors/jslib-import.js', 107],
    ['errors/exec-abort.js', 108],
    ['errors/exec-fail.js', 110],
  ])('%s exits with %i', async (script, code) => {
    const out = await run(script);
    expect(out.code).toBe(code);
    if (code === 99) expect(out.stdout).toContain("✗ 'rate<0.1'");
    if (code === 104) expect(out.stderr).toContain('did you mean "constant-vus"?');
    if (code === 107) expect(out.stderr).toMatch(/(init-throws|jslib-import)\.js:\d+/);
  });
});

describe("script errors show the script's frames only", () => {
  /** Every stack frame of the output (the `  at file:line` position line is not one). */
  const frames = (text: string) => text.split('\n').filter((l) => /^\s{4,}at /.test(l));
  const internal = /dist\/|src\/engine|src\/script|node:internal|ModuleJob|ModuleLoader|commander/;

  it.each([
    ['errors/init-throws.js', [/at JSON\.parse \(<anonymous>\)$/, /at \S*errors\/init-throws\.js:4:21$/]],
    [
      'errors/init-throws-nested.js',
      [
        /at requireSetting \(\S*errors\/lib-settings\.js:4:21\)$/,
        /at \S*errors\/init-throws-nested\.js:6:14$/,
      ],
    ],
    [
      'errors/init-throws.ts',
      [
        /at JSON\.parse \(<anonymous>\)$/,
        /at parseSettings \(\S*errors\/init-throws\.ts:7:23\)$/,
        /at \S*errors\/init-throws\.ts:11:28$/,
      ],
    ],
  ])('an exception in the init context of %s: its frames, mapped, in order', async (script, expected) => {
    const out = await run(script);
    expect(out.code).toBe(107);
    const shown = frames(out.stderr);
    expect(shown.filter((l) => internal.test(l))).toEqual([]);
    expect(shown).toHaveLength(expected.length);
    expected.forEach((frame, i) => expect(shown[i]).toMatch(frame));
  });

  it('an exception in an iteration: the script line, no Redline frames', async () => {
    const out = await run('errors/html-api.js');
    expect(out.code).toBe(0);
    const shown = frames(out.stderr);
    expect(shown.length).toBeGreaterThan(0);
    expect(shown.filter((l) => internal.test(l))).toEqual([]);
    expect(shown[0]).toContain('errors/html-api.js:9:23');
  });
});

/**
 * A failing handleSummary(): the error is shown with the script's line, the default summary is
 * printed instead, and the exit code stays the run's (k6 keeps it too; k6 prints no summary).
 */
describe('handleSummary() failures', () => {
  it.each([
    ['passing', [], 0],
    ['failing', ['-e', 'FAIL=1'], 99],
  ] as const)('a throwing handleSummary() keeps the exit code of a run with %s thresholds (%#)', async (_, flags, code) => {
    const out = await run('summary/throws.js', ...flags);
    expect(out.code, out.stderr).toBe(code);
    expect(out.stderr).toContain(
      "handleSummary() threw: Cannot read properties of undefined (reading 'values'); printing the default summary instead (the exit code stays the run's)",
    );
    expect(out.stderr).not.toContain('exit 107');
    // The user's frames (render, then handleSummary), mapped to the script's lines.
    expect(out.stderr).toMatch(/summary\/throws\.js:15:\d+[\s\S]*summary\/throws\.js:19:\d+/);
    expect(out.stderr).not.toMatch(/dist\/|node:internal/);
    expect(out.stdout).not.toContain('never printed');
    expect(out.stdout).toMatch(/http_reqs\.+: 3 /);
    expect(out.stdout).toContain(code === 0 ? "✓ 'count>0'" : "✗ 'count>1000'");
  });

  it('a destination that cannot be written is reported; the others are written; exit 0', async () => {
    const out = await run('summary/bad-destination.js', '-e', `OUT_DIR=${dir}`);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toBe('custom summary: 2 requests\n');
    expect(out.stderr).toMatch(/handleSummary\(\): could not write ".*no-such-folder\/summary\.json"/);
  });
});
