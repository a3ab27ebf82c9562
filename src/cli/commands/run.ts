/**
 * `redline run <url|script>`: a quick-mode load test against a URL (autocannon/wrk style), or a
 * scripted test (k6 scripts unchanged, native TypeScript, YAML plans), with a k6-style summary.
 */
import { Console } from 'node:console';
import { randomUUID } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';
import type { Command } from 'commander';
import { checkReachable, runQuickTest } from '../../engine/index.js';
import { ExitCode } from '../../errors/exit-codes.js';
import { RedlineError } from '../../errors/redline-error.js';
import { parseTarget } from '../../http/target.js';
import type { Output } from '../../outputs/output.js';
import { ProgressOutput } from '../../outputs/progress/progress-output.js';
import { createOutputFromSpec, listOutputs } from '../../outputs/registry.js';
import { summaryExport } from '../../results/k6-summary-data.js';
import '../../outputs/builtin.js';
import type { DistributedController } from '../../distributed/index.js';
import { renderSummaryText } from '../../outputs/summary/summary-text.js';
import type { ResultThreshold, RunResultFile } from '../../results/run-result.js';
import { redactText } from '../../util/redact.js';
import { DEFAULT_LISTEN, parseHostPort, readAgentToken, readPem } from '../distributed-flags.js';
import {
  addLoadFlags,
  durationFlag,
  intFlag,
  type LoadFlagValues,
  quickOptionsFromFlags,
} from '../flags.js';
import { type Interrupt, installInterruptHandler } from '../interrupt.js';
import { PartialResult } from '../partial-result.js';
import { RequestFailureLog } from '../request-failure-log.js';
import { writeJsonFile } from '../result-files.js';
import { parseRunTarget } from '../run-target.js';
import {
  addScriptFlags,
  cliOverridesFromFlags,
  remoteModulesFromFlags,
  type ScriptFlagValues,
} from '../script-flags.js';
import { isWebSocketTarget, wsEchoScript } from '../ws-echo.js';

interface RunFlags extends LoadFlagValues, ScriptFlagValues {
  json?: string;
  out?: string[];
  quiet?: boolean;
  tag?: Array<[string, string]>;
  dashboard?: boolean;
  dashboardPort?: number;
  dashboardHost?: string;
  dashboardExport?: string;
  /** WebSocket echo mode (ws:// targets): the message sent and echoed. */
  message?: string;
  /** Not a flag: the target the result names when it is not the script (the echo mode's URL). */
  resultTarget?: string;
  /** Distributed run: how many agents, where to listen, the token, the loss policy. */
  agents?: number;
  listen?: string;
  agentTokenFile?: string;
  onAgentLoss?: string;
  heartbeatTimeout?: number;
  agentWait?: number;
  testId?: string;
  agentTlsCert?: string;
  agentTlsKey?: string;
}

/** Where the dashboard reads threshold outcomes from (set once a scripted run has them). */
let thresholdOutcomes: () => readonly ResultThreshold[] = () => [];

function parseTag(value: string, previous: Array<[string, string]> = []): Array<[string, string]> {
  const eq = value.indexOf('=');
  if (eq <= 0) {
    throw new RedlineError('E_USAGE_VALUE', `invalid value for --tag: "${value}"`, {
      hint: 'use --tag name=value',
      exitCode: ExitCode.Usage,
    });
  }
  return [...previous, [value.slice(0, eq), value.slice(eq + 1)]];
}

async function buildOutputs(flags: RunFlags, partial: PartialResult): Promise<Output[]> {
  // Failed requests are warned about even with --quiet (as k6's log lines).
  const outputs: Output[] = [partial, new RequestFailureLog(warn)];
  if (!flags.quiet) outputs.push(new ProgressOutput(process.stderr));
  for (const spec of flags.out ?? [])
    outputs.push(await createOutputFromSpec(spec, { cwd: process.cwd() }));
  if (flags.dashboard || flags.dashboardPort !== undefined || flags.dashboardExport) {
    const { createDashboardOutput } = await import('../../outputs/dashboard/dashboard-output.js');
    outputs.push(
      createDashboardOutput({
        ...(flags.dashboardPort !== undefined ? { port: flags.dashboardPort } : {}),
        ...(flags.dashboardHost ? { host: flags.dashboardHost } : {}),
        ...(flags.dashboardExport ? { exportPath: resolve(flags.dashboardExport) } : {}),
        thresholds: () => thresholdOutcomes(),
      }),
    );
  }
  return outputs;
}

