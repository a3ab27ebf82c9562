/**
 * Per-VU init context: each VU runs the script's init code for its own module state (k6
 * scripts; native scripts opt in with `export const perVuInit = true`), SharedArray is built
 * once per thread and shared, __VU is the VU's number in its init, options are read once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isRedlineError } from '../../src/errors/redline-error.js';
import { type K6Server, startK6Server } from './helpers/k6-server.js';
import { checkCounts, runCorpus } from './helpers/run-corpus.js';

let server: K6Server;
beforeAll(async () => {
  server = await startK6Server();
});
afterAll(() => server.close());

const g = globalThis as Record<string, unknown>;

describe('per-VU init context', () => {
  it.each([1, 2])('24 every VU has its own init state, SharedArray stays shared (%i workers)', async (workers) => {
    delete g.__perVuInitRuns;
    delete g.__perVuArrayBuilds;
    delete g.__perVuShared;
    const run = await runCorpus('24-per-vu-init.js', server.url, {}, workers);
    expect(run.scriptErrors).toEqual([]);
    expect(run.exitCode).toBe(0);
    for (const name of [
      'top-level counter is per VU',
      'local module state is per VU',
      '__VU in init is the VU',
      'SharedArray built once per thread',
      'SharedArray data shared',
      'open() outside the init context throws',
    ]) {
      expect({ name, counts: checkCounts(run, name) }).toEqual({ name, counts: { passes: 18, fails: 0 } });
    }
    // Random picks at the top level: one per VU, not one for all (6 VUs over 40 names).
    const picked = Array.from({ length: 40 }, (_, i) => `user-${i}`).filter(
      (user) => (run.totals.summarize('user_picks', { user })?.sum ?? 0) > 0,
    );
    expect(run.totals.summarize('user_picks')?.sum).toBe(6);
    expect(picked.length).toBeGreaterThan(1);
    // Options come from the first run of the init code (no VU), once.
    expect(run.plan.options.tags.optionsVu).toBe('0');
    if (workers === 1) {
      // This thread ran the init code for the options (main instance) and once per VU.
      expect(g.__perVuInitRuns).toBe(1 + 6);
      expect(g.__perVuArrayBuilds).toBe(1);
    }
  });

  it.each([1, 2])('an error in one VU\'s init code stops the run before the test, located (%i workers)', async (workers) => {
    const error = await runCorpus('errors/vu-init-throws.js', server.url, {}, workers).catch((e: unknown) => e);
    expect(isRedlineError(error)).toBe(true);
    if (!isRedlineError(error)) return;
    expect(error.code).toBe('E_SCRIPT_INIT');
    expect(error.exitCode).toBe(107);
    expect(error.message).toBe('the script threw in its init context (VU 3): no token for VU 3');
    expect(error.position).toMatchObject({ line: 3 });
    expect(error.position?.file).toMatch(/vu-init-throws\.js$/);
    expect(error.problems[0]).toMatch(/\n\s+at \S*vu-init-throws\.js:3:\d+/);
    expect(error.problems[0]).not.toMatch(/redline/i);
  });

  it('a native script keeps one module instance per thread unless it opts in', async () => {
    const shared = await runCorpus('native/counter-shared.ts', server.url);
    expect(shared.scriptErrors).toEqual([]);
    expect(g.__nativeCounter).toBe(6);
    const perVu = await runCorpus('native/counter-per-vu.ts', server.url);
    expect(perVu.scriptErrors).toEqual([]);
    expect(checkCounts(perVu, 'counter is per VU')).toEqual({ passes: 6, fails: 0 });
  });
});
