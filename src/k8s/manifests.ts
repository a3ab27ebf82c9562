/**
 * The Kubernetes objects of one distributed test: the script as a ConfigMap, the agents' token as
 * a Secret, the controller (`redline run … --agents N --listen`) as a Job behind a Service, and the
 * agents (`redline agent --join`) as an Indexed Job whose completion index
 * (`JOB_COMPLETION_INDEX`, set by Kubernetes) is the agent's segment. Kubernetes places the pods;
 * Redline only writes what to place. The types below are the subset of the API's fields Redline
 * writes (a test checks them against the official batch/v1 and core/v1 schemas).
 */
import { randomBytes } from 'node:crypto';
import { stringify } from 'yaml';
import { ExitCode } from '../errors/exit-codes.js';
import { RedlineError } from '../errors/redline-error.js';
import { redactText } from '../util/redact.js';
import type { ScriptBundle } from './bundle.js';
import { type Component, type TestNames, testLabels, testNames, testSelector } from './names.js';
import type { RequestLimit } from './resources.js';

/** Where the pods mount the script, the token and their writable working folder. */
export const SCRIPT_MOUNT = '/redline/script';
/** The folder of the token file in the pods. */
export const TOKEN_MOUNT = '/redline/token';
/** The token file the controller and the agents read (`--agent-token-file`). */
export const TOKEN_FILE = `${TOKEN_MOUNT}/token`;
/** The controller's working folder (an emptyDir: relative output paths land there). */
export const WORK_DIR = '/redline/work';

/** The largest ConfigMap the API server stores (1 MiB, the whole object; a margin is kept for metadata). */
export const CONFIGMAP_LIMIT_BYTES = 1024 * 1024 - 16 * 1024;

/** What `redline k8s render` puts in the manifests. */
export interface RenderOptions {
  bundle: ScriptBundle;
  /** Number of agents: completions and parallelism of the Indexed Job. */
  agents: number;
  image: string;
  imagePullPolicy?: 'Always' | 'IfNotPresent' | 'Never';
  testId: string;
  /** Omitted: kubectl's current namespace. */
  namespace?: string;
  /** The controller's port (the Service's too; `redline run --listen` uses 6565 by default). */
  port: number;
  /** The shared token; only the Secret holds it. */
  token: string;
  /** `redline run` flags passed through to the controller (already validated). */
  runArgs: readonly string[];
  agentResources: { cpu?: RequestLimit; memory?: RequestLimit };
  controllerResources: { cpu?: RequestLimit; memory?: RequestLimit };
  /** Spread the test's pods over nodes: must (required) or should (preferred). */
  antiAffinity?: 'required' | 'preferred';
  /** Jobs are deleted (with their pods) this long after they finish. */
  ttlSecondsAfterFinished: number;
  /** Jobs are stopped after this long, whatever happens. */
  activeDeadlineSeconds?: number;
  /** How long an agent keeps trying to reach the controller (its pod may start first). */
  agentJoinTimeoutSeconds: number;
}

/** The rendered objects: `objects` carry no secret; `secret` is kept apart so it can be. */
export interface RenderedTest {
  names: TestNames;
  /** `kubectl` label selector matching every object of the test. */
  selector: string;
  secret: SecretObject;
  /** Every value the Secret holds (the token, secret-looking run flags): never to be printed. */
  secretValues: string[];
  /**
   * Run flags moved into the Secret because they look secret (a password in a URL, `-e
   * API_TOKEN=…`): the Secret key and the flag as redacted, for messages.
   */
  secretArgs: Array<{ key: string; redacted: string }>;
  /** ConfigMap, Service, the controller Job, the agents' Job (in apply order). */
  objects: [ConfigMapObject, ServiceObject, JobObject, JobObject];
}

/** A fresh token for the controller and its agents: 256 random bits, hex. */
export function generateToken(): string {
  return randomBytes(32).toString('hex');
}

