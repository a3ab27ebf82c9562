/**
 * `redline k8s render|run <script>`: a distributed test on Kubernetes. `render` writes the
 * manifests (the script as a ConfigMap, a token Secret, the controller as a Job with a Service,
 * the agents as an Indexed Job); `run` applies them with the user's kubectl, streams the
 * controller's log and deletes everything at the end and on Ctrl-C. Flags `k8s` does not know
 * are `redline run` flags for the controller (checked here with `redline run`'s own parser).
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { ExitCode } from '../../errors/exit-codes.js';
import { cannotWriteError, RedlineError } from '../../errors/redline-error.js';
import {
  checkNamespace,
  checkTestId,
  collectScriptBundle,
  deleteArgs,
  findKubectl,
  generateTestId,
  generateToken,
  parseRequestLimit,
  type RenderedTest,
  type RequestLimit,
  renderTest,
  runOnCluster,
  SCRIPT_MOUNT,
  toYaml,
  WORK_DIR,
} from '../../k8s/index.js';
import { durationFlag, intFlag } from '../flags.js';
import { installInterruptHandler } from '../interrupt.js';
import { RedlineCommand } from '../usage-errors.js';

interface K8sFlags {
  agents: number;
  image: string;
  imagePullPolicy?: 'Always' | 'IfNotPresent' | 'Never';
  namespace?: string;
  testId?: string;
  port: number;
  cpu: RequestLimit;
  memory: RequestLimit;
  controllerCpu: RequestLimit;
  controllerMemory: RequestLimit;
  antiAffinity?: 'required' | 'preferred' | true;
  ttl: number;
  deadline?: number;
  joinTimeout: number;
  include?: string[];
  /** render: the folder to write to (stdout when absent). */
  out?: string;
  /** run: kubectl context. */
  context?: string;
  /** run: how long the controller pod may take to start. */
  podRunningTimeout?: number;
}

/** `redline run` flags Redline sets itself on the controller (or that make no sense there). */
const RESERVED_RUN_FLAGS: Record<string, string> = {
  '--agents': 'use --agents of redline k8s',
  '--listen': 'the controller listens on --port of redline k8s',
  '--agent-token-file': 'the token is generated and mounted from a Secret',
  '--execution-segment': 'each agent gets its segment from its Job completion index',
  '--execution-segment-sequence': 'the controller splits the test between the agents',
};

/** Flags of `redline run` whose files land in the controller pod, deleted with it. */
const FILE_FLAGS = ['json', 'summaryExport', 'dashboardExport'] as const;

/**
 * Checks the pass-through flags with `redline run`'s own parser (unknown flags and bad values fail
 * here, not in the cluster) and returns them (a `--` separator removed).
 */
async function checkRunFlags(scriptInPod: string, raw: readonly string[]): Promise<string[]> {
  const flags = raw.filter((f) => f !== '--');
  for (const flag of flags) {
    const name = flag.split('=')[0] as string;
    const why = RESERVED_RUN_FLAGS[name];
    if (why)
      throw new RedlineError('E_USAGE_CONFLICT', `${name} is set by redline k8s itself`, {
        hint: why,
        exitCode: ExitCode.Usage,
      });
  }
  const program = new RedlineCommand('redline');
  (await import('./run.js')).register(program);
  const run = program.commands.find((c) => c.name() === 'run') as Command;
  const { operands, unknown } = run.parseOptions([scriptInPod, ...flags]);
  if (unknown.length > 0)
    throw new RedlineError(
      'E_USAGE_UNKNOWN_OPTION',
      `unknown option ${unknown[0]} for redline k8s (flags it does not know go to redline run, which does not know it either)`,
      {
        hint: '`redline k8s render --help` and `redline run --help` list the options',
        exitCode: ExitCode.Usage,
      },
    );
  if (operands.length > 1)
    throw new RedlineError(
      'E_USAGE_TOO_MANY_ARGUMENTS',
      `too many arguments for redline k8s: ${operands
        .slice(1)
        .map((o) => `"${o}"`)
        .join(' ')}`,
      {
        hint: 'usage: redline k8s render [options] <script> [redline run flags]',
        exitCode: ExitCode.Usage,
      },
    );
  const opts = run.opts();
  const files = FILE_FLAGS.filter((f) => opts[f] !== undefined);
  if (files.length > 0 || Array.isArray(opts['out']))
    process.stderr.write(
      `redline: warning: files written by the controller (--json, --summary-export, --dashboard-export, file outputs of --out) land in its pod (${WORK_DIR}) and are deleted with it; read the summary from its log, or send results elsewhere (--out experimental-prometheus-rw=URL, --out opentelemetry)\n`,
    );
  return flags;
}

