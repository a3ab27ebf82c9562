// A target that exits while it is profiled: Node keeps an exiting process alive while an inspector
// session is attached (context destroyed, "Waiting for the debugger to disconnect..."), so every
// evaluation answers "Cannot find context with specified id". Redline must report the target's
// exit and its last lines (exit 69), not an inspector failure (exit 72).
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors/exit-codes.js';
import { RedlineError } from '../../src/errors/redline-error.js';
import { profileTarget } from '../../src/profiler/index.js';
import { ROOT } from './fixture-apps.js';

const APP = join(ROOT, 'test/fixtures/apps/profiler-exit/exits-on-request.mjs');
const dir = mkdtempSync(join(tmpdir(), 'redline-exit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits (bounded) until the target stopped accepting inspector connections: it is exiting. */
async function waitUntilExiting(marker: string): Promise<void> {
  const until = Date.now() + 30_000;
  while (!existsSync(marker) && Date.now() < until) await sleep(50);
  const host = readFileSync(marker, 'utf8');
  while (Date.now() < until) {
    const open = await fetch(`http://${host}/json/list`, { signal: AbortSignal.timeout(2000) })
      .then(() => true)
      .catch(() => false);
    if (!open) return;
    await sleep(50);
  }
}

it('reports a target that exits during the capture window as exited, with its output', async () => {
  const marker = join(dir, 'exiting');
  const error = await profileTarget({
    target: { command: [process.execPath, APP], env: { EXIT_MARKER: marker } },
    load: async (url) => {
      await (await fetch(`${url}crash`)).text();
      await waitUntilExiting(marker);
    },
    cwd: ROOT,
  }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RedlineError);
  const failure = error as RedlineError;
  expect(failure.message).not.toMatch(/Cannot find context/);
  expect(failure.code).toBe('PROFILE_TARGET_EXITED');
  expect(failure.exitCode).toBe(ExitCode.TargetUnreachable);
  expect(failure.problems.join("\n")).toContain('planted crash: exiting with code 3');
}, 90_000);