function warn(text: string): void {
  // On a terminal the progress line is drawn without a newline: clear it first (it is redrawn
  // at the next interval), so a warning during the run gets a line of its own.
  const clear = process.stderr.isTTY === true ? '\r\u001b[2K' : '';
  process.stderr.write(`${clear}redline: warning: ${redactText(text)}\n`);
}

function writeResultFiles(result: RunResultFile, flags: RunFlags): void {
  if (flags.json) {
    writeJsonFile(resolve(flags.json), result);
    process.stderr.write(`redline: result written to ${flags.json}\n`);
  }
  if (flags.summaryExport) writeJsonFile(resolve(flags.summaryExport), summaryExport(result));
}

const color = () => process.stdout.isTTY === true && !process.env['NO_COLOR'];

/**
 * On a forced exit (second Ctrl-C) before the results were written: print the summary of what
 * was measured and write the result files, synchronously. Returns a function marking the
 * results as written (the forced exit then has nothing to add).
 */
function writePartialOnForcedExit(
  interrupt: Interrupt,
  partial: PartialResult,
  flags: RunFlags,
): () => void {
  let written = false;
  interrupt.onForcedExit(() => {
    if (written) return;
    const result = partial.build(
      'forced exit (second signal) before the run finished: what the load measured so far; the end-of-run steps (output flush, teardown(), handleSummary()) did not complete',
    );
    if (!result) {
      process.stderr.write('redline: nothing was measured yet; no result written\n');
      return;
    }
    result.thresholds = [...thresholdOutcomes()];
    process.stdout.write(renderSummaryText(result, { color: color() }));
    writeResultFiles(result, flags);
  });
  return () => {
    written = true;
  };
}

async function runUrl(url: string, flags: RunFlags): Promise<void> {
  // Quick mode has no scenarios to split: running the whole load on every instance would be a lie.
  for (const [flag, value] of [
    ['--execution-segment', flags.executionSegment],
    ['--execution-segment-sequence', flags.executionSegmentSequence],
  ] as const) {
    if (value !== undefined)
      throw new RedlineError(
        'E_USAGE_CONFLICT',
        `${flag} splits a script's scenarios; a URL run has none`,
        {
          hint: 'write the load as a script (redline run script.js) to split it between instances',
          exitCode: ExitCode.Usage,
        },
      );
  }
  const options = quickOptionsFromFlags(url, flags);
  if (flags.tag) options.tags = Object.fromEntries(flags.tag);
  const interrupt = installInterruptHandler();
  const partial = new PartialResult();
  const markWritten = writePartialOnForcedExit(interrupt, partial, flags);
  try {
    const { result, exitCode } = await runQuickTest(
      { ...options, outputs: await buildOutputs(flags, partial), signal: interrupt.signal },
      warn,
    );
    process.stdout.write(renderSummaryText(result, { color: color() }));
    writeResultFiles(result, flags);
    markWritten();
    process.exitCode = exitCode;
  } finally {
    interrupt.dispose();
  }
}

/** Writes what handleSummary() returned; a destination that fails is reported, the others still written (as k6). */
function writeSummaryOutputs(summary: Record<string, string | ArrayBuffer>): void {
  for (const [where, content] of Object.entries(summary)) {
    const text = typeof content === 'string' ? content : Buffer.from(content);
    try {
      if (where === 'stdout') process.stdout.write(text);
      else if (where === 'stderr') process.stderr.write(text);
      else writeFileSync(resolve(where), text);
    } catch (error) {
      warn(`handleSummary(): could not write "${where}": ${(error as Error).message}`);
    }
  }
}

/** A script that does not exist but looks like a host: say how to write it as a URL. */
function notFoundAsUrl(path: string, error: unknown): unknown {
  if (!(error instanceof RedlineError) || error.code !== 'E_SCRIPT_NOT_FOUND') return error;
  if (/^\.[cm]?[jt]sx?$|^\.ya?ml$/i.test(extname(path))) return error;
  return new RedlineError(error.code, error.message, {
    exitCode: error.exitCode,
    hint: `check the path; to load-test a URL, write http://${path} (a host:port target such as 127.0.0.1:8080/ is taken as http)`,
    cause: error,
  });
}