async function render(
  script: string,
  runFlags: readonly string[],
  flags: K8sFlags,
): Promise<{ rendered: RenderedTest; token: string }> {
  const testId = flags.testId ? checkTestId(flags.testId) : generateTestId();
  const namespace = flags.namespace ? checkNamespace(flags.namespace) : undefined;
  const bundle = await collectScriptBundle(script, flags.include ?? []);
  for (const note of bundle.notes) process.stderr.write(`redline: warning: ${note}\n`);
  const runArgs = await checkRunFlags(`${SCRIPT_MOUNT}/${bundle.script}`, runFlags);
  const token = generateToken();
  const antiAffinity = flags.antiAffinity === true ? 'required' : flags.antiAffinity;
  const rendered = renderTest({
    bundle,
    agents: flags.agents,
    image: flags.image,
    ...(flags.imagePullPolicy ? { imagePullPolicy: flags.imagePullPolicy } : {}),
    testId,
    ...(namespace ? { namespace } : {}),
    port: flags.port,
    token,
    runArgs,
    agentResources: { cpu: flags.cpu, memory: flags.memory },
    controllerResources: { cpu: flags.controllerCpu, memory: flags.controllerMemory },
    ...(antiAffinity ? { antiAffinity } : {}),
    ttlSecondsAfterFinished: Math.ceil(flags.ttl / 1000),
    ...(flags.deadline !== undefined
      ? { activeDeadlineSeconds: Math.ceil(flags.deadline / 1000) }
      : {}),
    agentJoinTimeoutSeconds: Math.ceil(flags.joinTimeout / 1000),
  });
  return { rendered, token };
}

function header(rendered: RenderedTest, flags: K8sFlags): string {
  return [
    `# redline k8s: test ${rendered.names.testId}: 1 controller (job/${rendered.names.controller}) and ${flags.agents} agents (indexed job/${rendered.names.agents})`,
    `# follow: kubectl logs --follow job/${rendered.names.controller}`,
    `# delete: kubectl delete job,service,configmap,secret -l ${rendered.selector}`,
  ].join('\n');
}

function writeFile(path: string, text: string, mode: number): void {
  try {
    writeFileSync(path, text, { mode });
    chmodSync(path, mode); // an existing file keeps its mode otherwise
  } catch (error) {
    throw cannotWriteError(path, error, { hint: 'check that the folder is writable' });
  }
}