/** Builds the objects of one test. */
export function renderTest(options: RenderOptions): RenderedTest {
  if (!Number.isInteger(options.agents) || options.agents < 1)
    throw new RedlineError('E_USAGE_VALUE', `invalid number of agents: ${options.agents}`, {
      hint: 'use --agents with a whole number ≥ 1',
      exitCode: ExitCode.Usage,
    });
  const names = testNames(options.testId);
  const common = (name: string, component: Component): ObjectMeta => ({
    name,
    ...(options.namespace ? { namespace: options.namespace } : {}),
    labels: testLabels(options.testId, component),
  });
  const {
    args: runArgs,
    env: secretEnv,
    data: argData,
    moved,
  } = secretRunArgs(options.runArgs, names.token);
  const secret: SecretObject = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: common(names.token, 'token'),
    type: 'Opaque',
    immutable: true,
    data: { token: Buffer.from(options.token, 'utf8').toString('base64'), ...argData },
  };
  const { configMap, items } = scriptConfigMap(options.bundle, common(names.script, 'script'));
  const service: ServiceObject = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: common(names.controller, 'controller'),
    spec: {
      type: 'ClusterIP',
      selector: podSelector(options.testId, 'controller'),
      ports: [{ name: 'control', protocol: 'TCP', port: options.port, targetPort: options.port }],
    },
  };
  const tokenVolume: Volume = {
    name: 'token',
    secret: {
      secretName: names.token,
      // Readable whatever user the image runs as (files of a Secret volume belong to root);
      // the pod holds one container, which needs it.
      defaultMode: 0o444,
      items: [{ key: 'token', path: 'token' }],
    },
  };
  const tokenMount: VolumeMount = { name: 'token', mountPath: TOKEN_MOUNT, readOnly: true };
  const affinity = antiAffinity(options);
  // The controller announces this test id and the agents refuse a controller of another test.
  const testIdEnv: EnvVar = { name: 'REDLINE_TEST_ID', value: options.testId };
  const controllerArgs = [
    'run',
    `${SCRIPT_MOUNT}/${options.bundle.script}`,
    '--agents',
    String(options.agents),
    '--listen',
    `0.0.0.0:${options.port}`,
    '--agent-token-file',
    TOKEN_FILE,
    ...runArgs,
  ];
  const controller: JobObject = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: common(names.controller, 'controller'),
    spec: {
      completions: 1,
      parallelism: 1,
      // A second controller would start the test again: one attempt, its outcome is the test's.
      backoffLimit: 0,
      ttlSecondsAfterFinished: options.ttlSecondsAfterFinished,
      ...(options.activeDeadlineSeconds !== undefined
        ? { activeDeadlineSeconds: options.activeDeadlineSeconds }
        : {}),
      template: {
        metadata: { labels: testLabels(options.testId, 'controller') },
        spec: {
          restartPolicy: 'Never',
          enableServiceLinks: false,
          ...(affinity ? { affinity } : {}),
          containers: [
            {
              ...container('controller', options, options.controllerResources),
              args: controllerArgs,
              env: [testIdEnv, ...secretEnv],
              workingDir: WORK_DIR,
              ports: [{ name: 'control', containerPort: options.port, protocol: 'TCP' }],
              // The Service sends agents here only once the controller listens.
              readinessProbe: {
                tcpSocket: { port: options.port },
                periodSeconds: 2,
                failureThreshold: 1,
              },
              volumeMounts: [
                { name: 'script', mountPath: SCRIPT_MOUNT, readOnly: true },
                tokenMount,
                { name: 'work', mountPath: WORK_DIR },
              ],
            },
          ],
          volumes: [
            { name: 'script', configMap: { name: names.script, items } },
            tokenVolume,
            { name: 'work', emptyDir: {} },
          ],
        },
      },
    },
  };
  const agents: JobObject = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: common(names.agents, 'agent'),
    spec: {
      completionMode: 'Indexed',
      completions: options.agents,
      parallelism: options.agents,
      // A lost agent is not restarted (a second copy of its segment would be a duplicate the
      // controller refuses) and does not fail the other indexes: the controller decides.
      backoffLimitPerIndex: 0,
      maxFailedIndexes: options.agents,
      ttlSecondsAfterFinished: options.ttlSecondsAfterFinished,
      ...(options.activeDeadlineSeconds !== undefined
        ? { activeDeadlineSeconds: options.activeDeadlineSeconds }
        : {}),
      template: {
        metadata: { labels: testLabels(options.testId, 'agent') },
        spec: {
          restartPolicy: 'Never',
          enableServiceLinks: false,
          ...(affinity ? { affinity } : {}),
          containers: [
            {
              ...container('agent', options, options.agentResources),
              // The segment comes from JOB_COMPLETION_INDEX, which Kubernetes sets in every pod
              // of an Indexed Job.
              args: [
                'agent',
                '--join',
                `${names.controller}:${options.port}`,
                '--agent-token-file',
                TOKEN_FILE,
                '--join-timeout',
                `${options.agentJoinTimeoutSeconds}s`,
              ],
              env: [testIdEnv],
              volumeMounts: [tokenMount],
            },
          ],
          volumes: [tokenVolume],
        },
      },
    },
  };
  return {
    names,
    selector: testSelector(options.testId),
    secret,
    secretValues: [options.token, ...moved.map((m) => m.value)],
    secretArgs: moved.map(({ key, redacted }) => ({ key, redacted })),
    objects: [configMap, service, controller, agents],
  };
}