/** Starts the controller of a distributed run (`--agents N`), listening before the script loads. */
async function startController(flags: RunFlags): Promise<DistributedController | undefined> {
  if (flags.agents === undefined) return undefined;
  if (flags.executionSegment !== undefined)
    throw new RedlineError(
      'E_USAGE_CONFLICT',
      '--execution-segment cannot be combined with --agents (the controller gives each agent its segment)',
      {
        exitCode: ExitCode.Usage,
        hint: 'drop --execution-segment; --execution-segment-sequence sets unequal parts',
      },
    );
  // The controller runs no load itself: a --workers here would be silently ignored.
  if (flags.workers !== undefined)
    throw new RedlineError(
      'E_USAGE_CONFLICT',
      '--workers cannot be combined with --agents (the controller runs no load itself)',
      {
        exitCode: ExitCode.Usage,
        hint: 'give each agent its worker threads: redline agent --join HOST:PORT --workers N',
      },
    );
  const policy = flags.onAgentLoss ?? 'abort';
  if (policy !== 'abort' && policy !== 'continue')
    throw new RedlineError('E_USAGE_VALUE', `invalid value for --on-agent-loss: "${policy}"`, {
      exitCode: ExitCode.Usage,
      hint: 'use abort (stop every agent, the default) or continue (finish with the others)',
    });
  const listen = parseHostPort('--listen', flags.listen ?? DEFAULT_LISTEN);
  if ((flags.agentTlsCert === undefined) !== (flags.agentTlsKey === undefined))
    throw new RedlineError('E_USAGE_CONFLICT', '--agent-tls-cert and --agent-tls-key go together', {
      exitCode: ExitCode.Usage,
      hint: 'pass both (PEM files), or neither for a plain WebSocket',
    });
  const token = readAgentToken(flags.agentTokenFile, 'redline run --agents');
  const { DistributedController } = await import('../../distributed/index.js');
  const controller = await DistributedController.listen({
    agents: flags.agents,
    host: listen.host,
    port: listen.port,
    token,
    testId: flags.testId ?? process.env['REDLINE_TEST_ID'] ?? randomUUID(),
    onAgentLoss: policy,
    heartbeatTimeoutMs: flags.heartbeatTimeout ?? 5000,
    agentWaitMs: flags.agentWait ?? 120_000,
    ...(flags.executionSegmentSequence !== undefined
      ? { segmentSequence: flags.executionSegmentSequence }
      : {}),
    log: (line) => process.stderr.write(`redline: ${line}\n`),
    ...(flags.agentTlsCert && flags.agentTlsKey
      ? {
          tls: {
            cert: readPem('--agent-tls-cert', flags.agentTlsCert),
            key: readPem('--agent-tls-key', flags.agentTlsKey),
          },
        }
      : {}),
  });
  process.stderr.write(`redline: controller listening on ${controller.address}\n`);
  return controller;
}

/** The distributed run's lines under the summary: each agent, and what is missing. */
function distributedLines(result: RunResultFile): string {
  const d = result.distributed;
  if (!d) return '';
  const lines = [
    ``,
    `  distributed: ${d.agents.length} agents, sequence ${d.sequence}, test ${d.testId}`,
    ...d.agents.map(
      (a) =>
        `    agent ${a.index}  segment ${a.segment.padEnd(9)} ${a.status.padEnd(11)} ${a.host} pid ${a.pid}  clock ${a.clockOffsetMs >= 0 ? '+' : ''}${a.clockOffsetMs}±${Math.round((a.clockRttMs / 2) * 100) / 100} ms${a.startLateMs !== undefined ? `  start ${a.startLateMs >= 0 ? '+' : ''}${a.startLateMs} ms` : ''}${a.detail ? `  (${a.detail})` : ''}`,
    ),
  ];
  if (d.partial)
    lines.push(
      `  PARTIAL RESULT: segment${d.lostSegments.length > 1 ? 's' : ''} ${d.lostSegments.join(', ')} lost (--on-agent-loss ${d.policy}); the numbers above miss that part of the load`,
    );
  return `${lines.join('\n')}\n`;
}

