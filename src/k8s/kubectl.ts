/**
 * `redline k8s run`: applies a rendered test with the user's `kubectl`, streams the controller's
 * log (the merged progress and the summary), reads the controller's exit code, and deletes every
 * object of the test at the end, on an error and on Ctrl-C. Redline talks to the cluster only
 * through `kubectl`, so it uses the user's kubeconfig, context and credentials as they are.
 * The token reaches `kubectl` on its standard input only; every line `kubectl` prints is passed
 * through {@link scrubber} so it cannot reach an output either.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { Writable } from 'node:stream';
import { ExitCode } from '../errors/exit-codes.js';
import { RedlineError } from '../errors/redline-error.js';
import type { RenderedTest } from './manifests.js';

/** Finds `kubectl` on `PATH`; a RedlineError (exit 72) saying how to get it when absent. */
export function findKubectl(path: string = process.env['PATH'] ?? ''): string {
  for (const dir of path.split(delimiter).filter(Boolean)) {
    const candidate = join(dir, 'kubectl');
    try {
      if (!statSync(candidate).isFile()) continue;
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not there or not executable: keep looking
    }
  }
  throw new RedlineError('E_K8S_NO_KUBECTL', 'kubectl not found on PATH', {
    hint: 'install kubectl and point it at your cluster (kubectl config current-context), or write the manifests with `redline k8s render --out DIR` and apply them yourself',
    exitCode: ExitCode.Unavailable,
  });
}

/** What {@link runOnCluster} needs. */
export interface ClusterRunOptions {
  /** The kubectl executable. */
  kubectl: string;
  namespace?: string;
  /** kubectl context (`--context`); omitted: the current one. */
  context?: string;
  rendered: RenderedTest;
  /** Every object as YAML, the Secret included (sent on kubectl's standard input only). */
  manifests: string;
  /** Values never to print (the token). */
  secrets: readonly string[];
  /** How long the controller pod may take to start (kubectl's `--pod-running-timeout`). */
  podRunningTimeout: string;
  /** After Ctrl-C: how long to keep streaming while the controller writes its partial summary. */
  stopGraceMs: number;
  stdout: Writable;
  stderr: Writable;
  /** Aborted on the first Ctrl-C/SIGTERM. */
  signal: AbortSignal;
}

/** How a cluster run ended. */
export interface ClusterRunOutcome {
  /** The exit code for `redline k8s run`: the controller's, or 105 when interrupted. */
  exitCode: number;
  interrupted: boolean;
  /** The controller container's exit code and reason (e.g. OOMKilled), when it was read. */
  controller?: { exitCode: number; reason: string };
}

/** kubectl's global flags for this test (`--context`, `--namespace`). */
function scope(options: Pick<ClusterRunOptions, 'namespace' | 'context'>): string[] {
  return [
    ...(options.context ? ['--context', options.context] : []),
    ...(options.namespace ? ['--namespace', options.namespace] : []),
  ];
}

/** The kubectl arguments that delete every object of the test (also printed for manual use). */
export function deleteArgs(
  options: Pick<ClusterRunOptions, 'namespace' | 'context' | 'rendered'>,
): string[] {
  return [
    ...scope(options),
    'delete',
    'job,service,configmap,secret',
    '-l',
    options.rendered.selector,
    '--ignore-not-found',
    '--wait=false',
  ];
}

/** A function replacing every secret in a text by `***`. */
export function scrubber(secrets: readonly string[]): (text: string) => string {
  const values = secrets.filter((s) => s.length > 0);
  return (text) => values.reduce((t, s) => t.split(s).join('***'), text);
}

/** Copies `from` into `to` line by line through `scrub` (a secret split across chunks is still caught). */
function pipeLines(from: NodeJS.ReadableStream, to: Writable, scrub: (t: string) => string): void {
  let pending = '';
  from.setEncoding('utf8');
  from.on('data', (chunk: string) => {
    pending += chunk;
    const end = pending.lastIndexOf('\n');
    if (end < 0) return;
    to.write(scrub(pending.slice(0, end + 1)));
    pending = pending.slice(end + 1);
  });
  from.on('end', () => {
    if (pending) to.write(scrub(pending));
    pending = '';
  });
}

interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs kubectl to the end (bounded by `timeoutMs`), capturing its output. */
function kubectl(
  options: ClusterRunOptions,
  args: string[],
  input?: string,
  timeoutMs = 120_000,
): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(options.kubectl, args, {
      stdio: ['pipe', 'pipe', 'pipe'],
      timeout: timeoutMs,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      stdout += c;
    });
    child.stderr.setEncoding('utf8').on('data', (c: string) => {
      stderr += c;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.on('error', () => {}); // kubectl may exit before reading everything
    child.stdin.end(input ?? '');
  });
}

/** kubectl's last line of output (its summary; the lines before repeat the same failure). */
function lastLine(text: string): string {
  return text.trim().split('\n').at(-1) ?? '';
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Applies the test, streams the controller's log to `stdout` until the controller ends (or, after
 * Ctrl-C, until it has written its partial summary or `stopGraceMs` passed), reads its exit code
 * and deletes the test's objects, whatever happened. Throws a RedlineError (exit 72) when kubectl
 * fails (the objects created so far are deleted first).
 */
