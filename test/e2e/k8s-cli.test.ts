/**
 * `redline k8s render` and `redline k8s run` on the command line (the built CLI). No Kubernetes
 * cluster exists on the test machines: `run` is exercised with a recording stand-in for kubectl
 * (test/helpers/recording-kubectl.ts: it records the command lines and answers as kubectl would;
 * not a cluster run), without any kubectl (the error path), and with the real kubectl where one is
 * installed, pointed at a closed loopback port (kubectl's own failure reaches the user, exit 72).
 */
import { spawn, spawnSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { createRecordingKubectl } from '../helpers/recording-kubectl.js';
import { findBinary } from '../helpers/require-binary.js';

const root = new URL('../../', import.meta.url).pathname;
let dir: string;
let script: string;
const IMAGE = 'registry.example.com/redline:0.1.0';

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'redline-k8s-cli-'));
  writeFileSync(join(dir, 'users.json'), '[{"name":"a"}]\n');
  script = join(dir, 'test.js');
  writeFileSync(
    script,
    [
      "import http from 'k6/http';",
      "const users = JSON.parse(open('./users.json'));",
      "export default function () { http.get('http://127.0.0.1:3000/' + users[0].name); }",
      '',
    ].join('\n'),
  );
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** The environment with PATH limited to `pathDirs` (node itself is called by absolute path). */
function env(pathDirs: string[], extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, PATH: pathDirs.join(':'), NO_COLOR: '1', ...extra };
}

function redline(args: string[], options: { env?: NodeJS.ProcessEnv } = {}) {
  return spawnSync(process.execPath, [join(root, 'bin/redline.js'), ...args], {
    encoding: 'utf8',
    cwd: dir,
    timeout: 60_000,
    env: options.env ?? env(['/usr/bin', '/bin']),
  });
}

