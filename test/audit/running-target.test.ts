/**
 * An audit of a service Redline did not start: a URL list flow, the target's CPU and memory from
 * --pid, no probe or inspector (so no profile and no leak verdict), short steps.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAuditConfig, runAudit } from '../../src/audit/index.js';
import { type DemoProcess, startDemoProcess } from '../../src/cli/demo-process.js';

const dir = mkdtempSync(join(tmpdir(), 'redline-audit-running-'));
let demo: DemoProcess;

beforeAll(async () => {
  demo = await startDemoProcess(['--fixed']);
}, 120_000);

afterAll(async () => {
  await demo?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('audit of a running service', () => {
  it('measures it through --pid and says what it could not do', async () => {
    const { config, problems } = parseAuditConfig(
      {
        name: 'running demo',
        target: { url: demo.url, pid: demo.child.pid, ready: { path: '/health' } },
        flow: { urls: ['/health', '/categories', 'GET /items/42'] },
        users: 2,
        steps: {
          baseline: { duration: '2s' },
          load: { duration: '3s' },
          peak: false,
          stress: { start: 2, step: 2, maxSteps: 2, stepDuration: '2s' },
          spike: false,
          soak: { duration: '3s' },
          profile: true,
          db: false,
        },
        out: 'report',
      },
      { baseDir: dir },
    );
    expect(problems).toEqual([]);
    const notes: string[] = [];
    const run = await runAudit({
      config: config!,
      progress: { step() {}, result() {}, note() {}, warn: (t) => notes.push(t) },
    });
    const r = run.result;
    expect(r.steps.map((s) => s.label ?? s.kind)).toEqual([
      'baseline',
      'load',
      'stress 1',
      'stress 2',
      'soak',
    ]);
    const load = r.steps.find((s) => s.kind === 'load');
    expect(load?.targetCpuPercent).toBeGreaterThan(0);
    expect(load?.targetRssBytes).toBeGreaterThan(10 * 1024 * 1024);
    expect(r.steps.find((s) => s.leakCheck)?.leakCheck).toMatchObject({ leakSuspected: false });
    expect(r.steps.find((s) => s.leakCheck)?.leakCheck?.note).toMatch(/no verdict$/);
    expect(r.profile).toBeUndefined();
    expect(notes).toContain(
      'profile skipped: the target was not started by Redline with the inspector (set target.command), is not a JVM or Python target Redline started, and has no target.pprof',
    );
    expect(r.config.flow).toEqual(['GET /health', 'GET /categories', 'GET /items/42']);
    expect(r.environment.target?.name).toBe(demo.url);
    expect(run.files.map((f) => f.slice(join(dir, 'report').length + 1))).toEqual([
      'audit.json',
      'report.md',
      'report.html',
      'junit.xml',
    ]);
    expect(readFileSync(join(dir, 'report', 'report.md'), 'utf8')).toContain(
      '## Performance Analysis Report',
    );
  }, 120_000);
});
