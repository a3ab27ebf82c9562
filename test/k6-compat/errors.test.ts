/**
 * k6 corpus, what Redline cannot run: every unsupported module or API fails with an error naming
 * it and the script's file:line (never a crash or a silent no-op), and k6's exit codes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedlineError } from '../../src/errors/redline-error.js';
import { startK6Server, type K6Server } from './helpers/k6-server.js';
import { metricValue, runCorpus } from './helpers/run-corpus.js';

let server: K6Server;
beforeAll(async () => {
  server = await startK6Server();
});
afterAll(() => server.close());

/** Runs a script that must fail before the test starts; returns the RedlineError. */
async function failure(name: string): Promise<RedlineError> {
  try {
    await runCorpus(`errors/${name}`, server.url);
  } catch (error) {
    expect(error).toBeInstanceOf(RedlineError);
    return error as RedlineError;
  }
  throw new Error(`${name} ran, but it should have been refused`);
}

describe('k6 corpus: unsupported modules and APIs', () => {
  it('a remote import that cannot be fetched names the URL, the cause and how to serve it', async () => {
    const error = await failure('jslib-import.js');
    expect(error.exitCode).toBe(107);
    expect(error.problems?.[0]).toContain('errors/jslib-import.js:3:28');
    expect(error.problems?.[0]).toContain('https://127.0.0.1:1/k6-utils/1.4.0/index.js');
    expect(error.problems?.[0]).toContain('ECONNREFUSED');
    expect(error.hint).toContain('--module-mirror https://127.0.0.1:1/=./vendor/');
  });

  it('an unsupported k6 module (k6/browser) is named, with its import line and the supported list', async () => {
    const error = await failure('unsupported-module.js');
    expect(error.exitCode).toBe(107);
    expect(error.position).toMatchObject({ line: 3 });
    expect(error.problems?.[0]).toMatch(
      /unsupported-module\.js:3:\d+ {2}module "k6\/browser" is not supported by Redline/,
    );
    expect(error.problems?.[0]).toContain('k6/http');
  });

  it('a name a k6 module does not export is named with the module and a suggestion', async () => {
    const error = await failure('missing-export.js');
    expect(error.exitCode).toBe(107);
    // Under Vitest the bundle goes through Vite (a TypeError); under Node it is a link error
    // (covered through the CLI in cli.test.ts). Both name the API and the script line.
    expect(`${error.message}\n${(error.problems ?? []).join('\n')}`).toContain(
      'setResponseCallbak',
    );
    expect(error.position?.file).toContain('missing-export.js');
    expect(error.position?.line).toBe(4);
  });

  it('a blocking call inside a sort comparator is refused by the transform at its line', async () => {
    const error = await failure('blocking-in-sort.js');
    expect(error.exitCode).toBe(107);
    expect(error.problems?.[0]).toContain('blocking-in-sort.js:7:5');
    expect(error.problems?.[0]).toContain('passed to sort()');
  });

  it('a request in the init context is refused at its line', async () => {
    const error = await failure('http-in-init.js');
    expect(error.exitCode).toBe(107);
    expect(error.problems?.[0]).toContain('http-in-init.js:4:16');
    expect(error.problems?.[0]).toContain('init context');
  });

  it('an exception in the init context gives exit code 107 and the user line', async () => {
    const error = await failure('init-throws.js');
    expect(error.exitCode).toBe(107);
    expect(error.code).toBe('E_SCRIPT_INIT');
    expect(error.position).toMatchObject({ line: 4 });
    expect(error.problems?.[0]).toContain('init-throws.js:4:');
  });

  it('invalid options give exit code 104 with every problem listed', async () => {
    const error = await failure('bad-options.js');
    expect(error.exitCode).toBe(104);
    const problems = (error.problems ?? []).join('\n');
    expect(problems).toContain('constant-vu');
    expect(problems).toContain('"count" is not valid for http_req_duration');
  });

  it('response.submitForm() without a form fails each iteration as in k6, naming the selector and the line; the test goes on', async () => {
    const run = await runCorpus('errors/html-api.js', server.url);
    expect(run.exitCode).toBe(0);
    expect(metricValue(run, 'iterations', 'count')).toBe(2);
    const message = `no form found for selector 'form' in response '${server.url}/ok'`;
    expect(run.totals.summarize('iterations', { error: message })?.sum).toBe(2);
    expect(run.scriptErrors[0]).toContain(message);
    expect(run.scriptErrors[0]).toContain('html-api.js:9:');
  });
});

describe('k6 corpus: exit codes', () => {
  it('a failed threshold gives 99, and the passing one is still reported', async () => {
    const run = await runCorpus('errors/threshold-fails.js', server.url);
    expect(run.exitCode).toBe(99);
    expect(run.result.thresholds.map((t) => `${t.metric} ${t.expression} ${t.ok}`)).toEqual([
      'http_req_failed rate<0.1 false',
      'http_reqs count==3 true',
    ]);
  });

  it('exec.test.abort() gives 108, as an interruption rather than a script error', async () => {
    const run = await runCorpus('errors/exec-abort.js', server.url);
    expect(run.exitCode).toBe(108);
    expect(run.result.reason).toBe('aborted-by-script');
    expect(run.result.detail).toContain('enough data');
    expect(metricValue(run, 'http_reqs', 'count')).toBeLessThan(50);
    expect(run.scriptErrors).toEqual([]);
  });

  it('exec.test.fail() gives 110 and lets the test finish', async () => {
    const run = await runCorpus('errors/exec-fail.js', server.url);
    expect(run.exitCode).toBe(110);
    expect(metricValue(run, 'iterations', 'count')).toBe(3);
  });
});
