/**
 * The rendered objects are valid for the Kubernetes API: each is checked against the official
 * OpenAPI schemas of batch/v1 and core/v1 (kubernetes-models validates with them), the types
 * Redline writes are checked at compile time to hold no field the official types lack (a typo
 * would otherwise pass: the schemas allow unknown fields, the API server drops them), and the
 * semantics are asserted: N indexes, one segment each, the token only in the Secret, valid names.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IJob } from 'kubernetes-models/batch/v1/Job';
import { Job } from 'kubernetes-models/batch/v1/Job';
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Pod } from 'kubernetes-models/v1/Pod';
import type { ISecret } from 'kubernetes-models/v1/Secret';
import { Secret } from 'kubernetes-models/v1/Secret';
import type { IService } from 'kubernetes-models/v1/Service';
import { Service } from 'kubernetes-models/v1/Service';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { parseExecutionSegmentSequence } from '../executors/execution-segment.js';
import { collectScriptBundle, type ScriptBundle } from './bundle.js';
import {
  type ConfigMapObject,
  generateToken,
  type JobObject,
  type RenderOptions,
  renderTest,
  type SecretObject,
  type ServiceObject,
  TOKEN_FILE,
  toYaml,
} from './manifests.js';
import { DNS1035_LABEL, generateTestId, isDns1123Label, TEST_ID_LABEL } from './names.js';
import { parseRequestLimit } from './resources.js';

/**
 * Compile-time check: `T` has no key (at any depth) that `S` lacks. An extra key maps to `never`,
 * so `T extends NoExtraKeys<T, S>` is false and the `Assert` below fails to compile.
 */
type NoExtraKeys<T, S> = T extends readonly (infer E)[]
  ? S extends readonly (infer SE)[]
    ? NoExtraKeys<E, SE>[]
    : never
  : T extends object
    ? { [K in keyof T]: K extends keyof S ? NoExtraKeys<T[K], NonNullable<S[K]>> : never }
    : T;
type Assert<T extends true> = T;
/** Fails to compile when a type Redline writes has a field the official type lacks (npm run typecheck). */
type FieldsAreOfficial = [
  Assert<JobObject extends NoExtraKeys<JobObject, IJob> ? true : false>,
  Assert<ConfigMapObject extends NoExtraKeys<ConfigMapObject, IConfigMap> ? true : false>,
  Assert<SecretObject extends NoExtraKeys<SecretObject, ISecret> ? true : false>,
  Assert<ServiceObject extends NoExtraKeys<ServiceObject, IService> ? true : false>,
];
const fieldsAreOfficial: FieldsAreOfficial = [true, true, true, true];

let dir: string;
let bundle: ScriptBundle;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'redline-k8s-manifests-'));
  mkdirSync(join(dir, 'lib'));
  writeFileSync(join(dir, 'lib', 'base.js'), "export const base = 'http://127.0.0.1:3000';\n");
  writeFileSync(join(dir, 'users.json'), '[{"name":"a"}]\n');
  writeFileSync(join(dir, 'blob.bin'), Buffer.from([0xff, 0xfe, 0x00, 0x80]));
  writeFileSync(
    join(dir, 'test.js'),
    [
      "import http from 'k6/http';",
      "import { base } from './lib/base.js';",
      "const users = JSON.parse(open('./users.json'));",
      "const blob = open('./blob.bin', 'b');",
      "export default function () { http.get(base + '/' + users[0].name); }",
      '',
    ].join('\n'),
  );
  bundle = await collectScriptBundle(join(dir, 'test.js'));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function options(overrides: Partial<RenderOptions> = {}): RenderOptions {
  return {
    bundle,
    agents: 8,
    image: 'registry.example.com/redline:0.1.0',
    testId: generateTestId(),
    port: 7878,
    token: generateToken(),
    runArgs: ['--vus', '800', '-d', '5m'],
    agentResources: {
      cpu: parseRequestLimit('--cpu', '2'),
      memory: parseRequestLimit('--memory', '1Gi'),
    },
    controllerResources: {
      cpu: parseRequestLimit('--controller-cpu', '500m:1'),
      memory: parseRequestLimit('--controller-memory', '512Mi'),
    },
    ttlSecondsAfterFinished: 600,
    agentJoinTimeoutSeconds: 300,
    ...overrides,
  };
}

/** Validates against the official schema; returns the error text (empty when valid). */
function schemaErrors(object: { kind: string }): string {
  const models: Record<string, new (data: never) => { validate(): void }> = {
    Job,
    ConfigMap,
    Secret,
    Service,
  };
  const Model = models[object.kind];
  if (!Model) return `no model for ${object.kind}`;
  try {
    new Model(object as never).validate();
    return '';
  } catch (error) {
    return (error as Error).message;
  }
}

