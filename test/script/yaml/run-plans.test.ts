/**
 * YAML plans compiled and run end to end against a real HTTP server on loopback: captures feed
 * later requests, checks and thresholds are recorded, Artillery phases give the expected arrivals,
 * data files and setup/teardown work, and runtime errors point at the plan's lines.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runScriptTest } from '../../../src/engine/script-run/run-script.js';
import { isRedlineError } from '../../../src/errors/redline-error.js';
import { startHttpServer, type TestServer } from '../../helpers/servers.js';

interface Seen {
  method: string;
  path: string;
  auth: string | undefined;
  body: string;
}

let server: TestServer;
let seen: Seen[] = [];
const dir = mkdtempSync(join(tmpdir(), 'redline-yaml-run-'));

beforeAll(async () => {
  server = await startHttpServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => {
      body += chunk.toString();
    });
    req.on('end', () => {
      const path = req.url ?? '/';
      seen.push({ method: req.method ?? '', path, auth: req.headers.authorization, body });
      res.setHeader('content-type', 'application/json');
      if (path === '/auth/login') {
        const form = req.headers['content-type']?.includes('json')
          ? (JSON.parse(body || '{}') as { email?: string })
          : Object.fromEntries(new URLSearchParams(body));
        const email = form.email ?? 'nobody';
        return res.end(JSON.stringify({ token: `tok-${email}` }));
      }
      if (path.startsWith('/users/me')) {
        // The token must be the one the login of this iteration returned.
        if (!req.headers.authorization?.startsWith('Bearer tok-')) {
          res.statusCode = 401;
          return res.end('{"error":"unauthorized"}');
        }
        return res.end(
          JSON.stringify({ email: req.headers.authorization.slice('Bearer tok-'.length) }),
        );
      }
      if (path.startsWith('/items'))
        return res.end(JSON.stringify({ items: [{ id: 1 }, { id: 2 }], page: { limit: 20 } }));
      res.end('{}');
    });
  });
  process.env['TARGET'] = server.url;
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

async function run(name: string, yaml: string, workers = 1) {
  const file = join(dir, name);
  writeFileSync(file, yaml);
  seen = [];
  const errors: string[] = [];
  const out = await runScriptTest({
    scriptPath: file,
    workers,
    onScriptError: (message, stack) => errors.push(`${message}\n${stack}`),
  });
  return { ...out, errors, seen: [...seen] };
}

const count = (list: Seen[], prefix: string) =>
  list.filter((s) => s.path.startsWith(prefix)).length;

describe('YAML plans, end to end', () => {
  it('captures a login token and sends it on later requests; checks are recorded', async () => {
    const {
      result,
      seen: requests,
      errors,
      exitCode,
    } = await run(
      'captures.yaml',
      `target: "{{ $env.TARGET }}"
iterations: 3
vus: 1
flow:
  - post:
      url: /auth/login
      json: { email: "user{{ $iteration }}@x.io", password: secret }
      capture: { json: $.token, as: token }
      check: { status: 200 }
  - get:
      url: /users/me
      headers: { Authorization: "Bearer {{ token }}" }
      check:
        status: 200
        json: { email: "user{{ $iteration }}@x.io" }
`,
    );
    expect(errors).toEqual([]);
    expect(exitCode).toBe(0);
    expect(requests.filter((s) => s.path === '/users/me').map((s) => s.auth)).toEqual([
      'Bearer tok-user0@x.io',
      'Bearer tok-user1@x.io',
      'Bearer tok-user2@x.io',
    ]);
    expect(JSON.parse(requests[0]!.body)).toEqual({ email: 'user0@x.io', password: 'secret' });
    expect(result.checks).toEqual([
      { name: 'POST /auth/login: status is 200', path: '', passes: 3, fails: 0 },
      { name: 'GET /users/me: status is 200', path: '', passes: 3, fails: 0 },
      {
        name: 'GET /users/me: email is "user{{ $iteration }}@x.io"',
        path: '',
        passes: 3,
        fails: 0,
      },
    ]);
  });

  it('evaluates thresholds (k6 grammar and Artillery ensure): a failed one exits 99', async () => {
    const { result, exitCode } = await run(
      'thresholds.yaml',
      `config:
  target: "{{ $env.TARGET }}"
  ensure: { maxErrorRate: 0 }
thresholds:
  http_reqs: ["count==2"]
  http_req_duration: ["max<0"]
iterations: 2
flow:
  - get: /items
`,
    );
    expect(exitCode).toBe(99);
    const outcomes = Object.fromEntries(
      result.thresholds.map((t) => [`${t.metric} ${t.expression}`, t.ok]),
    );
    expect(outcomes).toEqual({
      'http_reqs count==2': true,
      'http_req_duration max<0': false,
      'http_req_failed rate<=0': true,
    });
  });

  it('runs an arrivalCount phase as exactly that many arrivals, one flow run each', async () => {
    const { seen: requests, result } = await run(
      'arrival-count.yaml',
      `config:
  target: "{{ $env.TARGET }}"
  phases:
    - { duration: 1, arrivalCount: 7 }
scenarios:
  - flow:
      - get: /items/a
      - get: /items/b
`,
    );
    expect(count(requests, '/items/a')).toBe(7);
    expect(count(requests, '/items/b')).toBe(7);
    expect(result.metrics['iterations']?.values['count']).toBe(7);
  });

  it('runs phases one after another: arrivalRate and rampTo at their rates, pause in between', async () => {
    const { seen: requests, result } = await run(
      'phases.yaml',
      `config:
  target: "{{ $env.TARGET }}"
  phases:
    - { duration: 1, arrivalRate: 20, name: steady }
    - { pause: 0.5 }
    - { duration: 2, arrivalRate: 0, rampTo: 20 }
flow:
  - get: /items
`,
    );
    // 20 + (0 -> 20/s over 2 s: 20 arrivals); the machine is shared, so loosely.
    expect(count(requests, '/items')).toBeGreaterThanOrEqual(36);
    expect(count(requests, '/items')).toBeLessThanOrEqual(42);
    expect(result.durationMs).toBeGreaterThanOrEqual(3300);
    expect(result.metrics['dropped_iterations']).toBeUndefined();
  });
  it('feeds CSV rows in sequence, variables, before/after (setup data reaches every VU), loops and groups', async () => {
    writeFileSync(join(dir, 'users.csv'), 'email,password\na@x.io,pa\nb@x.io,pb\nc@x.io,pc\n');
    const {
      seen: requests,
      result,
      errors,
    } = await run(
      'data.yaml',
      `target: "{{ $env.TARGET }}"
iterations: 3
payload: { path: users.csv, order: sequence }
variables:
  page: 20
defaults:
  headers: { X-Client: plan }
before:
  flow:
    - post: { url: /auth/login, json: { email: admin }, capture: { json: token, as: adminToken } }
after:
  - get: { url: /after, headers: { Authorization: "Bearer {{ adminToken }}" } }
flow:
  - group: login
    flow:
      - post:
          url: /auth/login
          form: { email: "{{ email }}", password: "{{ password }}" }
  - loop:
      - get: { url: "/items/{{ $loopElement }}", qs: { limit: "{{ page }}", n: "{{ $loopCount }}" } }
    over: [x, y]
  - set: { who: "{{ email }}" }
  - get: { url: /users/me, headers: { Authorization: "Bearer {{ adminToken }}" }, check: { json: { email: admin } } }
  - get: { url: "/items/{{ who }}", auth: { user: "{{ email }}", pass: "{{ password }}" } }
`,
    );
    expect(errors).toEqual([]);
    const logins = requests.filter((r) => r.path === '/auth/login').map((r) => r.body);
    expect(logins[0]).toBe('{"email":"admin"}');
    expect(logins.slice(1).sort()).toEqual([
      'email=a%40x.io&password=pa',
      'email=b%40x.io&password=pb',
      'email=c%40x.io&password=pc',
    ]);
    expect(requests.filter((r) => r.path.startsWith('/items/x')).map((r) => r.path)).toEqual([
      '/items/x?limit=20&n=1',
      '/items/x?limit=20&n=1',
      '/items/x?limit=20&n=1',
    ]);
    expect(count(requests, '/items/y?limit=20&n=2')).toBe(3);
    const basic = requests.find((r) => r.path === '/items/a@x.io')?.auth;
    expect(basic).toBe(`Basic ${Buffer.from('a@x.io:pa').toString('base64')}`);
    expect(requests.filter((r) => r.path === '/after').map((r) => r.auth)).toEqual([
      'Bearer tok-admin',
    ]);
    expect(result.checks).toEqual([
      { name: 'GET /users/me: email is "admin"', path: '', passes: 3, fails: 0 },
    ]);
    expect(result.metrics['group_duration']).toBeDefined();
    // The run records its test data for the report (no values, only counts and the draw order).
    expect(result.meta.testData).toMatch(
      /users\.csv \(3 records, each a distinct email; one row per iteration, in sequence over the iterations/,
    );
    expect(result.meta.testData).not.toContain('a@x.io');
  });

  it('picks weighted flows (a weight of 0 never runs) and runs k6-style scenarios on 2 workers', async () => {
    const weighted = await run(
      'weighted.yaml',
      `target: "{{ $env.TARGET }}"
iterations: 30
vus: 2
scenarios:
  - { name: a, weight: 1, flow: [ { get: /items/a } ] }
  - { name: b, weight: 1, flow: [ { get: /items/b } ] }
  - { name: never, weight: 0, flow: [ { get: /items/never } ] }
`,
    );
    expect(count(weighted.seen, '/items/a') + count(weighted.seen, '/items/b')).toBe(30);
    expect(count(weighted.seen, '/items/a')).toBeGreaterThan(0);
    expect(count(weighted.seen, '/items/b')).toBeGreaterThan(0);
    expect(count(weighted.seen, '/items/never')).toBe(0);

    const k6 = await run(
      'k6-scenarios.yaml',
      `target: "{{ $env.TARGET }}"
scenarios:
  readers:
    executor: shared-iterations
    vus: 2
    iterations: 10
    flow: [ { get: /items/read } ]
  writers:
    executor: per-vu-iterations
    vus: 2
    iterations: 3
    flow: [ { post: { url: /items/write, json: { n: 1 } } } ]
`,
      2,
    );
    expect(k6.errors).toEqual([]);
    expect(count(k6.seen, '/items/read')).toBe(10);
    expect(count(k6.seen, '/items/write')).toBe(6);
  });

  it('ends an iteration when a capture finds nothing, pointing at the plan line', async () => {
    const {
      errors,
      result,
      seen: requests,
    } = await run(
      'capture-fails.yaml',
      `target: "{{ $env.TARGET }}"
iterations: 2
flow:
  - get:
      url: /items
      capture:
        - json: $.token
          as: token
        - header: content-type
          as: type
        - regexp: '"id":(\\d+)'
          as: firstId
      check: { status: 200 }
  - get: "/users/{{ token }}"
`,
    );
    expect(count(requests, '/users')).toBe(0);
    // The message names the step's line; the stack maps the generated code back to it too.
    expect(errors[0]).toMatch(
      /^Error: capture "token" found no \$\.token in the response of GET \/items \(status 200\) at \S*capture-fails\.yaml:4:5/,
    );
    expect(errors[0]).toMatch(/at main_flow_1 \(\S*capture-fails\.yaml:4:5\)/);
    expect(result.checks).toEqual([
      { name: 'GET /items: status is 200', path: '', passes: 2, fails: 0 },
    ]);
  });

  it('rejects an invalid plan before anything runs (exit 104, every problem with its line)', async () => {
    const error = await run(
      'invalid.yaml',
      `target: "{{ $env.TARGET }}"\nphases:\n  - duration: 1\nflow:\n  - get: /items\n`,
    ).catch((e: unknown) => e);
    expect(isRedlineError(error)).toBe(true);
    if (!isRedlineError(error)) return;
    expect(error.exitCode).toBe(104);
    expect(error.problems).toEqual([
      expect.stringMatching(/invalid\.yaml:3:5: phases\[0\]: a phase needs arrivalRate/),
    ]);
    expect(seen).toEqual([]);
  });
  it('records every kind of check, and captures from headers and regular expressions', async () => {
    const {
      result,
      errors,
      seen: requests,
    } = await run(
      'checks.yaml',
      `target: "{{ $env.TARGET }}"
flow:
  - get:
      url: /items
      cookie: { session: abc }
      timeout: 5
      followRedirect: false
      capture:
        - { header: content-type, as: type }
        - { regexp: '"id":(\\d+)', as: firstId }
        - { json: $.missing, as: fallback, default: none }
      check:
        status: [200, 201]
        notStatus: 500
        bodyContains: '"items"'
        bodyMatches: '^\\{'
        json:
          $.items[-1].id: 2
          items.#: 2
          page.limit: "20"
        hasProperty: [$.page, items.0.id]
        notHasProperty: $.error
        header: { content-type: json }
        contentType: application/json
        maxDuration: 10s
      expect:
        - statusCode: 200
        - hasHeader: content-type
        - headerEquals: [content-type, application/json]
        - matchesRegexp: items
        - equals: ["{{ firstId }}", 1]
        - equals: ["{{ type }}", application/json]
        - equals: ["{{ fallback }}", none]
        - statusCode: 404
`,
    );
    expect(errors).toEqual([]);
    expect(requests[0]?.path).toBe('/items');
    const failed = result.checks.filter((c) => c.fails > 0).map((c) => c.name);
    expect(failed).toEqual(['GET /items: status is 404']);
    expect(result.checks.filter((c) => c.passes === 1)).toHaveLength(20);
  });
});