export async function runOnCluster(options: ClusterRunOptions): Promise<ClusterRunOutcome> {
  const scrub = scrubber(options.secrets);
  const say = (text: string) => options.stderr.write(`redline: ${scrub(text)}\n`);
  const { names } = options.rendered;
  let deletion: Promise<void> | undefined;
  // Once only; a second caller (the end of the run after Ctrl-C) waits for the first.
  const deleteAll = () => {
    deletion ??= deleteObjects();
    return deletion;
  };
  const deleteObjects = async () => {
    const done = await kubectl(options, deleteArgs(options)).catch((e: Error) => ({
      code: null,
      stdout: '',
      stderr: e.message,
    }));
    if (done.code === 0) say(`deleted the test's objects (${options.rendered.selector})`);
    else
      say(
        `could not delete the test's objects: ${lastLine(done.stderr)}\n  delete them with: kubectl ${deleteArgs(options).join(' ')}`,
      );
  };
  try {
    say(`applying test ${names.testId} (${options.rendered.selector})`);
    const applied = await kubectl(
      options,
      [...scope(options), 'apply', '-f', '-'],
      options.manifests,
    );
    if (applied.code !== 0)
      throw new RedlineError('E_K8S_APPLY', `kubectl apply failed (exit ${applied.code})`, {
        hint: 'check that kubectl reaches the cluster (kubectl cluster-info) and may create Jobs, Services, ConfigMaps and Secrets in the namespace',
        problems: scrub(applied.stderr).trim().split('\n').filter(Boolean),
        exitCode: ExitCode.Unavailable,
      });
    for (const line of applied.stdout.trim().split('\n').filter(Boolean)) say(line);
    if (options.signal.aborted) return { exitCode: ExitCode.Interrupted, interrupted: true };

    const logs = await streamLogs(options, scrub, deleteAll);
    if (logs.interrupted) return { exitCode: ExitCode.Interrupted, interrupted: true };
    if (logs.code !== 0)
      throw new RedlineError(
        'E_K8S_LOGS',
        `could not follow the controller's log (kubectl logs exit ${logs.code})`,
        {
          hint: `the controller pod may not have started: kubectl describe job ${names.controller} (an image that cannot be pulled, no node with the requested resources)`,
          problems: scrub(logs.stderr).trim().split('\n').filter(Boolean),
          exitCode: ExitCode.Unavailable,
        },
      );
    const controller = await controllerExit(options);
    if (!controller)
      throw new RedlineError(
        'E_K8S_OUTCOME',
        "the controller's log ended but its exit code could not be read",
        {
          hint: `kubectl get pods -l ${options.rendered.selector} shows what happened to it`,
          exitCode: ExitCode.Unavailable,
        },
      );
    if (controller.reason && controller.reason !== 'Completed' && controller.reason !== 'Error')
      say(`the controller ended: ${controller.reason} (exit ${controller.exitCode})`);
    return { exitCode: controller.exitCode, interrupted: false, controller };
  } finally {
    await deleteAll();
  }
}

/** Follows the controller Job's log; on Ctrl-C deletes the test (the controller gets SIGTERM and writes what it measured) and keeps following for a bounded time. */
function streamLogs(
  options: ClusterRunOptions,
  scrub: (t: string) => string,
  deleteAll: () => Promise<void>,
): Promise<{ code: number | null; stderr: string; interrupted: boolean }> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(
      options.kubectl,
      [
        ...scope(options),
        'logs',
        '--follow',
        `job/${options.rendered.names.controller}`,
        `--pod-running-timeout=${options.podRunningTimeout}`,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    let interrupted = false;
    let grace: NodeJS.Timeout | undefined;
    pipeLines(child.stdout as NodeJS.ReadableStream, options.stdout, scrub);
    child.stderr?.setEncoding('utf8').on('data', (c: string) => {
      stderr += c;
    });
    const onAbort = () => {
      interrupted = true;
      options.stderr.write(
        'redline: stopping the test: deleting its objects (the controller writes what it measured)\n',
      );
      void deleteAll();
      grace = setTimeout(() => child.kill('SIGTERM'), options.stopGraceMs);
    };
    if (options.signal.aborted) onAbort();
    else options.signal.addEventListener('abort', onAbort, { once: true });
    child.on('error', reject);
    child.on('close', (code) => {
      options.signal.removeEventListener('abort', onAbort);
      if (grace) clearTimeout(grace);
      resolve({ code, stderr, interrupted });
    });
  });
}

/** The controller container's exit code and reason, polled briefly (the status may lag the log's end). */
async function controllerExit(
  options: ClusterRunOptions,
): Promise<{ exitCode: number; reason: string } | undefined> {
  const args = [
    ...scope(options),
    'get',
    'pods',
    '-l',
    `${options.rendered.selector},app.kubernetes.io/component=controller`,
    '-o',
    'jsonpath={range .items[*]}{.status.containerStatuses[0].state.terminated.exitCode}{" "}{.status.containerStatuses[0].state.terminated.reason}{"\\n"}{end}',
  ];
  for (let attempt = 0; attempt < 30; attempt++) {
    const got = await kubectl(options, args);
    if (got.code === 0) {
      for (const line of got.stdout.split('\n')) {
        const match = /^(\d+) ?(.*)$/.exec(line.trim());
        if (match) return { exitCode: Number(match[1]), reason: match[2] ?? '' };
      }
    }
    await sleep(1000);
  }
  return undefined;
}
