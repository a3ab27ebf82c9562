/**
 * `runOnCluster` against a recording stand-in for kubectl (test/helpers/recording-kubectl.ts): no
 * cluster exists on the test machines, so these tests prove the command lines Redline runs, the
 * order, what reaches kubectl's standard input, the exit code it reports and the clean-up; they
 * are not a run on a cluster.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseAllDocuments } from 'yaml';
import {
  createRecordingKubectl,
  type RecordingKubectl,
} from '../../test/helpers/recording-kubectl.js';
import type { ScriptBundle } from './bundle.js';
import { type ClusterRunOptions, deleteArgs, findKubectl, runOnCluster } from './kubectl.js';
import { generateToken, type RenderedTest, renderTest, toYaml } from './manifests.js';

let dir: string;
let fake: RecordingKubectl;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'redline-k8s-kubectl-'));
  fake = createRecordingKubectl(dir);
  for (const [k, v] of Object.entries(fake.env)) vi.stubEnv(k, v);
});

afterEach(() => {
  vi.unstubAllEnvs();
  rmSync(dir, { recursive: true, force: true });
});

const bundle: ScriptBundle = {
  root: '/src',
  script: 'test.js',
  files: [{ path: 'test.js', content: Buffer.from('export default function () {}\n') }],
  notes: [],
};

function collect(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  let text = '';
  stream.setEncoding('utf8').on('data', (c: string) => {
    text += c;
  });
  return { stream, text: () => text };
}

function setup(overrides: Partial<ClusterRunOptions> = {}) {
  const token = generateToken();
  const rendered: RenderedTest = renderTest({
    bundle,
    agents: 4,
    image: 'redline:test',
    testId: 'abc123',
    port: 7878,
    token,
    runArgs: [],
    agentResources: {},
    controllerResources: {},
    ttlSecondsAfterFinished: 600,
    agentJoinTimeoutSeconds: 300,
  });
  const stdout = collect();
  const stderr = collect();
  const controller = new AbortController();
  const options: ClusterRunOptions = {
    kubectl: fake.path,
    namespace: 'load',
    context: 'staging',
    rendered,
    manifests: toYaml([rendered.secret, ...rendered.objects]),
    secrets: [token, Buffer.from(token).toString('base64')],
    podRunningTimeout: '600s',
    stopGraceMs: 20_000,
    stdout: stdout.stream,
    stderr: stderr.stream,
    signal: controller.signal,
    ...overrides,
  };
  return { token, rendered, options, stdout, stderr, controller };
}

const SCOPE = ['--context', 'staging', '--namespace', 'load'];
const DELETE = [
  ...SCOPE,
  'delete',
  'job,service,configmap,secret',
  '-l',
  'redline.dev/test-id=abc123',
  '--ignore-not-found',
  '--wait=false',
];

describe('findKubectl', () => {
  it('finds an executable kubectl on PATH, skipping one that is not executable', () => {
    const other = join(dir, 'other');
    rmSync(other, { recursive: true, force: true });
    writeFileSync(join(dir, 'kubectl'), 'not executable');
    chmodSync(join(dir, 'kubectl'), 0o644);
    expect(findKubectl([dir, fake.binDir].join(delimiter))).toBe(fake.path);
  });

  it('absent: exit 72 with a hint naming render --out', () => {
    expect(() => findKubectl([dir, join(dir, 'nowhere')].join(delimiter))).toThrow(
      expect.objectContaining({
        code: 'E_K8S_NO_KUBECTL',
        exitCode: 72,
        hint: expect.stringContaining('redline k8s render --out'),
      }),
    );
  });
});

describe('runOnCluster (recording kubectl stand-in, no cluster)', () => {
  it('applies on stdin, follows the controller, reports its exit code, deletes everything', async () => {
    const { token, options, stdout, stderr } = setup();
    const outcome = await runOnCluster(options);
    expect(outcome).toEqual({
      exitCode: 99,
      interrupted: false,
      controller: { exitCode: 99, reason: 'Error' },
    });
    const calls = fake.calls();
    expect(calls.map((c) => c.args)).toEqual([
      [...SCOPE, 'apply', '-f', '-'],
      [...SCOPE, 'logs', '--follow', 'job/redline-abc123-controller', '--pod-running-timeout=600s'],
      [
        ...SCOPE,
        'get',
        'pods',
        '-l',
        'redline.dev/test-id=abc123,app.kubernetes.io/component=controller',
        '-o',
        'jsonpath={range .items[*]}{.status.containerStatuses[0].state.terminated.exitCode}{" "}{.status.containerStatuses[0].state.terminated.reason}{"\\n"}{end}',
      ],
      DELETE,
    ]);
    // Every object reached kubectl, the Secret (with the token) on stdin only.
    const applied = parseAllDocuments(calls[0]?.stdin ?? '').map((d) => d.toJSON());
    expect(applied.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'Secret/redline-abc123-token',
      'ConfigMap/redline-abc123-script',
      'Service/redline-abc123-controller',
      'Job/redline-abc123-controller',
      'Job/redline-abc123-agents',
    ]);
    expect(Buffer.from(applied[0].data.token, 'base64').toString()).toBe(token);
    for (const call of calls) expect(call.args.join(' ')).not.toContain(token);
    expect(stdout.text()).toBe(
      'running (1.0s), 8/8 agents joined, 800/800 VUs\nhttp_reqs: 4000\nthresholds: 1 failed\n',
    );
    expect(stderr.text()).toContain('secret/redline-abc123-token created');
    expect(stderr.text()).toContain("deleted the test's objects (redline.dev/test-id=abc123)");
    expect(stdout.text() + stderr.text()).not.toContain(token);
  });

  it('a token kubectl or the controller prints is scrubbed from every output', async () => {
    vi.stubEnv('FAKE_KUBECTL_LEAK', '1');
    const { token, options, stdout, stderr } = setup();
    await runOnCluster(options);
    expect(stdout.text()).toContain('the token is ***');
    expect(stdout.text() + stderr.text()).not.toContain(token);
  });

  it('apply fails: exit 72 with kubectl message (scrubbed), the objects are still deleted', async () => {
    vi.stubEnv('FAKE_KUBECTL_APPLY_FAIL', '1');
    const { token, options, stdout, stderr } = setup();
    const error = await runOnCluster(options).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'E_K8S_APPLY', exitCode: 72 });
    const problems = (error as { problems: string[] }).problems.join('\n');
    expect(problems).toContain('the server rejected the request');
    expect(problems).toContain('***');
    expect(problems).not.toContain(token);
    expect(problems).not.toContain(Buffer.from(token).toString('base64'));
    expect(fake.calls().map((c) => c.args[SCOPE.length])).toEqual(['apply', 'delete']);
    expect(stdout.text() + stderr.text()).not.toContain(token);
  });

  it('the controller pod never runs: exit 72 naming kubectl describe, objects deleted', async () => {
    vi.stubEnv('FAKE_KUBECTL_LOGS', 'fail');
    const { options } = setup();
    await expect(runOnCluster(options)).rejects.toMatchObject({
      code: 'E_K8S_LOGS',
      exitCode: 72,
      hint: expect.stringContaining('kubectl describe job redline-abc123-controller'),
      problems: ['error: timed out waiting for the condition'],
    });
    expect(fake.calls().at(-1)?.args).toEqual(DELETE);
  });

  it('Ctrl-C: deletes the objects at once, streams the partial summary the controller writes, exit 105', async () => {
    vi.stubEnv('FAKE_KUBECTL_LOGS', 'hang');
    const { options, stdout, controller } = setup();
    const running = runOnCluster(options);
    // Abort once the log is being followed.
    await vi.waitFor(() => expect(stdout.text()).toContain('running (1.0s)'), { timeout: 10_000 });
    controller.abort();
    const outcome = await running;
    expect(outcome).toEqual({ exitCode: 105, interrupted: true });
    expect(stdout.text()).toContain('interrupted: partial summary of what was measured');
    const verbs = fake.calls().map((c) => c.args[SCOPE.length]);
    expect(verbs).toEqual(['apply', 'logs', 'delete']);
  });

  it('deleteArgs without namespace or context uses kubectl current ones', () => {
    const { rendered } = setup();
    expect(deleteArgs({ rendered })).toEqual(DELETE.slice(SCOPE.length));
  });
});