async function renderAction(script: string, runFlags: string[], flags: K8sFlags): Promise<void> {
  const { rendered } = await render(script, runFlags, flags);
  const { names } = rendered;
  if (!flags.out) {
    // The token is a secret: it never goes to stdout. The Secret is created by hand (or use --out).
    process.stdout.write(`${toYaml(rendered.objects, header(rendered, flags))}`);
    const ns = flags.namespace ? ` --namespace ${flags.namespace}` : '';
    // Flags that look secret are in the Secret too: name them redacted, the user supplies them.
    const args = rendered.secretArgs.map((a) => ` --from-literal=${a.key}='<${a.redacted}>'`);
    process.stderr.write(
      `redline: the Secret ${names.token} is not printed (a secret never goes to stdout); create it before applying:\n` +
        `  kubectl create secret generic ${names.token}${ns} --from-literal=token="$(openssl rand -hex 32)"${args.join('')} && kubectl label secret ${names.token}${ns} ${rendered.selector}\n` +
        (args.length > 0
          ? `  (the run flags that look secret are read from it: put each whole flag value where it shows <…>)\n`
          : '') +
        `  or render with --out DIR, which writes it to a file only you can read\n`,
    );
    return;
  }
  const dir = resolve(flags.out);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw cannotWriteError(dir, error, {
      create: true,
      hint: 'check that the folder is writable',
    });
  }
  const manifests = join(dir, `redline-${names.testId}.yaml`);
  const secret = join(dir, `redline-${names.testId}-secret.yaml`);
  writeFile(secret, toYaml([rendered.secret]), 0o600);
  writeFile(manifests, toYaml(rendered.objects, header(rendered, flags)), 0o644);
  process.stderr.write(
    `redline: wrote ${manifests} and ${secret} (the token; readable by you only)\n` +
      `  apply:  kubectl apply -f ${secret} -f ${manifests}\n` +
      `  follow: kubectl logs --follow job/${names.controller} --pod-running-timeout=10m\n` +
      `  delete: kubectl delete job,service,configmap,secret -l ${rendered.selector}\n`,
  );
}

async function runAction(script: string, runFlags: string[], flags: K8sFlags): Promise<void> {
  const kubectl = findKubectl();
  const { rendered } = await render(script, runFlags, flags);
  const scope = {
    rendered,
    ...(flags.namespace ? { namespace: flags.namespace } : {}),
    ...(flags.context ? { context: flags.context } : {}),
  };
  const interrupt = installInterruptHandler();
  interrupt.onForcedExit(() => {
    // Quitting at once: still delete the objects (bounded), so nothing keeps running.
    const done = spawnSync(kubectl, deleteArgs(scope), { stdio: 'ignore', timeout: 15_000 });
    process.stderr.write(
      done.status === 0
        ? `redline: deleted the test's objects (${rendered.selector})\n`
        : `redline: could not delete the test's objects; run: kubectl ${deleteArgs(scope).join(' ')}\n`,
    );
  });
  try {
    const outcome = await runOnCluster({
      kubectl,
      ...scope,
      manifests: toYaml([rendered.secret, ...rendered.objects]),
      secrets: rendered.secretValues.flatMap((v) => [v, Buffer.from(v).toString('base64')]),
      podRunningTimeout: `${Math.ceil((flags.podRunningTimeout ?? 600_000) / 1000)}s`,
      stopGraceMs: 45_000,
      stdout: process.stdout,
      stderr: process.stderr,
      signal: interrupt.signal,
    });
    process.exitCode = outcome.exitCode;
  } finally {
    interrupt.dispose();
  }
}

