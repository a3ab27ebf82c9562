/**
 * Every example in examples/ runs once, briefly, against the bundled demo service, so examples
 * never rot: no script errors, requests were made, and every status check passed (latency checks
 * may fail on a busy 2-core machine; they are not asserted).
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliOverrides } from '../../../src/config/cli-overrides.js';
import { type DemoServerHandle, startDemoServer } from '../../../src/demo/index.js';
import { runScriptTest } from '../../../src/engine/script-run/run-script.js';

const example = (path: string) =>
  fileURLToPath(new URL(`../../../examples/${path}`, import.meta.url));
let demo: DemoServerHandle;

beforeAll(async () => {
  demo = await startDemoServer({ port: 0, fixed: true });
  process.env['BASE_URL'] = demo.url;
}, 120_000);
afterAll(async () => {
  delete process.env['BASE_URL'];
  delete process.env['SMOKE'];
  await demo?.close();
});

async function runExample(path: string, cli?: CliOverrides) {
  const errors: string[] = [];
  const run = await runScriptTest({
    scriptPath: example(path),
    ...(cli ? { cli } : {}),
    onScriptError: (message) => errors.push(message),
  });
  const statusChecks = run.result.checks.filter((c) => /status|is 200/.test(c.name));
  return {
    run,
    errors,
    requests: run.result.metrics['http_reqs']?.values['count'] ?? 0,
    statusChecks,
  };
}

describe('examples', () => {
  it.each([
    'native/login-flow.ts',
    'k6/login-flow.js',
    'yaml/artillery-style.yaml',
    'yaml/captures-thresholds.yaml',
  ])('%s runs with --vus 2 --duration 1s', async (path) => {
    const { errors, requests, statusChecks } = await runExample(path, { vus: 2, duration: '1s' });
    expect(errors).toEqual([]);
    expect(requests).toBeGreaterThanOrEqual(2);
    expect(statusChecks.length).toBeGreaterThan(0);
    for (const check of statusChecks) expect(check, check.name).toMatchObject({ fails: 0 });
  });

  it('native/multi-scenario.ts runs both scenarios, setup, teardown and handleSummary (SMOKE=1)', async () => {
    process.env['SMOKE'] = '1';
    const { run, errors, requests, statusChecks } = await runExample('native/multi-scenario.ts');
    expect(errors).toEqual([]);
    expect(run.plan.scenarios.map((s) => s.name).sort()).toEqual(['browsers', 'shoppers']);
    expect(requests).toBeGreaterThanOrEqual(10);
    expect(statusChecks.map((c) => c.name).sort()).toEqual(['item is 200', 'page is 200']);
    for (const check of statusChecks) expect(check, check.name).toMatchObject({ fails: 0 });
    expect(run.result.metrics['pages_read']?.values['count']).toBeGreaterThan(0);
    expect(run.summaryOutputs?.['stdout']).toMatch(/\d+ requests, p\(95\)/);
  });
});