describe('redline k8s render', () => {
  it('stdout: the ConfigMap, Service and both Jobs; the Secret left out (stderr says how to create it)', () => {
    const r = redline([
      'k8s',
      'render',
      script,
      '--agents',
      '4',
      '--image',
      IMAGE,
      '--test-id',
      'cli1',
      '--vus',
      '40',
      '-d',
      '1m',
    ]);
    expect(r.status, r.stderr).toBe(0);
    const objects = parseAllDocuments(r.stdout).map((d) => d.toJSON());
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'ConfigMap/redline-cli1-script',
      'Service/redline-cli1-controller',
      'Job/redline-cli1-controller',
      'Job/redline-cli1-agents',
    ]);
    expect(objects[3].spec).toMatchObject({
      completionMode: 'Indexed',
      completions: 4,
      parallelism: 4,
    });
    expect(objects[2].spec.template.spec.containers[0].args).toEqual([
      'run',
      '/redline/script/test.js',
      '--agents',
      '4',
      '--listen',
      '0.0.0.0:6565',
      '--agent-token-file',
      '/redline/token/token',
      '--vus',
      '40',
      '-d',
      '1m',
    ]);
    expect(r.stdout).not.toMatch(/kind: Secret/);
    expect(r.stderr).toContain('kubectl create secret generic redline-cli1-token');
  });

  it('--out DIR: the manifests, and the Secret in a file only the user can read; the token printed nowhere', () => {
    const out = join(dir, 'manifests');
    const r = redline([
      'k8s',
      'render',
      script,
      '--agents',
      '2',
      '--image',
      IMAGE,
      '--test-id',
      'cli2',
      '--anti-affinity',
      'preferred',
      '--out',
      out,
      '--',
      '--out',
      'json=result.json',
    ]);
    expect(r.status, r.stderr).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['redline-cli2-secret.yaml', 'redline-cli2.yaml']);
    const secretFile = join(out, 'redline-cli2-secret.yaml');
    expect(statSync(secretFile).mode & 0o777).toBe(0o600);
    const secret = parseAllDocuments(readFileSync(secretFile, 'utf8'))[0]?.toJSON();
    const token = Buffer.from(secret.data.token, 'base64').toString();
    expect(token).toMatch(/^[0-9a-f]{64}$/);
    const manifests = readFileSync(join(out, 'redline-cli2.yaml'), 'utf8');
    expect(manifests).not.toContain(token);
    expect(r.stdout + r.stderr).not.toContain(token);
    expect(r.stdout + r.stderr).not.toContain(secret.data.token);
    // --out after -- went to the controller; its file would stay in the pod: warned.
    expect(manifests).toContain('- json=result.json');
    expect(r.stderr).toContain('land in its pod');
    expect(manifests).toContain('preferredDuringSchedulingIgnoredDuringExecution');
  });

  it('bad flags fail before anything is written: exit 2 with the flag named', () => {
    const cases: Array<[string[], RegExp]> = [
      [['--vus', 'many'], /invalid value for --vus: "many"/],
      [['--bogus'], /unknown option --bogus for redline k8s/],
      [['--execution-segment', '0:1/2'], /--execution-segment is set by redline k8s itself/],
      [['--listen=0.0.0.0:1'], /--listen is set by redline k8s itself/],
      [['--cpu', '2:1'], /invalid value for --cpu: "2:1" \(the limit is below the request\)/],
      [['--memory', 'lots'], /invalid value for --memory/],
      [['--test-id', 'Bad_Id'], /invalid value for --test-id: "Bad_Id"/],
      [['--namespace', 'NS'], /invalid value for --namespace: "NS"/],
    ];
    for (const [extra, message] of cases) {
      const r = redline(['k8s', 'render', script, '--agents', '2', '--image', IMAGE, ...extra]);
      expect(r.status, `${extra.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stdout).toBe('');
    }
    const missing = redline(['k8s', 'render', script, '--image', IMAGE]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/--agents/);
  });

  it('a missing script: exit 66', () => {
    const r = redline(['k8s', 'render', join(dir, 'nope.js'), '--agents', '2', '--image', IMAGE]);
    expect(r.status).toBe(66);
    expect(r.stderr).toMatch(/script not found/);
  });
});

describe('redline k8s run', () => {
  it('without kubectl on PATH: exit 72, saying so and how to do without', () => {
    const empty = join(dir, 'empty-bin');
    mkdirSync(empty, { recursive: true });
    const r = redline(['k8s', 'run', script, '--agents', '2', '--image', IMAGE], {
      env: env([empty]),
    });
    expect(r.status).toBe(72);
    expect(r.stderr).toContain('kubectl not found on PATH');
    expect(r.stderr).toContain('redline k8s render --out');
    expect(r.stderr).toContain('E_K8S_NO_KUBECTL');
  });

  it("with a recording kubectl stand-in: the controller's log on stdout, its exit code, objects deleted, token nowhere", () => {
    const work = mkdtempSync(join(dir, 'fake-'));
    const fake = createRecordingKubectl(work);
    const r = redline(
      [
        'k8s',
        'run',
        script,
        '--agents',
        '3',
        '--image',
        IMAGE,
        '--test-id',
        'cli3',
        '--namespace',
        'load',
        '-d',
        '30s',
        '-e',
        'API_TOKEN=s3cr3t-value',
      ],
      {
        env: env([fake.binDir, '/usr/bin', '/bin'], fake.env),
      },
    );
    expect(r.status, r.stderr).toBe(99);
    expect(r.stdout).toContain('thresholds: 1 failed');
    const calls = fake.calls();
    expect(calls.map((c) => c.args.slice(0, 3))).toEqual([
      ['--namespace', 'load', 'apply'],
      ['--namespace', 'load', 'logs'],
      ['--namespace', 'load', 'get'],
      ['--namespace', 'load', 'delete'],
    ]);
    expect(calls[3]?.args).toContain('redline.dev/test-id=cli3');
    const secret = parseAllDocuments(calls[0]?.stdin ?? '')
      .map((d) => d.toJSON())
      .find((o) => o.kind === 'Secret');
    const token = Buffer.from(secret.data.token, 'base64').toString();
    expect(r.stdout + r.stderr).not.toContain(token);
    expect(r.stdout + r.stderr).not.toContain(secret.data.token);
    expect(r.stdout + r.stderr).not.toContain('s3cr3t-value');
    expect(Buffer.from(secret.data['arg-3'], 'base64').toString()).toBe('API_TOKEN=s3cr3t-value');
  });

  it('Ctrl-C: the objects are deleted, the partial summary streamed, exit 105', async () => {
    const work = mkdtempSync(join(dir, 'fake-'));
    const fake = createRecordingKubectl(work);
    const child = spawn(
      process.execPath,
      [
        join(root, 'bin/redline.js'),
        'k8s',
        'run',
        script,
        '--agents',
        '2',
        '--image',
        IMAGE,
        '--test-id',
        'cli4',
      ],
      {
        cwd: dir,
        env: env([fake.binDir, '/usr/bin', '/bin'], { ...fake.env, FAKE_KUBECTL_LOGS: 'hang' }),
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      stdout += c;
    });
    child.stderr.setEncoding('utf8').on('data', (c: string) => {
      stderr += c;
    });
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
    const started = Date.now();
    while (!stdout.includes('running (1.0s)') && Date.now() - started < 30_000)
      await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGINT');
    const code = await closed;
    expect(code, stderr).toBe(105);
    expect(stdout).toContain('interrupted: partial summary of what was measured');
    expect(fake.calls().map((c) => c.args[0])).toEqual(['apply', 'logs', 'delete']);
    expect(stderr).toContain("deleted the test's objects (redline.dev/test-id=cli4)");
  });

  const realKubectl = findBinary('kubectl');
  it.skipIf(!realKubectl)(
    "with the real kubectl and no cluster (a closed loopback port): exit 72 with kubectl's error, token nowhere",
    async () => {
      const port = await new Promise<number>((resolve) => {
        const server = createServer().listen(0, '127.0.0.1', () => {
          const { port } = server.address() as { port: number };
          server.close(() => resolve(port));
        });
      });
      const home = mkdtempSync(join(dir, 'home-'));
      const kubeconfig = join(home, 'config');
      writeFileSync(
        kubeconfig,
        [
          'apiVersion: v1',
          'kind: Config',
          'clusters: [{name: none, cluster: {server: "https://127.0.0.1:' + port + '"}}]',
          'users: [{name: nobody, user: {token: not-a-real-token}}]',
          'contexts: [{name: none, context: {cluster: none, user: nobody}}]',
          'current-context: none',
          '',
        ].join('\n'),
      );
      const r = redline(
        ['k8s', 'run', script, '--agents', '2', '--image', IMAGE, '--test-id', 'cli5'],
        {
          env: { ...process.env, HOME: home, KUBECONFIG: kubeconfig, NO_COLOR: '1' },
        },
      );
      expect(r.status, r.stderr).toBe(72);
      expect(r.stderr).toContain('kubectl apply failed');
      expect(r.stderr).toMatch(/127\.0\.0\.1:\d+.*(refused|connect)/);
      expect(r.stderr).toContain('E_K8S_APPLY');
      // The clean-up was attempted and, failing too, the command to run is printed.
      expect(r.stderr).toContain(
        'kubectl delete job,service,configmap,secret -l redline.dev/test-id=cli5',
      );
      expect(r.stdout + r.stderr).not.toMatch(/[0-9a-f]{64}/);
    },
  );
});
