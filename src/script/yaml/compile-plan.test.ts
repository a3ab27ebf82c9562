import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildPlan } from '../../config/build-plan.js';
import { isRedlineError, type RedlineError } from '../../errors/redline-error.js';
import { compileYamlPlan, readYamlPlan } from './compile-plan.js';

const dir = mkdtempSync(join(tmpdir(), 'redline-yaml-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function problemsOf(text: string): { error: RedlineError; problems: readonly string[] } {
  try {
    readYamlPlan(join(dir, 'plan.yaml'), text);
  } catch (error) {
    if (!isRedlineError(error)) throw error;
    return { error, problems: error.problems };
  }
  throw new Error('expected the plan to be rejected');
}

describe('YAML plan problems', () => {
  it('lists every problem with file:line:column and a suggestion, exit 104', () => {
    const { error, problems } = problemsOf(`config:
  target: http://127.0.0.1:1
  phases:
    - duration: 10x
      arrivalRate: 5
    - duration: 5
      arivalRate: 3
  variabels: {}
flow:
  - post:
      url: /login
      jsn: {a: 1}
  - get:
      url: "/users/{{ tokn }}"
      capture: { json: $.id, as: token }
  - thinkk: 1
`);
    expect(error.code).toBe('E_YAML_INVALID');
    expect(error.exitCode).toBe(104);
    expect(error.position).toMatchObject({ line: 4, column: 17 });
    expect(problems).toEqual([
      expect.stringMatching(
        /plan\.yaml:4:17: config\.phases\[0\]\.duration: must be a duration .*got "10x"/,
      ),
      expect.stringMatching(/plan\.yaml:6:7: config\.phases\[1\]: a phase needs arrivalRate/),
      expect.stringContaining(
        'plan.yaml:7:7: config.phases[1].arivalRate: unknown key "arivalRate" in a phase; did you mean "arrivalRate"?',
      ),
      expect.stringMatching(
        /plan\.yaml:8:3: config\.variabels: unknown key "variabels" in config; did you mean "variables"\?/,
      ),
      expect.stringMatching(
        /plan\.yaml:12:7: flow\[0\]\.post\.jsn: unknown key "jsn" in a POST request; did you mean "json"\?/,
      ),
      expect.stringMatching(
        /plan\.yaml:14:12: flow\[1\]\.get\.url: unknown variable "tokn" in \{\{ tokn \}\}; did you mean "token"\?/,
      ),
      expect.stringMatching(
        /plan\.yaml:16:5: flow\[2\]\.thinkk: unknown step "thinkk"; did you mean "think"\?/,
      ),
    ]);
  });

  it('reports the k6 scenario problems together with the plan problems (one pass, not one by one)', () => {
    const { problems } = problemsOf(`target: http://127.0.0.1:1
scenarios:
  readers:
    executor: constant-arrival-rate
    rate: 0
    duration: 2x
    flow: [{ get: /items }]
  writers:
    executor: ramping-vuss
    stages: [{ duration: 1m, target: 10 }]
    flow: [{ post: { url: /orders, json: { item: 1 } } }]
thresholds:
  http_req_duration: ["p(95)<<500"]
variables:
  x: 1
flow:
  - get: { url: "/{{ y }}", headrs: { a: b } }
`);
    expect(problems).toEqual([
      expect.stringMatching(/plan\.yaml:4:5: scenarios\.readers\.preAllocatedVUs: is required/),
      expect.stringMatching(
        /plan\.yaml:5:11: scenarios\.readers\.rate: the iteration rate must be more than 0/,
      ),
      expect.stringMatching(
        /plan\.yaml:6:15: scenarios\.readers\.duration: must be a duration such as .* got "2x"/,
      ),
      expect.stringMatching(
        /plan\.yaml:9:15: scenarios\.writers\.executor: unknown executor "ramping-vuss"; did you mean "ramping-vus"\?/,
      ),
      expect.stringMatching(
        /plan\.yaml:13:23: thresholds\.http_req_duration\[0\]: "<500" is not a number/,
      ),
      expect.stringMatching(/plan\.yaml:17:17: flow\[0\]\.get\.url: unknown variable "y"/),
      expect.stringMatching(/plan\.yaml:17:29: flow\[0\]\.get\.headrs: unknown key "headrs"/),
    ]);
  });

  it("points a threshold's unknown key at the key itself, with the nearest field", () => {
    const { problems } = problemsOf(`target: http://127.0.0.1:1
thresholds:
  http_req_duration:
    - threshold: p(95)<500
      abortOnFial: true
flow:
  - get: /a
`);
    expect(problems).toEqual([
      expect.stringMatching(
        /plan\.yaml:5:7: thresholds\.http_req_duration\[0\]\.abortOnFial: unknown key "abortOnFial" in a threshold .*; did you mean "abortOnFail"\?$/,
      ),
    ]);
  });

  it('checks each k6 execution value even when they conflict', () => {
    const { problems } = problemsOf(`target: http://127.0.0.1:1
vus: 0
duration: 10x
stages: [{ duration: 1m, target: -1 }]
iterations: abc
flow:
  - get: /a
`);
    expect(problems).toEqual([
      expect.stringMatching(/plan\.yaml:2:6: vus: the number of VUs must be more than 0/),
      expect.stringMatching(/plan\.yaml:3:11: duration: ExecutionConflict: /),
      expect.stringMatching(/plan\.yaml:3:11: duration: must be a duration such as .* got "10x"/),
      expect.stringMatching(
        /plan\.yaml:4:34: stages\[0\]\.target: must be a whole number ≥ 0, got -1/,
      ),
      expect.stringMatching(/plan\.yaml:5:13: iterations: ExecutionConflict: /),
      expect.stringMatching(/plan\.yaml:5:13: iterations: must be a whole number ≥ 0, got "abc"/),
    ]);
  });

  it('does not report a half-read phase twice (the plan builder would see its bad duration again)', () => {
    const { problems } = problemsOf(`target: http://127.0.0.1:1
phases:
  - duration: 10x
    arrivalRate: 5
  - duration: 5
    arrivalRate: 2
    maxVusers: -3
options:
  discardResponseBodies: "yes"
flow:
  - get: /a
`);
    expect(problems).toEqual([
      expect.stringMatching(/plan\.yaml:3:15: phases\[0\]\.duration: must be a duration/),
      expect.stringMatching(
        /plan\.yaml:7:16: phases\[1\]\.maxVusers: must be a whole number ≥ 1, got -3/,
      ),
      expect.stringMatching(
        /plan\.yaml:9:26: options\.discardResponseBodies: must be true or false/,
      ),
    ]);
  });

  it('reports YAML syntax errors at their line', () => {
    const { error, problems } = problemsOf('target: http://x\nflow: [1, 2\nb: x\n');
    expect(error.code).toBe('E_YAML_SYNTAX');
    expect(error.exitCode).toBe(104);
    expect(problems[0]).toMatch(/plan\.yaml:3:1: YAML syntax: /);
  });

  it('maps k6 option problems (thresholds, scenarios) back to the plan lines', () => {
    const { problems } = problemsOf(`target: http://127.0.0.1:1
thresholds:
  http_req_duration: ["p95<500"]
scenarios:
  browse:
    executor: constant-arrival-rate
    rate: 5
    duration: 1s
    preAllocatedVUs: 2
    maxVUs: 1
    flow:
      - get: /
`);
    expect(problems).toEqual([
      expect.stringMatching(
        /plan\.yaml:3:23: thresholds\.http_req_duration\[0\]: unknown aggregation "p95"; did you mean "p\(95\)"\?/,
      ),
      expect.stringMatching(/plan\.yaml:10:13: scenarios\.browse\.maxVUs: /),
    ]);
  });

  it('needs a target for relative URLs, and a flow', () => {
    expect(problemsOf('flow:\n  - get: /items\n').problems[0]).toMatch(
      /plan\.yaml:2:10: flow\[0\]\.get\.url: "\/items" is a relative URL but the plan has no target/,
    );
    expect(problemsOf('target: http://127.0.0.1:1\n').problems[0]).toContain(
      'the plan has no flow',
    );
  });

  it('rejects Artillery features it cannot run, saying what to do instead', () => {
    const { problems } = problemsOf(`config:
  target: http://127.0.0.1:1
  processor: ./hooks.js
flow:
  - function: doSomething
`);
    expect(problems[0]).toMatch(
      /plan\.yaml:3:3: config\.processor: "processor" is not supported: .*TypeScript script/,
    );
    expect(problems[1]).toMatch(/plan\.yaml:5:5: flow\[0\]\.function: "function" is not supported/);
  });

  it('checks payload files and loop values', () => {
    const { problems } = problemsOf(`target: http://127.0.0.1:1
payload:
  path: missing.csv
flow:
  - get: "/x/{{ $loopIndex }}"
`);
    expect(problems).toEqual([
      expect.stringMatching(
        /plan\.yaml:3:9: payload\.path: cannot read the payload file .*missing\.csv/,
      ),
      expect.stringMatching(
        /plan\.yaml:5:10: flow\[0\]\.get\.url: \$loopIndex is only defined inside a loop/,
      ),
    ]);
  });
});

describe('k6 option warnings of a YAML plan', () => {
  const text = `target: http://127.0.0.1:1
vus: 1
duration: 1s
thresholds:
  my_metric: ["p(95)<500"]
  http_req_failed: [{ threshold: "rate<0.01", delayAbortEval: 10s }]
options:
  linger: true
  someFutureOption: 3
flow:
  - get: /
`;

  it('are not dropped: the run shows them at the plan key they came from', () => {
    const read = readYamlPlan(join(dir, 'plan.yaml'), text);
    // The options check of the plan itself leaves them to the run (shown once, as a script's).
    expect(read.warnings).toEqual([]);
    // What the run does (engine/script-run planPhase): build the plan from the generated options.
    const built = buildPlan({
      scriptOptions: read.plan.options,
      exportedFunctions: ['default'],
      describeProblem: read.describeOptionProblem,
    });
    const shown = built.warnings.map((w) => w.replace(`${dir}/`, '')).sort();
    expect(shown).toEqual([
      'plan.yaml:5:3: thresholds.my_metric: metric "my_metric" is not a built-in metric and was not declared (it is checked again when the run ends)',
      'plan.yaml:6:47: thresholds.http_req_failed[0].delayAbortEval: has no effect without abortOnFail: true',
      'plan.yaml:8:3: options.linger: ignored: Redline has no API server to keep alive after the test',
      'plan.yaml:9:3: options.someFutureOption: ignored: unknown option "someFutureOption" (k6 ignores unknown options with a warning too)',
    ]);
  });

  it('keep the wording of the options reader when they have no origin in the plan (a flag)', () => {
    const read = readYamlPlan(join(dir, 'plan.yaml'), text);
    expect(read.describeOptionProblem({ path: ['--vus'], message: 'is odd' })).toBe(
      '--vus: is odd',
    );
  });
});

describe('compileYamlPlan', () => {
  it('writes a module that uses the native API, with a source map to the plan', async () => {
    const file = join(dir, 'ok.yaml');
    writeFileSync(join(dir, 'users.csv'), 'email,age\na@x.io,31\nb@x.io,42\n');
    writeFileSync(
      file,
      `target: http://127.0.0.1:1
payload: { path: users.csv, order: sequence }
flow:
  - post:
      url: /login
      json: { email: "{{ email }}", age: "{{ age }}" }
      capture: { json: $.token, as: token }
      check: { status: 200 }
`,
    );
    const compiled = await compileYamlPlan(file);
    try {
      const code = readFileSync(compiled.scriptPath, 'utf8');
      expect(code).toContain("from 'redline'");
      expect(code).toContain('export default async function (data)');
      expect(code).toContain('rt.send("POST"');
      // Payload rows are shared by the VUs of a thread (SharedArray), not copied into each.
      expect(code).toMatch(
        /const PAYLOAD_0 = new SharedArray\("plan payload 1: [^"]+", \(\) => JSON\.parse\(open\(/,
      );
      const map = JSON.parse(readFileSync(`${compiled.scriptPath}.map`, 'utf8')) as {
        sources: string[];
      };
      expect(map.sources).toEqual([file]);
      expect(JSON.parse(readFileSync(join(compiled.dir, 'payload-1.json'), 'utf8'))).toEqual([
        { email: 'a@x.io', age: 31 },
        { email: 'b@x.io', age: 42 },
      ]);
    } finally {
      await compiled.dispose();
    }
  });
});