describe('renderTest: valid for the Kubernetes API', () => {
  for (const antiAffinity of [undefined, 'required', 'preferred'] as const) {
    it(`every object passes the official batch/v1 and core/v1 schema (anti-affinity ${antiAffinity ?? 'off'}, namespace set)`, () => {
      const rendered = renderTest(
        options({ namespace: 'load-tests', ...(antiAffinity ? { antiAffinity } : {}) }),
      );
      const all = [rendered.secret, ...rendered.objects];
      expect(all.map((o) => o.kind)).toEqual(['Secret', 'ConfigMap', 'Service', 'Job', 'Job']);
      for (const object of all) expect(schemaErrors(object), object.kind).toBe('');
      // Each Job's pod template is a valid Pod too.
      for (const job of rendered.objects.slice(2) as JobObject[]) {
        const pod = {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name: 'p', ...job.spec.template.metadata },
          spec: job.spec.template.spec,
        };
        expect(() => new Pod(pod as never).validate()).not.toThrow();
      }
    });
  }

  it('the validation is not vacuous: a wrong field type and a bad quantity are refused', () => {
    const rendered = renderTest(options());
    const agents = structuredClone(rendered.objects[3]) as unknown as {
      spec: Record<string, unknown>;
    };
    agents.spec['completions'] = '8';
    expect(schemaErrors(agents as never)).toMatch(/completions must be integer/);
    const controller = structuredClone(rendered.objects[2]);
    (
      controller.spec.template.spec.containers[0]!.resources as { limits: Record<string, string> }
    ).limits['cpu'] = 'two';
    expect(schemaErrors(controller)).toMatch(/quantity/);
  });

  it('the field names are the official ones (checked by the compiler, see FieldsAreOfficial)', () => {
    // A field the official types lack (a typo the schemas would let through: they allow unknown
    // fields and the API server drops them) fails `tsc`, before this line runs.
    expect(fieldsAreOfficial).toEqual([true, true, true, true]);
  });

  it('the YAML stream parses back to the same objects', () => {
    const rendered = renderTest(options());
    const docs = parseAllDocuments(toYaml(rendered.objects, '# header')).map((d) => d.toJSON());
    expect(docs).toEqual(JSON.parse(JSON.stringify(rendered.objects)));
  });
});

