/**
 * Configuration causes in the text of `redline profile --probe` and `redline analyze` (issue 14:
 * "bluebird takes 25.8% of CPU — replace it" was its long stack traces under
 * NODE_ENV=development). A real bluebird app under Redline's load: the probe's setting and the
 * profile's own evidence (CPU in bluebird's debuggability.js) both reach the text output, and the
 * profile alone is enough for `redline analyze`. Healthy: under NODE_ENV=production bluebird may
 * still be hot, but no setting is named.
 */
import { spawnSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  rmSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { explainHotDependencies } from '../../src/findings/config-causes.js';
import type { Finding } from '../../src/findings/finding.js';
import { readProbeReport } from '../../src/probe/index.js';
import { createReportModelFromAudit, renderHtml, renderMarkdown } from '../../src/report/index.js';
import { createSyntheticAudit } from '../../src/results/__fixtures__/synthetic-audit.js';
import { ROOT } from '../db/probe-harness.js';

const CLI = join(ROOT, 'bin/redline.js');
const APP = join(ROOT, 'test/fixtures/apps/profiler/bluebird-chains.mjs');
const built =
  existsSync(join(ROOT, 'dist/cli/main.js')) && existsSync(join(ROOT, 'dist/probe/register.js'));
const out = mkdtempSync(join(tmpdir(), 'redline-config-causes-'));

function redline(args: string[], env: Record<string, string> = {}): string {
  const run = spawnSync(process.execPath, [CLI, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 90_000,
    env: { ...process.env, ...env },
  });
  expect(run.status, run.stderr).toBe(0);
  return run.stdout;
}

function profile(nodeEnv: string): { text: string; dir: string } {
  const dir = join(out, nodeEnv);
  const text = redline(
    ['profile', '--probe', '-c', '4', '-d', '3s', '--warmup', '1s', '-o', dir, '-q', '--'].concat(
      process.execPath,
      APP,
    ),
    { NODE_ENV: nodeEnv },
  );
  return { text, dir };
}

/** The lines of the text output's bluebird hot-dependency finding (title, impact, why, fix). */
function bluebirdFinding(text: string): string {
  const lines = text.split('\n');
  const at = lines.findIndex((l) => /Dependency bluebird takes .*\(cpu\.hot-dependency\)/.test(l));
  return at < 0 ? '' : lines.slice(at, at + 4).join('\n');
}

let dev: { text: string; dir: string };
let prod: { text: string; dir: string };

beforeAll(() => {
  if (!built) return;
  dev = profile('development');
  prod = profile('production');
}, 200_000);

afterAll(() => {
  rmSync(out, { recursive: true, force: true });
});

describe.skipIf(!built)('configuration causes in the text outputs (needs npm run build)', () => {
  it('redline profile --probe: the setting and the CPU it costs, before any replacement', () => {
    const finding = bluebirdFinding(dev.text);
    expect(finding).toContain('Likely cause, a setting rather than the package');
    expect(finding).toContain("NODE_ENV=development; bluebird's hasLongStackTraces() is true");
    expect(finding).toMatch(/\d+\.\d% of CPU in bluebird's long-stack-trace code/);
    expect(finding).toMatch(/fix: First run with NODE_ENV=production/);
    expect(finding).toContain('Only if bluebird stays hot:');
  });

  it('redline analyze of the same profile: the profile alone names the cause', () => {
    const text = redline(['analyze', join(dev.dir, 'cpu.cpuprofile')]);
    const finding = bluebirdFinding(text);
    expect(finding).toMatch(/seen: \d+\.\d% of CPU in bluebird's long-stack-trace code/);
    expect(finding).toMatch(/fix: First run with NODE_ENV=production/);
    expect(finding).not.toContain('hasLongStackTraces');
  });

  it('the audit report (markdown and HTML): both sources of the cause, in one sentence', async () => {
    // What the audit does: the profile's findings (explained by the profile), then the probe's settings.
    const analysis = JSON.parse(redline(['analyze', join(dev.dir, 'cpu.cpuprofile'), '--json']));
    const probe = await readProbeReport(join(dev.dir, 'probe.ndjson'));
    const findings = explainHotDependencies(
      analysis.findings as Finding[],
      probe.stats?.runtimeSettings ?? [],
    );
    const bluebird = findings.find((f) => f.id === 'cpu.hot-dependency');
    expect(bluebird?.rootCause.match(/Likely cause/g)).toHaveLength(1);
    expect(bluebird?.evidence.map((e) => [e.label, e.source])).toEqual(
      expect.arrayContaining([
        ['setting (long-stack-traces)', 'profile'],
        ['setting (dev-mode)', 'probe'],
      ]),
    );
    const audit = createSyntheticAudit();
    audit.findings = findings;
    const model = createReportModelFromAudit(audit);
    for (const report of [renderMarkdown(model), renderHtml(model)]) {
      expect(report).toContain('Likely cause, a setting rather than the package');
      expect(report).toMatch(/bluebird(&#39;|&#x27;|')s hasLongStackTraces\(\) is true/);
      expect(report).toMatch(/\d+\.\d% of CPU in bluebird(&#39;|&#x27;|')s long-stack-trace code/);
      // Markdown escapes the underscore.
      expect(report).toMatch(/First run with NODE\\?_ENV=production/);
    }
  });

  it('healthy: under NODE_ENV=production no setting is named, in either output', () => {
    expect(prod.text).toContain('Findings');
    expect(prod.text).not.toContain('Likely cause, a setting');
    const analyzed = redline(['analyze', join(prod.dir, 'cpu.cpuprofile')]);
    expect(analyzed).toContain('Findings');
    expect(analyzed).not.toContain('Likely cause, a setting');
  });
});

/** Runs the debug-loop fixture under `node --cpu-prof`, stderr to a file; returns `redline analyze`'s text. */
function analyzeDebugLoop(debugEnv: string): string {
  const dir = join(out, `debug-${debugEnv || 'off'}`);
  mkdirSync(dir, { recursive: true });
  const log = openSync(join(dir, 'app.log'), 'w');
  const run = spawnSync(
    process.execPath,
    [
      '--cpu-prof',
      `--cpu-prof-dir=${dir}`,
      join(ROOT, 'test/fixtures/apps/profiler/debug-loop.cjs'),
    ],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', log],
      env: { ...process.env, DEBUG: debugEnv, LOOP_MS: '1500' },
      timeout: 60_000,
    },
  );
  closeSync(log);
  expect(run.status).toBe(0);
  const profileFile = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  return redline(['analyze', join(dir, profileFile ?? 'missing.cpuprofile')]);
}

/** The why and fix lines of the text's `cpu.logging` finding. */
function loggingFinding(text: string): string {
  const lines = text.split('\n');
  const at = lines.findIndex((l) => /\(cpu\.logging\)$/.test(l));
  return at < 0 ? '' : lines.slice(at, at + 4).join('\n');
}

describe.skipIf(!built)(
  'logging in a hot path explained from the profile (redline analyze)',
  () => {
    it('debug enabled, written to a file: the synchronous writes are named', () => {
      const finding = loggingFinding(analyzeDebugLoop('app:*'));
      // Not asserted: debug's own formatting share. Beside synchronous writes of ~90 % it measured
      // 1-3 %, at the naming floor (1 %), and two quiet CI runs of 2026-12-06 named it in one of
      // two: a sampling outcome, not a property of the rule (open in issue 14's notes).
      expect(finding).toMatch(/seen: \d+\.\d% of CPU in synchronous writes/);
      expect(finding).toContain('Only if the logging stays hot:');
    });

    it('healthy: the same calls with the namespace disabled name no setting', () => {
      const text = analyzeDebugLoop('');
      expect(text).toContain('Findings');
      expect(text).not.toContain('Likely cause, a setting');
    });
  },
);
