// A target that exits while it is profiled: Node keeps an exiting process alive while an inspector
// session is attached (context destroyed, "Waiting for the debugger to disconnect..."), so every
// evaluation answers "Cannot find context with specified id". Redline must report the target's
// exit and its last lines (exit 69), not an inspector failure (exit 72).

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors/exit-codes.js';
import { RedlineError } from '../../src/errors/redline-error.js';
import { profileTarget } from '../../src/profiler/index.js';
import { findFreePort, waitForPort } from '../../src/util/net.js';
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

/** Profiles a target whose load makes it crash; returns what profileTarget threw. */
function crashWhileProfiled(
  marker: string,
  where: Pick<Parameters<typeof profileTarget>[0], 'target' | 'url'>,
): Promise<unknown> {
  return profileTarget({
    ...where,
    load: async (url) => {
      await (await fetch(`${url}crash`)).text();
      await waitUntilExiting(marker);
    },
    cwd: ROOT,
  }).then(
    () => undefined,
    (e: unknown) => e,
  );
}

it('reports a target that exits during the capture window as exited, with its output', async () => {
  const marker = join(dir, 'exiting');
  const error = await crashWhileProfiled(marker, {
    target: { command: [process.execPath, APP], env: { EXIT_MARKER: marker } },
  });
  expect(error).toBeInstanceOf(RedlineError);
  const failure = error as RedlineError;
  expect(failure.message).not.toMatch(/Cannot find context/);
  expect(failure.code).toBe('PROFILE_TARGET_EXITED');
  expect(failure.message).toBe('the target exited with code 3 while it was profiled');
  expect(failure.exitCode).toBe(ExitCode.TargetUnreachable);
  expect(failure.problems.join('\n')).toContain('planted crash: exiting with code 3');
}, 90_000);

it('names the exit when attached by host:port to a target that exits (what the audit maps to its own exit)', async () => {
  const marker = join(dir, 'exiting-attached');
  const port = await findFreePort();
  const child = spawn(process.execPath, ['--inspect=127.0.0.1:0', APP], {
    env: { ...process.env, PORT: String(port), EXIT_MARKER: marker },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  try {
    const inspector = await new Promise<string>((resolve) => {
      child.stderr?.on('data', (chunk: Buffer) => {
        const match = /ws:\/\/(127\.0\.0\.1:\d+)\//.exec(chunk.toString());
        if (match) resolve(match[1] as string);
      });
    });
    await waitForPort(port);
    const error = await crashWhileProfiled(marker, {
      target: { attach: inspector },
      url: `http://127.0.0.1:${port}/`,
    });
    expect((error as RedlineError).code).toBe('PROFILE_TARGET_EXITING');
    expect((error as RedlineError).message).toContain(`attached to ${inspector}`);
    expect((error as RedlineError).exitCode).toBe(ExitCode.TargetUnreachable);
    // The session is closed: the target finishes exiting with its own code.
    const code = await new Promise<number | null>((resolve) => {
      if (child.exitCode !== null) resolve(child.exitCode);
      child.once('exit', (c) => resolve(c));
    });
    expect(code).toBe(3);
  } finally {
    child.kill('SIGKILL');
  }
}, 90_000);