async function runScript(path: string, flags: RunFlags): Promise<void> {
  const controller = await startController(flags);
  try {
    await runScriptWith(path, flags, controller);
  } finally {
    await controller?.close();
  }
}

async function runScriptWith(
  path: string,
  flags: RunFlags,
  controller: DistributedController | undefined,
): Promise<void> {
  const interrupt = installInterruptHandler();
  const partial = new PartialResult();
  const markWritten = writePartialOnForcedExit(interrupt, partial, flags);
  const errorsShown = new Map<string, number>();
  try {
    const { runScriptTest } = await import('../../engine/script-run/run-script.js');
    // Scripts' console output goes to stderr, as in k6, so stdout carries only the summary.
    globalThis.console = new Console({ stdout: process.stderr, stderr: process.stderr });
    const run = await runScriptTest({
      scriptPath: path,
      ...(flags.resultTarget !== undefined ? { target: flags.resultTarget } : {}),
      cli: cliOverridesFromFlags(flags),
      remoteModules: remoteModulesFromFlags(flags),
      ...(flags.workers !== undefined ? { workers: flags.workers } : {}),
      outputs: await buildOutputs(flags, partial),
      signal: controller
        ? AbortSignal.any([interrupt.signal, controller.signal])
        : interrupt.signal,
      ...(controller ? { remote: controller.launcher } : {}),
      onWarning: warn,
      onThresholds: (outcomes) => {
        thresholdOutcomes = outcomes;
      },
      onScriptError: (message, stack) => {
        const seen = errorsShown.get(message) ?? 0;
        errorsShown.set(message, seen + 1);
        if (seen === 0)
          process.stderr.write(
            `\nredline: error in an iteration (counted, the test goes on): ${redactText(stack)}\n`,
          );
      },
    }).catch((error: unknown) => {
      throw notFoundAsUrl(path, error);
    });
    if (controller) run.result.distributed = controller.summary();
    if (run.summaryError) {
      // As k6, a failing handleSummary() does not change the exit code; its error is shown and
      // the default summary printed instead, so the numbers are not lost.
      const detail = run.summaryError.problems.map((p) => `  ${p.replaceAll('\n', '\n  ')}\n`);
      process.stderr.write(
        redactText(
          `\nredline: ${run.summaryError.message}; printing the default summary instead (the exit code stays the run's)\n${detail.join('')}`,
        ),
      );
    }
    const summary = run.summaryOutputs;
    if (summary) {
      writeSummaryOutputs(summary);
    } else {
      process.stdout.write(`\n${run.header.map((l) => `  ${l}`).join('\n')}\n`);
      process.stdout.write(
        renderSummaryText(run.result, {
          color: color(),
          trendStats: run.plan.options.summaryTrendStats,
        }),
      );
    }
    process.stdout.write(distributedLines(run.result));
    writeResultFiles(run.result, flags);
    markWritten();
    // A partial distributed result is never green, whatever the thresholds said.
    process.exitCode = run.result.distributed?.partial ? ExitCode.AgentLost : run.exitCode;
  } finally {
    interrupt.dispose();
  }
}