describe('renderTest: semantics', () => {
  it('the agents are an Indexed Job of N completions run at once: one pod per index 0..N-1, one segment each', () => {
    const rendered = renderTest(options({ agents: 8 }));
    const agents = rendered.objects[3];
    expect(agents.spec.completionMode).toBe('Indexed');
    expect(agents.spec.completions).toBe(8);
    expect(agents.spec.parallelism).toBe(8);
    // A lost agent is not re-run (its segment would run twice) and does not fail the others.
    expect(agents.spec.backoffLimitPerIndex).toBe(0);
    expect(agents.spec.maxFailedIndexes).toBe(8);
    // Kubernetes gives the pods JOB_COMPLETION_INDEX 0..7; the controller is told 8 agents, so its
    // sequence has 8 parts: index i runs segment i/8:(i+1)/8, and the parts cover the test once.
    const controllerArgs = rendered.objects[2].spec.template.spec.containers[0]!.args!;
    expect(
      controllerArgs.slice(
        controllerArgs.indexOf('--agents'),
        controllerArgs.indexOf('--agents') + 2,
      ),
    ).toEqual(['--agents', '8']);
    const points = Array.from({ length: 9 }, (_, i) => `${i}/8`).join(',');
    const segments = parseExecutionSegmentSequence(points);
    expect(segments).toHaveLength(agents.spec.completions);
    for (let i = 1; i < segments.length; i++)
      expect(segments[i]!.from).toEqual(segments[i - 1]!.to);
  });

  it('the agents join the controller Service, which selects the controller pod only', () => {
    const rendered = renderTest(options({ port: 9000 }));
    const [, service, controller, agents] = rendered.objects;
    const agentArgs = agents.spec.template.spec.containers[0]!.args!;
    expect(agentArgs).toEqual([
      'agent',
      '--join',
      `${service.metadata.name}:9000`,
      '--agent-token-file',
      TOKEN_FILE,
      '--join-timeout',
      '300s',
    ]);
    // Both sides know the test id: an agent refuses a controller of another test.
    for (const job of [controller, agents])
      expect(job.spec.template.spec.containers[0]!.env?.[0]).toEqual({
        name: 'REDLINE_TEST_ID',
        value: rendered.names.testId,
      });
    const controllerArgs = controller.spec.template.spec.containers[0]!.args!;
    expect(controllerArgs.slice(0, 8)).toEqual([
      'run',
      `/redline/script/${bundle.script}`,
      '--agents',
      '8',
      '--listen',
      '0.0.0.0:9000',
      '--agent-token-file',
      TOKEN_FILE,
    ]);
    expect(controllerArgs.slice(8)).toEqual(['--vus', '800', '-d', '5m']);
    const matches = (labels: Record<string, string>) =>
      Object.entries(service.spec.selector).every(([k, v]) => labels[k] === v);
    expect(matches(controller.spec.template.metadata.labels)).toBe(true);
    expect(matches(agents.spec.template.metadata.labels)).toBe(false);
    expect(service.spec.ports).toEqual([
      { name: 'control', protocol: 'TCP', port: 9000, targetPort: 9000 },
    ]);
    expect(controller.spec.template.spec.containers[0]!.readinessProbe?.tcpSocket.port).toBe(9000);
  });

  it('the token is only in the Secret: not in any other object, argument or label', () => {
    const token = generateToken();
    const rendered = renderTest(options({ token }));
    const others = toYaml(rendered.objects);
    expect(others).not.toContain(token);
    expect(others).not.toContain(Buffer.from(token).toString('base64'));
    expect(Buffer.from(rendered.secret.data['token']!, 'base64').toString()).toBe(token);
    expect(token).toMatch(/^[0-9a-f]{64}$/);
    // The pods read it from the mounted Secret.
    for (const job of [rendered.objects[2], rendered.objects[3]]) {
      const volume = job.spec.template.spec.volumes.find((v) => v.secret);
      expect(volume?.secret?.secretName).toBe(rendered.secret.metadata.name);
    }
  });

  it('run flags that look secret go into the Secret and reach the controller as $(VARIABLE); other $ are escaped', () => {
    const rendered = renderTest(
      options({
        runArgs: [
          '-e',
          'API_TOKEN=s3cr3t-value',
          '--out',
          'experimental-prometheus-rw=https://user:pa55word@prom.example.com/api/v1/write',
          '-e',
          'PRICE=$(5)',
          '-e',
          'BASE_URL=http://127.0.0.1:3000',
        ],
      }),
    );
    const visible = toYaml(rendered.objects);
    expect(visible).not.toContain('s3cr3t-value');
    expect(visible).not.toContain('pa55word');
    const container = rendered.objects[2].spec.template.spec.containers[0]!;
    expect(container.args!.slice(8)).toEqual([
      '-e',
      '$(REDLINE_SECRET_ARG_1)',
      '--out',
      '$(REDLINE_SECRET_ARG_3)',
      '-e',
      'PRICE=$$(5)',
      '-e',
      'BASE_URL=http://127.0.0.1:3000',
    ]);
    expect(container.env?.slice(1)).toEqual([
      {
        name: 'REDLINE_SECRET_ARG_1',
        valueFrom: { secretKeyRef: { name: rendered.secret.metadata.name, key: 'arg-1' } },
      },
      {
        name: 'REDLINE_SECRET_ARG_3',
        valueFrom: { secretKeyRef: { name: rendered.secret.metadata.name, key: 'arg-3' } },
      },
    ]);
    expect(Buffer.from(rendered.secret.data['arg-1']!, 'base64').toString()).toBe(
      'API_TOKEN=s3cr3t-value',
    );
    expect(rendered.secretValues).toContain(
      'experimental-prometheus-rw=https://user:pa55word@prom.example.com/api/v1/write',
    );
    expect(rendered.secretArgs.map((a) => a.key)).toEqual(['arg-1', 'arg-3']);
    expect(rendered.secretArgs.map((a) => a.redacted).join(' ')).not.toMatch(/s3cr3t|pa55word/);
    for (const object of [rendered.secret, ...rendered.objects])
      expect(schemaErrors(object)).toBe('');
  });

  it('names are DNS-1123 labels (the Service a DNS-1035 one), every object carries the test id label', () => {
    for (const testId of ['a', 'x'.repeat(24), generateTestId(), '0day-load']) {
      const rendered = renderTest(options({ testId }));
      const all = [rendered.secret, ...rendered.objects];
      for (const object of all) {
        expect(isDns1123Label(object.metadata.name), object.metadata.name).toBe(true);
        expect(object.metadata.labels[TEST_ID_LABEL]).toBe(testId);
        for (const value of Object.values(object.metadata.labels))
          expect(
            value.length <= 63 && /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/.test(value),
          ).toBe(true);
      }
      expect(DNS1035_LABEL.test(rendered.objects[1].metadata.name)).toBe(true);
      // Pod hostnames of an Indexed Job are <job>-<index>: still a label at 8 agents.
      expect(isDns1123Label(`${rendered.objects[3].metadata.name}-7`)).toBe(true);
      expect(rendered.selector).toBe(`${TEST_ID_LABEL}=${testId}`);
    }
  });

  it('the ConfigMap lays the files out as on disk: keys valid, paths relative, binary data as binaryData', () => {
    const configMap = renderTest(options()).objects[0];
    const controller = renderTest(options()).objects[2];
    const items = controller.spec.template.spec.volumes.find((v) => v.configMap)!.configMap!.items;
    expect(items.map((i) => i.path).sort()).toEqual([
      'blob.bin',
      'lib/base.js',
      'test.js',
      'users.json',
    ]);
    for (const item of items) {
      expect(item.key).toMatch(/^[-._a-zA-Z0-9]+$/);
      expect(item.path.split('/')).not.toContain('..');
    }
    const byPath = Object.fromEntries(items.map((i) => [i.path, i.key]));
    expect(configMap.data?.[byPath['users.json']!]).toBe('[{"name":"a"}]\n');
    expect(Buffer.from(configMap.binaryData?.[byPath['blob.bin']!] ?? '', 'base64')).toEqual(
      Buffer.from([0xff, 0xfe, 0x00, 0x80]),
    );
    expect(configMap.immutable).toBe(true);
  });

  it('resources: one value sets request = limit, request:limit both', () => {
    const [, , controller, agents] = renderTest(options()).objects;
    expect(agents.spec.template.spec.containers[0]!.resources).toEqual({
      requests: { cpu: '2', memory: '1Gi' },
      limits: { cpu: '2', memory: '1Gi' },
    });
    expect(controller.spec.template.spec.containers[0]!.resources).toEqual({
      requests: { cpu: '500m', memory: '512Mi' },
      limits: { cpu: '1', memory: '512Mi' },
    });
  });

  it('anti-affinity spreads every pod of the test (controller and agents) over nodes; off by default', () => {
    const required = renderTest(options({ antiAffinity: 'required' }));
    const term =
      required.objects[3].spec.template.spec.affinity?.podAntiAffinity
        .requiredDuringSchedulingIgnoredDuringExecution?.[0];
    expect(term?.topologyKey).toBe('kubernetes.io/hostname');
    expect(term?.labelSelector.matchLabels).toEqual({ [TEST_ID_LABEL]: required.names.testId });
    expect(required.objects[2].spec.template.spec.affinity).toEqual(
      required.objects[3].spec.template.spec.affinity,
    );
    const preferred = renderTest(options({ antiAffinity: 'preferred' }));
    expect(
      preferred.objects[3].spec.template.spec.affinity?.podAntiAffinity
        .preferredDuringSchedulingIgnoredDuringExecution?.[0]?.weight,
    ).toBe(100);
    expect(renderTest(options()).objects[3].spec.template.spec.affinity).toBeUndefined();
  });

  it('clean-up: both Jobs carry ttlSecondsAfterFinished, and the deadline when given', () => {
    const rendered = renderTest(
      options({ ttlSecondsAfterFinished: 120, activeDeadlineSeconds: 3600 }),
    );
    for (const job of [rendered.objects[2], rendered.objects[3]]) {
      expect(job.spec.ttlSecondsAfterFinished).toBe(120);
      expect(job.spec.activeDeadlineSeconds).toBe(3600);
    }
    expect(renderTest(options()).objects[2].spec.activeDeadlineSeconds).toBeUndefined();
  });

  it('a bundle over the ConfigMap limit is refused with exit 65, naming the largest file', () => {
    const big: ScriptBundle = {
      ...bundle,
      files: [...bundle.files, { path: 'huge.csv', content: Buffer.alloc(1_100_000, 'a') }],
    };
    expect(() => renderTest(options({ bundle: big }))).toThrow(
      expect.objectContaining({
        code: 'E_K8S_BUNDLE_TOO_LARGE',
        exitCode: 65,
        hint: expect.stringContaining('huge.csv'),
      }),
    );
  });

  it('zero agents is a usage error', () => {
    expect(() => renderTest(options({ agents: 0 }))).toThrow(
      expect.objectContaining({ exitCode: 2 }),
    );
  });

  it('the YAML of a Secret is a plain stream kubectl reads (parse check)', () => {
    const rendered = renderTest(options());
    expect(parse(toYaml([rendered.secret]))).toEqual(rendered.secret);
  });
});
