/** `redline audit` on the command line: --plan-only from the examples, errors with positions and exit codes. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'redline-audit-cli-'));

function redline(...args: string[]) {
  return spawnSync(process.execPath, [join(root, 'bin/redline.js'), ...args], {
    encoding: 'utf8',
    cwd: dir,
    timeout: 60_000,
  });
}

describe('redline audit', () => {
  it('writes the Load Test Plan of the YAML example without running anything', () => {
    const out = join(dir, 'plan-yaml');
    const r = redline(
      'audit',
      join(root, 'examples/redline.config.yaml'),
      '--plan-only',
      '--out',
      out,
    );
    expect(r.status, r.stderr).toBe(0);
    const plan = readFileSync(join(out, 'load-test-plan.md'), 'utf8');
    expect(r.stdout).toBe(plan);
    expect(plan).toMatch(/^## Load Test Plan: demo shop\n/);
    for (const part of [
      '### Objectives',
      '#### Scenario 1: Normal Load',
      '- **Users:** 10 concurrent',
      '#### Scenario 3: Stress Test',
      '### Success Criteria',
      '### Test Environment',
      '**Test Tools:**',
    ]) {
      expect(plan).toContain(part);
    }
    expect(plan).toContain('- **Duration:** 3 minutes'); // steps.soak.duration
    expect(plan).not.toContain('password123');
  });

  it('loads the TypeScript example', () => {
    const r = redline(
      'audit',
      join(root, 'examples/redline.config.ts'),
      '--plan-only',
      '--out',
      join(dir, 'plan-ts'),
    );
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('## Load Test Plan: demo shop (TypeScript config)');
    expect(r.stdout).toMatch(/\| p95 Latency \| &lt; 300ms \| &lt; 500ms \|/);
  });

  it('lists every config problem with file:line and exits 104', () => {
    const file = join(dir, 'redline.config.yaml');
    writeFileSync(
      file,
      'target: http://127.0.0.1:3000\nflow: { urls: [/health] }\nusers: -2\nsteps: { spike: { users: many } }\n',
    );
    const r = redline('audit', '--plan-only');
    expect(r.status).toBe(104);
    expect(r.stderr).toContain(`${file}:3:8: users: must be a whole number ≥ 1 ≤ 100000, got -2`);
    expect(r.stderr).toContain(
      `${file}:4:26: steps.spike.users: must be a whole number ≥ 1 ≤ 100000, got "many"`,
    );
    expect(r.stderr).toContain('(code E_AUDIT_CONFIG, exit 104)');
  });

  it('refuses unknown steps and a missing config', () => {
    writeFileSync(
      join(dir, 'redline.config.yaml'),
      'target: http://127.0.0.1:3000\nflow: { urls: [/health] }\n',
    );
    const bad = redline('audit', '--plan-only', '--skip', 'soak,nap');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('unknown step in --skip: nap');
    const missing = redline('audit', join(dir, 'nope.yml'));
    expect(missing.status).toBe(66);
  });

  it('exits 69 when nothing answers at the target URL', () => {
    writeFileSync(
      join(dir, 'down.yaml'),
      'target: http://127.0.0.1:9\nflow: { urls: [/health] }\nsteps: { db: false }\n',
    );
    const r = redline('audit', join(dir, 'down.yaml'), '--out', join(dir, 'down'));
    expect(r.status).toBe(69);
    expect(r.stderr).toContain('nothing answers at http://127.0.0.1:9/');
  });
});