/**
 * Keeps secrets out of the Job's arguments: a run flag that redaction would change (a password
 * in a URL, `-e API_TOKEN=…`, an Authorization header) goes into the Secret, reaches the
 * container as an environment variable, and the argument becomes `$(VARIABLE)`, which the kubelet
 * expands when it starts the container. Every other `$` is doubled (`$$`), so the kubelet leaves
 * the user's text as written.
 */
function secretRunArgs(
  runArgs: readonly string[],
  secretName: string,
): {
  args: string[];
  env: EnvVar[];
  data: Record<string, string>;
  moved: Array<{ key: string; value: string; redacted: string }>;
} {
  const env: EnvVar[] = [];
  const data: Record<string, string> = {};
  const moved: Array<{ key: string; value: string; redacted: string }> = [];
  const args = runArgs.map((arg, index) => {
    const redacted = redactText(arg);
    if (redacted === arg) return arg.replaceAll('$', () => '$$');
    const key = `arg-${index}`;
    const variable = `REDLINE_SECRET_ARG_${index}`;
    data[key] = Buffer.from(arg, 'utf8').toString('base64');
    env.push({ name: variable, valueFrom: { secretKeyRef: { name: secretName, key } } });
    moved.push({ key, value: arg, redacted });
    return `$(${variable})`;
  });
  return { args, env, data, moved };
}

function container(
  name: string,
  options: RenderOptions,
  resources: { cpu?: RequestLimit; memory?: RequestLimit },
): Container {
  const requests: Record<string, string> = {};
  const limits: Record<string, string> = {};
  if (resources.cpu) {
    requests['cpu'] = resources.cpu.request;
    limits['cpu'] = resources.cpu.limit;
  }
  if (resources.memory) {
    requests['memory'] = resources.memory.request;
    limits['memory'] = resources.memory.limit;
  }
  return {
    name,
    image: options.image,
    ...(options.imagePullPolicy ? { imagePullPolicy: options.imagePullPolicy } : {}),
    command: ['redline'],
    ...(Object.keys(requests).length > 0 ? { resources: { requests, limits } } : {}),
    securityContext: { allowPrivilegeEscalation: false },
  };
}

function podSelector(testId: string, component: Component): Record<string, string> {
  const labels = testLabels(testId, component);
  return {
    'redline.dev/test-id': labels['redline.dev/test-id'] as string,
    'app.kubernetes.io/component': component,
  };
}

function antiAffinity(options: RenderOptions): Affinity | undefined {
  if (!options.antiAffinity) return undefined;
  // Every pod of the test (controller and agents) on a node of its own.
  const term: PodAffinityTerm = {
    labelSelector: { matchLabels: { 'redline.dev/test-id': options.testId } },
    topologyKey: 'kubernetes.io/hostname',
  };
  return options.antiAffinity === 'required'
    ? { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term] } }
    : {
        podAntiAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: term }],
        },
      };
}

/** The ConfigMap holding the bundle, and the volume items that lay its files out as here. */
function scriptConfigMap(
  bundle: ScriptBundle,
  metadata: ObjectMeta,
): { configMap: ConfigMapObject; items: KeyToPath[] } {
  const data: Record<string, string> = {};
  const binaryData: Record<string, string> = {};
  const items: KeyToPath[] = [];
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  let size = 0;
  bundle.files.forEach((file, index) => {
    // ConfigMap keys allow [-._a-zA-Z0-9] only: the key is an index plus the file's name, the
    // volume item puts it back at its relative path.
    const base = file.path.slice(file.path.lastIndexOf('/') + 1);
    const key = `${index}-${base.replace(/[^-._a-zA-Z0-9]/g, '_')}`.slice(0, 253);
    items.push({ key, path: file.path });
    let text: string | undefined;
    try {
      text = utf8.decode(file.content);
    } catch {
      text = undefined;
    }
    if (text !== undefined) {
      data[key] = text;
      size += file.content.length;
    } else {
      binaryData[key] = file.content.toString('base64');
      size += binaryData[key].length;
    }
  });
  if (size > CONFIGMAP_LIMIT_BYTES) {
    const largest = [...bundle.files].sort((a, b) => b.content.length - a.content.length)[0];
    throw new RedlineError(
      'E_K8S_BUNDLE_TOO_LARGE',
      `the script and its files take ${size} bytes; a ConfigMap holds at most ${CONFIGMAP_LIMIT_BYTES}`,
      {
        hint: `the largest file is ${largest?.path} (${largest?.content.length} bytes): serve large data over HTTP or put it in the image`,
        exitCode: ExitCode.DataError,
      },
    );
  }
  return {
    configMap: {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata,
      immutable: true,
      ...(Object.keys(data).length > 0 ? { data } : {}),
      ...(Object.keys(binaryData).length > 0 ? { binaryData } : {}),
    },
    items,
  };
}