function addTestFlags(command: Command): Command {
  return command
    .argument('<script>', 'the test script (k6 script, TypeScript or YAML plan)')
    .argument(
      '[run-flags...]',
      'redline run flags for the controller (e.g. --vus 100 -d 1m); put them after -- when a name is also a k8s flag (--out)',
    )
    .allowUnknownOption()
    .requiredOption(
      '--agents <n>',
      'number of agents (pods of the Indexed Job)',
      intFlag('--agents'),
    )
    .requiredOption('--image <image>', 'container image with redline on its PATH')
    .addOption(
      new Option('--image-pull-policy <policy>', 'imagePullPolicy of the containers').choices([
        'Always',
        'IfNotPresent',
        'Never',
      ]),
    )
    .option('--namespace <ns>', "namespace of every object (default: kubectl's current one)")
    .option('--test-id <id>', 'the id in every name and label (default: a random one)')
    .option(
      '--port <port>',
      "the controller's port (its Service's too)",
      intFlag('--port', 1),
      6565,
    )
    .addOption(
      new Option('--cpu <request[:limit]>', 'CPU of each agent (one value: request = limit)')
        .argParser((v: string) => parseRequestLimit('--cpu', v))
        .default(parseRequestLimit('--cpu', '1'), '1'),
    )
    .addOption(
      new Option('--memory <request[:limit]>', 'memory of each agent')
        .argParser((v: string) => parseRequestLimit('--memory', v))
        .default(parseRequestLimit('--memory', '1Gi'), '1Gi'),
    )
    .addOption(
      new Option('--controller-cpu <request[:limit]>', 'CPU of the controller')
        .argParser((v: string) => parseRequestLimit('--controller-cpu', v))
        .default(parseRequestLimit('--controller-cpu', '1'), '1'),
    )
    .addOption(
      new Option('--controller-memory <request[:limit]>', 'memory of the controller')
        .argParser((v: string) => parseRequestLimit('--controller-memory', v))
        .default(parseRequestLimit('--controller-memory', '1Gi'), '1Gi'),
    )
    .addOption(
      new Option(
        '--anti-affinity [mode]',
        'one pod of the test per node: required (default) or preferred',
      ).choices(['required', 'preferred']),
    )
    .addOption(
      new Option('--ttl <duration>', 'delete the Jobs and their pods this long after they finish')
        .argParser(durationFlag('--ttl', true))
        .default(600_000, '10m'),
    )
    .option(
      '--deadline <duration>',
      'stop the Jobs after this long, whatever happens (activeDeadlineSeconds)',
      durationFlag('--deadline'),
    )
    .addOption(
      new Option(
        '--join-timeout <duration>',
        'how long each agent keeps trying to reach the controller (its pod may start first)',
      )
        .argParser(durationFlag('--join-timeout'))
        .default(300_000, '5m'),
    )
    .option(
      '--include <file>',
      'ship this file too (one the script opens with a computed path; repeatable)',
      (v: string, p: string[] = []) => [...p, v],
    );
}

/** Registers `redline k8s render` and `redline k8s run`. */
export function register(program: Command): void {
  const k8s = program
    .command('k8s')
    .description('Distributed tests on Kubernetes: render the manifests, or run them with kubectl');
  addTestFlags(
    k8s
      .command('render')
      .description(
        'Write the manifests of a distributed test: script ConfigMap, token Secret, controller Job + Service, agents Indexed Job',
      ),
  )
    .option(
      '--out <dir>',
      'write the manifests (and the Secret, mode 0600) to this folder instead of stdout',
    )
    .addHelpText(
      'after',
      `
Examples:
  redline k8s render test.js --agents 8 --image registry.example.com/redline:0.1.0 --vus 800 -d 5m > test.yaml
  redline k8s render test.js --agents 8 --image IMAGE --anti-affinity --out k8s/ -- --vus 800 -d 5m

stdout never holds the token: without --out the Secret is left out (stderr says how to create it).
Exit codes: 0 ok, 2 bad flags, 65 files too large for a ConfigMap, 66 script not found, 73 cannot write,
107 the script does not load. Every code: docs/exit-codes.md.`,
    )
    .action(renderAction);
  addTestFlags(
    k8s
      .command('run')
      .description(
        "Run a distributed test on Kubernetes with kubectl: apply, stream the controller's log, delete at the end and on Ctrl-C",
      ),
  )
    .option('--context <name>', "kubectl context (default: kubectl's current one)")
    .option(
      '--pod-running-timeout <duration>',
      'how long the controller pod may take to start (default 10m)',
      durationFlag('--pod-running-timeout'),
    )
    .addHelpText(
      'after',
      `
Examples:
  redline k8s run test.js --agents 8 --image registry.example.com/redline:0.1.0 --vus 800 -d 5m

Exit codes: the controller's (0 ok, 99 thresholds failed, ... as redline run), 2 bad flags, 66 script
not found, 72 kubectl missing or failing (apply, logs), 105 interrupted (objects deleted), 130 second
Ctrl-C. Every code: docs/exit-codes.md.`,
    )
    .action(runAction);
}
