/** `runQuickTest`: the API behind `redline run <url>` (autocannon/wrk-style single-URL load). */
import { randomUUID } from 'node:crypto';
import { type ExitCodeValue, exitCodeFor } from '../../errors/exit-codes.js';
import type { Aggregate } from '../../metrics/aggregate.js';
import { type RunMeta, URL_ONLY_TEST_DATA } from '../../results/run-meta.js';
import type { RunResultFile } from '../../results/run-result.js';
import { formatDuration } from '../../util/duration.js';
import { redactText } from '../../util/redact.js';
import { runShards } from '../controller.js';
import { checkHttp2, checkReachable } from '../preflight.js';
import { buildRunResult, targetNeverAnswered } from '../result-builder.js';
import { planQuickShards, type QuickRunOptions } from './quick-config.js';

/** A finished run: the saved-result shape, the merged aggregate and the exit code it earns. */
export interface RunResult {
  result: RunResultFile;
  totals: Aggregate;
  /**
   * 0; 105 when interrupted (Ctrl-C); 69 when the target answered no request at all (it
   * accepted connections but never sent a response, or every attempt failed). See
   * docs/exit-codes.md.
   */
  exitCode: ExitCodeValue;
}

/** Describes the load model in one line (header of the summary). */
export function describeQuickRun(options: QuickRunOptions): string {
  const c = options.connections ?? 10;
  const p =
    options.pipelining && options.pipelining > 1 ? `, pipelining ${options.pipelining}` : '';
  const h2 =
    options.http2 || options.h2c
      ? `, HTTP/2${options.h2c ? ' cleartext (h2c)' : ''} × ${options.streams ?? 1} streams`
      : '';
  const bound =
    options.requests !== undefined
      ? `${options.requests} requests`
      : formatDuration(options.durationMs ?? 10_000);
  const model =
    options.rate !== undefined
      ? `${options.rate} req/s (open model) over ${c} connections`
      : `${c} connections (closed model)`;
  return `${model}${p}${h2}, ${bound}${options.warmupMs ? ` after ${formatDuration(options.warmupMs)} warm-up` : ''}`;
}

/**
 * Runs a quick-mode load test and returns its result. Never throws for target errors during the
 * run (they are counted); throws RedlineError before the run for bad options or an unreachable target.
 */
export async function runQuickTest(
  options: QuickRunOptions,
  onWarning?: (text: string) => void,
): Promise<RunResult> {
  const configs = planQuickShards(options);
  await checkReachable(configs[0]!.target);
  const http2 = configs[0]!.http2;
  if (http2) await checkHttp2(configs[0]!.target, http2.mode, configs[0]!.insecure);
  const durationMs = configs[0]!.durationMs;
  const meta: RunMeta = {
    runId: randomUUID(),
    startedAtMs: 0,
    intervalMs: 1000,
    target: redactText(configs[0]!.target.href),
    tags: options.tags ?? {},
    scenarios: [
      {
        name: 'default',
        executor: options.rate !== undefined ? 'constant-arrival-rate' : 'constant-vus',
        description: describeQuickRun(options),
      },
    ],
    ...(durationMs > 0 ? { maxDurationMs: durationMs } : {}),
    testData: URL_ONLY_TEST_DATA,
  };
  const run = await runShards({
    meta,
    specs: configs.map((config) => ({ kind: 'quick' as const, config })),
    outputs: options.outputs ?? [],
    cores: configs.length,
    warmupMs: options.warmupMs ?? 0,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(onWarning ? { onWarning } : {}),
  });
  const result = buildRunResult({ meta, ...run });
  for (const w of result.warnings ?? []) onWarning?.(w);
  const exitCode = exitCodeFor({
    reason: result.reason,
    targetNeverAnswered: targetNeverAnswered(result, true),
  });
  return { result, totals: run.totals, exitCode };
}