/** The manifests as one YAML stream (`---` between objects). */
export function toYaml(objects: readonly object[], header?: string): string {
  const body = objects.map((o) => stringify(o, { lineWidth: 0 })).join('---\n');
  return header ? `${header}\n${body}` : body;
}

// The subset of the Kubernetes API types Redline writes.

/** metadata of an object. */
export interface ObjectMeta {
  name: string;
  namespace?: string;
  labels: Record<string, string>;
}

/** core/v1 ConfigMap. */
export interface ConfigMapObject {
  apiVersion: 'v1';
  kind: 'ConfigMap';
  metadata: ObjectMeta;
  immutable: boolean;
  data?: Record<string, string>;
  binaryData?: Record<string, string>;
}

/** core/v1 Secret. */
export interface SecretObject {
  apiVersion: 'v1';
  kind: 'Secret';
  metadata: ObjectMeta;
  type: 'Opaque';
  immutable: boolean;
  data: Record<string, string>;
}

/** core/v1 Service. */
export interface ServiceObject {
  apiVersion: 'v1';
  kind: 'Service';
  metadata: ObjectMeta;
  spec: {
    type: 'ClusterIP';
    selector: Record<string, string>;
    ports: Array<{ name: string; protocol: 'TCP'; port: number; targetPort: number }>;
  };
}

/** batch/v1 Job. */
export interface JobObject {
  apiVersion: 'batch/v1';
  kind: 'Job';
  metadata: ObjectMeta;
  spec: {
    completionMode?: 'Indexed' | 'NonIndexed';
    completions: number;
    parallelism: number;
    backoffLimit?: number;
    backoffLimitPerIndex?: number;
    maxFailedIndexes?: number;
    ttlSecondsAfterFinished: number;
    activeDeadlineSeconds?: number;
    template: { metadata: { labels: Record<string, string> }; spec: PodSpec };
  };
}

/** core/v1 PodSpec (the fields Redline sets). */
export interface PodSpec {
  restartPolicy: 'Never';
  enableServiceLinks: boolean;
  affinity?: Affinity;
  containers: Container[];
  volumes: Volume[];
}

/** core/v1 Container (the fields Redline sets). */
export interface Container {
  name: string;
  image: string;
  imagePullPolicy?: 'Always' | 'IfNotPresent' | 'Never';
  command: string[];
  args?: string[];
  env?: EnvVar[];
  workingDir?: string;
  ports?: Array<{ name: string; containerPort: number; protocol: 'TCP' }>;
  readinessProbe?: {
    tcpSocket: { port: number };
    periodSeconds: number;
    failureThreshold: number;
  };
  resources?: { requests: Record<string, string>; limits: Record<string, string> };
  securityContext: { allowPrivilegeEscalation: boolean };
  volumeMounts?: VolumeMount[];
}

/** core/v1 EnvVar (a value, or a Secret key). */
export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef: { name: string; key: string } };
}

/** core/v1 VolumeMount. */
export interface VolumeMount {
  name: string;
  mountPath: string;
  readOnly?: boolean;
}

/** core/v1 KeyToPath (a ConfigMap or Secret key laid out as a file). */
export interface KeyToPath {
  key: string;
  path: string;
}

/** core/v1 Volume (the kinds Redline uses). */
export interface Volume {
  name: string;
  configMap?: { name: string; items: KeyToPath[] };
  secret?: { secretName: string; defaultMode: number; items: KeyToPath[] };
  emptyDir?: Record<string, never>;
}

/** core/v1 PodAffinityTerm. */
export interface PodAffinityTerm {
  labelSelector: { matchLabels: Record<string, string> };
  topologyKey: string;
}

/** core/v1 Affinity (pod anti-affinity only). */
export interface Affinity {
  podAntiAffinity: {
    requiredDuringSchedulingIgnoredDuringExecution?: PodAffinityTerm[];
    preferredDuringSchedulingIgnoredDuringExecution?: Array<{
      weight: number;
      podAffinityTerm: PodAffinityTerm;
    }>;
  };
}
