/** Audit config validation: defaults, every problem at once, criteria parsing, flows, secrets. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SUCCESS_CRITERIA } from '../../results/criteria.js';
import { formatInputProblem } from '../../util/input-reader.js';
import { parseLimit } from './criteria.js';
import { createFlowLabels } from './flow.js';
import { parseAuditConfig } from './parse-config.js';
import { splitCommand } from './target.js';

const dir = mkdtempSync(join(tmpdir(), 'redline-audit-config-'));
const base = { baseDir: dir };

const minimal = {
  target: 'http://127.0.0.1:3000',
  flow: { urls: ['/health', 'GET /items?limit=20'] },
};

function problems(raw: unknown): string[] {
  return parseAuditConfig(raw, base).problems.map((p) => formatInputProblem(p));
}

describe('parseAuditConfig', () => {
  it('fills the default criteria, X = 10 and the standard steps for a minimal config', () => {
    const { config, problems: list } = parseAuditConfig(minimal, base);
    expect(list).toEqual([]);
    expect(config?.criteria).toEqual(DEFAULT_SUCCESS_CRITERIA);
    expect(config?.baseUsers).toBe(10);
    expect(config?.steps.peak.users).toBe(30);
    expect(config?.steps.spike.users).toBe(50);
    expect(config?.steps.load.durationMs).toBe(60_000);
    expect(config?.steps.stress).toMatchObject({ startUsers: 10, stepUsers: 10, maxSteps: 8 });
    expect(config?.target).toMatchObject({
      url: 'http://127.0.0.1:3000',
      readyPath: '/',
      probe: true,
    });
    expect(config?.outDir).toBe(join(dir, 'redline-report'));
  });

  it('reads sizes, skips and the compact sizing', () => {
    const { config } = parseAuditConfig(
      {
        ...minimal,
        users: 4,
        sizing: 'compact',
        steps: {
          soak: { duration: '1m', heapCheck: '3s', minRequests: 1000, maxDuration: '4m' },
          spike: false,
          stress: { start: 2, step: 2, maxSteps: 3, stepDuration: 4 },
        },
      },
      base,
    );
    expect(config?.steps.soak).toMatchObject({
      enabled: true,
      users: 4,
      durationMs: 60_000,
      heapCheckIntervalMs: 3000,
      minRequests: 1000,
      maxDurationMs: 240_000,
    });
    expect(config?.steps.spike.enabled).toBe(false);
    expect(config?.steps.stress).toMatchObject({
      startUsers: 2,
      stepUsers: 2,
      maxSteps: 3,
      stepDurationMs: 4000,
    });
    expect(config?.steps.baseline.durationMs).toBe(5000);
  });

  it('reports every problem at once, with paths and suggestions', () => {
    const list = problems({
      target: { url: 'ftp://x', comand: 'node app.js' },
      flow: { urls: ['items'] },
      users: 0,
      steps: { sok: { duration: '1m' }, load: { duration: 'soon' } },
      criteria: {
        p95: { target: '700ms', acceptable: '600ms' },
        errorRate: { target: '2', acceptable: '5%' },
      },
    });
    expect(list).toEqual(
      expect.arrayContaining([
        'target.comand: unknown key "comand"; did you mean "command"?',
        'target.url: must be an http:// or https:// URL, got "ftp://x"',
        'flow.urls[0]: must be a path or URL, optionally after a method: "GET /items?limit=20"',
        'users: must be a whole number ≥ 1 ≤ 100000, got 0',
        'steps.sok: unknown key "sok"; did you mean "soak"?',
        'steps.load.duration: must be a duration such as "30s", "1m30s" or "500ms" (a bare number is seconds), got "soon"',
        'criteria.p95: target must be at most acceptable (target is the stricter limit)',
        'criteria.errorRate.target: must be a share like 0.1% or 0.001, got "2"',
      ]),
    );
    expect(list.length).toBe(8);
  });

  it('requires a target and a flow, and a command for {port}', () => {
    expect(problems({})).toEqual([
      'target: is required (at least target.url)',
      'flow: is required: steps (a YAML plan flow), urls, or script',
    ]);
    expect(problems({ ...minimal, target: 'http://127.0.0.1:{port}' })).toEqual([
      'target.url: {port} needs target.command (the port is picked when Redline starts the target)',
    ]);
  });

  it('collects the flow secrets and the database password', () => {
    const { config } = parseAuditConfig(
      {
        target: {
          url: 'http://127.0.0.1:{port}',
          command: 'node server.js --port {port}',
          env: { API_TOKEN: 's3cr3t-token' },
        },
        database: 'postgres://app:hunter22@127.0.0.1:5432/shop',
        flow: {
          steps: [
            { post: { url: '/auth/login', json: { email: 'a@b.c', password: 'password123' } } },
            { get: { url: '/me', headers: { Authorization: 'Bearer {{ token }}' } } },
          ],
        },
      },
      base,
    );
    expect(config?.secrets.sort()).toEqual(['hunter22', 'password123', 's3cr3t-token']);
    expect(config?.target.command).toEqual(['node', 'server.js', '--port', '{port}']);
    expect(config?.target.cwd).toBe(dir);
  });

  it('reads flow.payload: data files resolved against the config folder, missing ones refused', () => {
    writeFileSync(join(dir, 'users.csv'), 'email\na@b.c\n');
    const steps = [{ get: '/me' }];
    const { config } = parseAuditConfig(
      { ...minimal, flow: { steps, payload: { path: 'users.csv', order: 'sequence' } } },
      base,
    );
    expect(config?.flow).toMatchObject({
      kind: 'steps',
      payload: [{ path: join(dir, 'users.csv'), order: 'sequence' }],
    });
    expect(problems({ ...minimal, flow: { steps, payload: [{ path: 'nope.csv' }, 'x'] } })).toEqual(
      [
        `flow.payload[0].path: nope.csv does not exist (resolved to ${join(dir, 'nope.csv')})`,
        'flow.payload[1]: must be a data file such as { path: data/users.csv, order: sequence }',
      ],
    );
  });

  it('accepts a script flow that exists and refuses one that does not', () => {
    writeFileSync(join(dir, 'flow.js'), 'export default function () {}\n');
    expect(parseAuditConfig({ ...minimal, flow: './flow.js' }, base).config?.flow).toEqual({
      kind: 'script',
      script: join(dir, 'flow.js'),
    });
    expect(problems({ ...minimal, flow: { script: 'missing.js' } })[0]).toMatch(
      /^flow\.script: script missing\.js does not exist/,
    );
  });
});

describe('criteria limits', () => {
  it('parses the documented spellings of every row', () => {
    expect(parseLimit('p95', '< 400ms')).toBe(400);
    expect(parseLimit('p99', '1s')).toBe(1000);
    expect(parseLimit('errorRate', '< 0.1%')).toBeCloseTo(0.001);
    expect(parseLimit('errorRate', 0.005)).toBe(0.005);
    expect(parseLimit('throughput', '> 1000 req/s')).toBe(1000);
    expect(parseLimit('cpu', '70%')).toBe(70);
    expect(parseLimit('memory', '120%')).toBeUndefined();
  });

  it('keeps the defaults for rows not given and drops rows set to false', () => {
    const { config } = parseAuditConfig(
      { ...minimal, criteria: { p50: false, throughput: { target: 50, acceptable: 40 } } },
      base,
    );
    expect(config?.criteria.p50).toBeUndefined();
    expect(config?.criteria.throughput).toEqual({ target: 50, acceptable: 40 });
    expect(config?.criteria.p99).toEqual(DEFAULT_SUCCESS_CRITERIA.p99);
  });
});

describe('flow labels and commands', () => {
  it('labels steps, URLs and scripts without bodies', () => {
    expect(
      createFlowLabels({
        kind: 'steps',
        steps: [
          { post: { url: '/auth/login', json: { password: 'x' } } },
          { get: '/users/me' },
          { think: 1 },
          { group: 'browse', flow: [{ get: { url: '/items' } }] },
        ],
      }),
    ).toEqual(['POST /auth/login', 'GET /users/me', 'think 1s', 'GET /items']);
    expect(createFlowLabels({ kind: 'urls', urls: ['/a', 'POST /b'] })).toEqual([
      'GET /a',
      'POST /b',
    ]);
  });

  it('splits command lines with quotes', () => {
    expect(splitCommand(`node "my app.js" --name 'a b' -p {port}`)).toEqual([
      'node',
      'my app.js',
      '--name',
      'a b',
      '-p',
      '{port}',
    ]);
  });
});
