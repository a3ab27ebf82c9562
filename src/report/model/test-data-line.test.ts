// Every report states the test data it ran with (issue 13 §3): a plain quick run against one URL
// says "none", a YAML plan names its data file and how rows were drawn, run files saved before the
// line existed still get one, and the Markdown and HTML reports print it.
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeScriptData, runQuickTest } from '../../engine/index.js';
import { createSyntheticRun } from '../../results/__fixtures__/synthetic-run.js';
import { runTestData, URL_ONLY_TEST_DATA } from '../../results/run-meta.js';
import { renderHtml } from '../html/render-html.js';
import { renderMarkdown } from '../markdown/render-markdown.js';
import { createReportModelFromRun } from './create-from-run.js';

const dir = mkdtempSync(join(tmpdir(), 'redline-test-data-'));
let server: Server;
let url: string;

beforeAll(async () => {
  server = createServer((_req, res) => res.end('ok')).listen(0, '127.0.0.1');
  await once(server, 'listening');
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(() => {
  server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the report’s test data line', () => {
  it('a plain quick run against one URL records and reports "none"', async () => {
    const { result } = await runQuickTest({ url, connections: 1, durationMs: 300 });
    expect(result.meta.testData).toBe(URL_ONLY_TEST_DATA);
    const model = createReportModelFromRun(result);
    expect(model.loadTest.configuration.testData).toBe('none: a single URL without data');
    expect(renderMarkdown(model)).toContain('- Test data: none: a single URL without data');
    expect(renderHtml(model)).toContain('Test data: none: a single URL without data');
  });

  it('a run file saved before the line existed still gets one', () => {
    const quick = createSyntheticRun({ target: 'http://127.0.0.1:3000/' });
    expect(quick.meta.testData).toBeUndefined();
    expect(renderMarkdown(createReportModelFromRun(quick))).toContain(
      '- Test data: none: a single URL without data',
    );
    expect(runTestData({ target: 'load.js' })).toMatch(/^not recorded/);
  });

  it('a YAML plan names its data file, its records and how rows were drawn', () => {
    writeFileSync(join(dir, 'users.csv'), 'email\na@example.com\nb@example.com\nc@example.com\n');
    const plan = join(dir, 'plan.yaml');
    writeFileSync(
      plan,
      `target: ${url}\npayload:\n  path: users.csv\n  order: sequence\nflow:\n  - get:\n      url: /?u={{ email }}\n`,
    );
    const sentence = describeScriptData(plan);
    expect(sentence).toMatch(
      /users\.csv \(3 records, each a distinct email; one row per iteration, in sequence over the iterations/,
    );
    const run = createSyntheticRun({ target: plan });
    run.meta.testData = sentence;
    expect(renderMarkdown(createReportModelFromRun(run))).toContain(`- Test data: ${sentence}`);
    expect(describeScriptData(join(dir, 'load.js'))).toMatch(/^not stated/);
  });
});