/** Registers `redline run`. */
export function register(program: Command): void {
  const command = program
    .command('run')
    .description(
      'Run a load test: a URL (quick mode) or a script (k6 script, TypeScript, YAML plan)',
    )
    .argument(
      '<target>',
      'URL (http://127.0.0.1:3000/items, or host:port as 127.0.0.1:3000/items) or script file (test.js, test.ts, plan.yaml)',
    );
  addScriptFlags(addLoadFlags(command))
    .option('--json <file>', 'write the full result (summary, timeline, distribution) as JSON')
    .option(
      '--out <output>',
      `stream results (repeatable): ${listOutputs()
        .map((o) => o.usage)
        .join(', ')}`,
      (v: string, p: string[] = []) => [...p, v],
    )
    .option('--dashboard', 'serve a live web dashboard on 127.0.0.1:5665 during the run')
    .option('--dashboard-port <port>', 'dashboard port (0 = any free port)', (v: string) =>
      intFlag('--dashboard-port', 0)(v),
    )
    .option('--dashboard-host <address>', 'dashboard address (default 127.0.0.1)')
    .option(
      '--dashboard-export <file>',
      'save the dashboard as a self-contained HTML file at the end',
    )
    .option('--tag <name=value>', 'tag every series (repeatable)', parseTag)
    .option('-q, --quiet', 'no live progress line')
    .option(
      '--agents <n>',
      'distributed run: wait for N agents (`redline agent --join`), give each a segment, merge their results',
      (v: string) => intFlag('--agents', 1)(v),
    )
    .option('--listen <host:port>', `with --agents: where agents join (default ${DEFAULT_LISTEN})`)
    .option(
      '--agent-token-file <file>',
      'with --agents: file holding the shared token (default: REDLINE_AGENT_TOKEN)',
    )
    .option(
      '--on-agent-loss <policy>',
      'with --agents: abort (default: stop every agent) or continue (finish with the others); the result is partial either way',
    )
    .option(
      '--heartbeat-timeout <duration>',
      'with --agents: an agent (or the controller) silent this long is lost (default 5s)',
      durationFlag('--heartbeat-timeout'),
    )
    .option(
      '--agent-wait <duration>',
      'with --agents: how long to wait for the agents to join and prepare (default 2m)',
      durationFlag('--agent-wait'),
    )
    .option('--test-id <id>', 'with --agents: the test id agents must match (default: a new UUID)')
    .option(
      '--agent-tls-cert <file>',
      'with --agents: serve agents over TLS (wss) with this PEM certificate',
    )
    .option('--agent-tls-key <file>', 'with --agents: the PEM key of --agent-tls-cert')
    .option(
      '--message <text>',
      'ws:// targets: the message each connection sends and waits to get back (default hello)',
    )
    .addHelpText(
      'after',
      `
Examples:
  redline run http://127.0.0.1:3000/ -c 50 -d 30s
  redline run http://127.0.0.1:3000/items --rate 2000 -c 100 -d 1m --json result.json
  redline run 127.0.0.1:3000/ -c 10                     # host:port without a scheme is http
  redline run ws://127.0.0.1:8080/echo --message hi -c 50 -d 10s   # WebSocket echo round trips
  redline run script.js --vus 10 --duration 30s          # a k6 script, unchanged
  redline run script.js --host api.example.com=127.0.0.1:3000
  redline run flow.ts --preset stress --vus 50
  redline run script.js --agents 4 --listen 0.0.0.0:6565 --agent-token-file token   # distributed

Exit codes: 0 ok, 2 bad flags, 66 script not found, 69 target unreachable or answered nothing, 73 cannot write,
99 thresholds failed, 100/101 setup/teardown timeout, 104 invalid options, 105 interrupted (results
still written), 107 script error, 108 aborted, 110 marked failed, 113 a distributed run lost an agent, 130 second Ctrl-C (what was
measured is still written). Every code: docs/exit-codes.md.`,
    )
    .action(async (target: string, flags: RunFlags) => {
      if (isWebSocketTarget(target)) {
        const echo = wsEchoScript(target, flags);
        // A closed port or unknown host fails fast with exit 69, as for http:// targets.
        try {
          await checkReachable(parseTarget(target.replace(/^ws/i, 'http')));
        } catch (error) {
          rmSync(dirname(echo.path), { recursive: true, force: true });
          throw error;
        }
        // The echo script reads these from its environment (wsEchoScript).
        const {
          duration: _duration,
          connections: _connections,
          rate: _rate,
          maxQueue: _maxQueue,
          header: _header,
          ...rest
        } = flags;
        // Quick mode's --insecure is the script's insecureSkipTLSVerify for wss:// targets.
        const tls = flags.insecure ? { insecureSkipTlsVerify: true } : {};
        try {
          return await runScript(echo.path, {
            ...rest,
            ...tls,
            resultTarget: redactText(target),
            env: [...echo.env, ...(flags.env ?? [])],
          });
        } finally {
          rmSync(dirname(echo.path), { recursive: true, force: true });
        }
      }
      const parsed = parseRunTarget(target);
      if (parsed.kind === 'url' && flags.agents !== undefined)
        throw new RedlineError(
          'E_USAGE_CONFLICT',
          '--agents needs a script (a URL run is not split)',
          {
            exitCode: ExitCode.Usage,
            hint: 'write the test as a script (redline run script.js --agents N)',
          },
        );
      if (parsed.kind === 'url') return runUrl(parsed.url, flags);
      return runScript(parsed.path, flags);
    });
}
