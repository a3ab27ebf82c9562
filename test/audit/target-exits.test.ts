// An audit whose target crashes during the profile step's capture window: reported as the
// target's exit with its last lines (exit 69), not as an inspector failure (exit 72).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { parseAuditConfig, runAudit } from '../../src/audit/index.js';
import { ExitCode } from '../../src/errors/exit-codes.js';
import { RedlineError } from '../../src/errors/redline-error.js';

const ROOT = resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'redline-audit-exit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('reports a target that exits during the profile capture as exited, with its output', async () => {
  const { config, problems } = parseAuditConfig(
    {
      name: 'exits during profile',
      target: {
        url: 'http://127.0.0.1:{port}',
        command: ['node', join(ROOT, 'test/fixtures/apps/profiler-exit/exits-on-request.mjs')],
        ready: { path: '/' },
        probe: false,
      },
      flow: { urls: ['/crash'] },
      users: 1,
      steps: {
        baseline: false,
        load: false,
        peak: false,
        stress: false,
        spike: false,
        soak: false,
        profile: { duration: '3s' },
        db: false,
      },
      out: 'out',
    },
    { baseDir: dir },
  );
  expect(problems).toEqual([]);
  const error = await runAudit({
    config: config!,
    progress: { step() {}, result() {}, note() {}, warn() {} },
  }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RedlineError);
  const failure = error as RedlineError;
  expect(failure.code).toBe('E_AUDIT_TARGET_EXITED');
  expect(failure.exitCode).toBe(ExitCode.TargetUnreachable);
  expect(failure.message).toBe("the target exited during the load step's capture window");
  expect(failure.problems.join('\n')).toContain('planted crash: exiting with code 3');
}, 90_000);
