/** `run_load_test`: quick mode on a URL, or a script (k6, TypeScript, YAML plan), under the guard rails. */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import * as z from 'zod';
import { ExitCode } from '../../errors/exit-codes.js';
import { RedlineError } from '../../errors/redline-error.js';
import { DEFAULT_SUMMARY_TREND_STATS } from '../../results/run-result.js';
import { parseDurationMs } from '../../util/duration.js';
import { redactText } from '../../util/redact.js';
import type { ResultStatus } from '../results.js';
import {
  type CallThreshold,
  checkCallThresholds,
  describeRun,
  judgeCallThresholds,
  summarizeRun,
} from '../run-summary.js';
import { childError, inspectScript, LIMIT_SLACK_MS, runRedlineRun } from './cli-run.js';
import { defineTool, type ToolDeps } from './define.js';

const durationText = z
  .string()
  .refine((v) => (parseDurationMs(v, 's') ?? 0) > 0, 'a duration like 30s, 2m or 1m30s')
  .describe('how long, e.g. "30s", "2m" (a bare number means seconds)');

/** Input of run_load_test. */
export const LOAD_TEST_INPUT = {
  url: z
    .string()
    .optional()
    .describe(
      'Quick mode: the URL to load, e.g. "http://127.0.0.1:3000/items". Give either url or script.',
    ),
  script: z
    .string()
    .optional()
    .describe(
      'Script mode: path (relative to the workspace) of a k6 script (.js), a Redline TypeScript script (.ts) or a YAML plan (.yaml). Its own options (scenarios, thresholds) apply unless overridden here.',
    ),
  duration: durationText
    .optional()
    .describe(
      'how long to load, e.g. "30s" (quick mode default 10s; script: overrides its scenarios as k6 --duration does)',
    ),
  connections: z
    .number()
    .int()
    .positive()
    .optional()
    .describe('quick mode: concurrent connections (default 10), or the pool size with rate'),
  rate: z
    .number()
    .positive()
    .optional()
    .describe('quick mode: open model, requests per second at a constant arrival rate (e.g. 200)'),
  requests: z
    .number()
    .int()
    .positive()
    .optional()
    .describe('quick mode: stop after this many requests'),
  method: z.string().optional().describe('quick mode: HTTP method (default GET)'),
  headers: z
    .record(z.string(), z.string())
    .optional()
    .describe('quick mode: request headers, e.g. {"Content-Type": "application/json"}'),
  body: z.string().optional().describe('quick mode: request body'),
  timeout: durationText.optional().describe('quick mode: per-request timeout (default 10s)'),
  warmup: durationText
    .optional()
    .describe(
      'quick mode: load before measuring, excluded from the results (counts toward the duration limit)',
    ),
  vus: z.number().int().positive().optional().describe('script: number of VUs (k6 --vus)'),
  iterations: z
    .number()
    .int()
    .positive()
    .optional()
    .describe('script: total iterations (k6 --iterations)'),
  stages: z
    .array(z.object({ duration: durationText, target: z.number().int().min(0) }))
    .optional()
    .describe(
      'script: ramping stages (k6 --stage), e.g. [{"duration":"30s","target":20},{"duration":"1m","target":20}]',
    ),
  baseUrl: z
    .string()
    .optional()
    .describe('script: sets __ENV.BASE_URL (checked against the allowed targets)'),
  env: z
    .record(z.string(), z.string())
    .optional()
    .describe('script: more __ENV variables (k6 --env)'),
  hosts: z
    .array(z.string())
    .optional()
    .describe(
      'script: host rewrites (k6 hosts / redline --host), e.g. ["api.example.com=127.0.0.1:3000"]',
    ),
  thresholds: z
    .record(z.string(), z.array(z.string()))
    .optional()
    .describe(
      'pass/fail criteria judged on the final values, k6 syntax: {"http_req_duration": ["p(99)<200"], "http_req_failed": ["rate<0.01"]}. A script keeps its own thresholds too.',
    ),
};

const THRESHOLD_SHAPE = z.object({
  metric: z.string(),
  expression: z.string(),
  ok: z.boolean(),
  observed: z.number().nullable(),
});

/** Output of run_load_test (and read_report's summary view). */
export const RUN_OUTPUT = {
  id: z.string().describe('result id (list_results, read_report, compare_runs accept it)'),
  status: z.enum(['completed', 'interrupted', 'failed']),
  passed: z
    .boolean()
    .describe("every threshold (the script's and this call's) passed and the CLI exited 0"),
  exitCode: z.number().nullable().describe("the CLI's exit code (docs/exit-codes.md)"),
  exitMeaning: z.string(),
  resultFile: z.string().describe('the full result (redline run --json format)'),
  timelineFile: z.string().describe('per-second series (NDJSON)'),
  stoppedBy: z.enum(['cancelled', 'limit']).optional(),
  target: z.string(),
  reason: z.string().describe('why the run ended: completed, interrupted, target-unreachable, ...'),
  durationMs: z.number(),
  requests: z.object({ count: z.number(), rate: z.number() }),
  latencyMs: z
    .record(z.string(), z.number())
    .describe('http_req_duration: avg, min, med, max, p(90), p(95), p(99), p(99.9), count'),
  failed: z.object({ rate: z.number(), count: z.number() }),
  statusCodes: z.record(z.string(), z.number()),
  errors: z.record(z.string(), z.number()).describe('failed requests by class'),
  checks: z.array(z.looseObject({ name: z.string(), passes: z.number(), fails: z.number() })),
  thresholds: z.array(THRESHOLD_SHAPE.loose()).describe("the script's own thresholds"),
  callThresholds: z.array(THRESHOLD_SHAPE.loose()).describe('the thresholds given with this call'),
  generator: z.looseObject({ saturated: z.boolean() }),
  metrics: z
    .record(z.string(), z.unknown())
    .describe('every metric, k6 style, as in the result file'),
  warnings: z.array(z.string()),
};

type LoadArgs = z.infer<z.ZodObject<typeof LOAD_TEST_INPUT>>;

function ms(text: string | undefined): number | undefined {
  return text === undefined ? undefined : parseDurationMs(text, 's');
}

function usage(message: string, hint: string): RedlineError {
  return new RedlineError('MCP_USAGE', message, { exitCode: ExitCode.Usage, hint });
}

/** Registers run_load_test. */
export function registerLoadTestTool(server: McpServer, deps: ToolDeps): void {
  defineTool(server, deps, {
    name: 'run_load_test',
    title: 'Run a load test',
    description:
      "Load an HTTP endpoint (url: quick mode, like autocannon/wrk) or run a load-test script (script: k6 JavaScript unchanged, Redline TypeScript, YAML plan) and return measured results: requests, req/s, latency percentiles (ms), failures by class, status codes, checks, thresholds. Sends progress notifications every second (elapsed, req/s, p99, errors). Cancelling stops the run like Ctrl-C: the partial result is still written (list_results shows it). Targets must be in the allowed list (default: this machine only) and duration, VUs, connections and rate are capped by the user's config.",
    input: LOAD_TEST_INPUT,
    output: RUN_OUTPUT,
    annotations: {
      readOnlyHint: false,
      destructiveHint: false,
      openWorldHint: true,
      idempotentHint: false,
    },
    long: true,
    run: async (args, context) => {
      const { rails } = context;
      if ((args.url === undefined) === (args.script === undefined))
        throw usage(
          'give either url (quick mode) or script',
          'url: "http://127.0.0.1:3000/" or script: "tests/load.js"',
        );
      const limits = context.config.limits;
      const cliArgs: string[] = [];
      let target: string;
      let plannedMs: number | undefined;
      let trendStats: string[] = [...DEFAULT_SUMMARY_TREND_STATS];
      if (args.url !== undefined) {
        rejectScriptOptions(args);
        await rails.checkUrl(args.url, 'url');
        const duration = ms(args.duration) ?? (args.requests !== undefined ? undefined : 10_000);
        const warmup = ms(args.warmup) ?? 0;
        if (duration !== undefined) rails.checkDuration(duration + warmup, 'duration');
        rails.checkConnections(args.connections ?? 10);
        if (args.rate !== undefined) rails.checkRate(args.rate);
        target = args.url;
        plannedMs = duration !== undefined ? duration + warmup : undefined;
        if (args.connections !== undefined) cliArgs.push('-c', String(args.connections));
        if (duration !== undefined) cliArgs.push('-d', `${duration}ms`);
        if (args.requests !== undefined) cliArgs.push('-n', String(args.requests));
        if (args.rate !== undefined) cliArgs.push('--rate', String(args.rate));
        if (args.method) cliArgs.push('-m', args.method);
        for (const [name, value] of Object.entries(args.headers ?? {}))
          cliArgs.push('-H', `${name}: ${value}`);
        if (args.body !== undefined) cliArgs.push('-b', args.body);
        if (args.timeout) cliArgs.push('--timeout', `${ms(args.timeout)}ms`);
        if (warmup > 0) cliArgs.push('--warmup', `${warmup}ms`);
      } else {
        rejectQuickOptions(args);
        const script = rails.resolvePath(args.script as string, 'script');
        if (args.baseUrl) await rails.checkUrl(args.baseUrl, 'baseUrl');
        const env: Record<string, string> = { ...(args.env ?? {}) };
        if (args.baseUrl) env['BASE_URL'] = args.baseUrl;
        const wanted = Object.values(args.thresholds ?? {})
          .flat()
          .map((t) => /^\s*(p\([^)]*\))/.exec(t)?.[1])
          .filter((p): p is string => p !== undefined);
        trendStats = [...new Set([...trendStats, ...wanted.map((p) => p.replace(/\s+/g, ''))])];
        const overrides = {
          ...(args.vus !== undefined ? { vus: args.vus } : {}),
          ...(args.duration !== undefined ? { duration: ms(args.duration) } : {}),
          ...(args.iterations !== undefined ? { iterations: args.iterations } : {}),
          ...(args.stages
            ? { stages: args.stages.map((s) => `${ms(s.duration)}ms:${s.target}`) }
            : {}),
          ...(Object.keys(env).length > 0
            ? { env: Object.entries(env).map(([k, v]) => `${k}=${v}`) }
            : {}),
          ...(args.hosts ? { hosts: args.hosts } : {}),
          summaryTrendStats: trendStats.join(','),
        };
        const plan = await inspectScript(context, script, overrides);
        rails.checkDuration(plan.scheduledMs, 'the planned duration');
        rails.checkVUs(plan.maxVUs, "the plan's VUs");
        if (plan.maxIterationRate > 0)
          rails.checkRate(plan.maxIterationRate, 'the arrival rate (iterations/s)');
        target = script;
        plannedMs = plan.scheduledMs > 0 ? plan.scheduledMs : undefined;
        if (args.vus !== undefined) cliArgs.push('--vus', String(args.vus));
        if (args.duration !== undefined) cliArgs.push('--duration', `${ms(args.duration)}ms`);
        if (args.iterations !== undefined) cliArgs.push('--iterations', String(args.iterations));
        for (const stage of overrides.stages ?? []) cliArgs.push('--stage', stage);
        for (const pair of overrides.env ?? []) cliArgs.push('-e', pair);
        for (const host of args.hosts ?? []) cliArgs.push('--host', host);
        cliArgs.push('--summary-trend-stats', overrides.summaryTrendStats);
      }
      const problems = checkCallThresholds(args.thresholds ?? {}, trendStats);
      if (problems.length > 0)
        throw new RedlineError('MCP_THRESHOLDS', 'invalid thresholds', {
          exitCode: ExitCode.InvalidConfig,
          problems,
          hint: 'k6 syntax: {"http_req_duration": ["p(99)<200"], "http_req_failed": ["rate<0.01"]}',
        });

      const { entry } = context.store.create('run', 'run_load_test', redactText(target));
      const outcome = await runRedlineRun(context, entry, target, cliArgs, {
        ...(plannedMs !== undefined ? { plannedMs } : {}),
        limitMs: limits.maxDurationMs + LIMIT_SLACK_MS,
      });
      const stoppedBy = outcome.child.stoppedBy;
      if (!outcome.result) {
        context.store.finish(
          entry,
          stoppedBy === 'cancelled' ? 'interrupted' : 'failed',
          outcome.error?.code ?? outcome.exitMeaning,
        );
        throw childError(outcome, 'the load test');
      }
      const summary = summarizeRun(outcome.result);
      const calls: CallThreshold[] = judgeCallThresholds(args.thresholds ?? {}, outcome.result);
      const status: ResultStatus =
        outcome.result.reason === 'interrupted' || stoppedBy ? 'interrupted' : 'completed';
      entry.headline = {
        requests: summary.requests.count,
        rps: summary.requests.rate,
        p99Ms: summary.latencyMs['p(99)'] ?? 0,
        failedRate: summary.failed.rate,
      };
      context.store.finish(
        entry,
        status,
        stoppedBy === 'limit'
          ? `stopped at limits.maxDuration (${limits.maxDurationMs} ms) + ${LIMIT_SLACK_MS} ms`
          : stoppedBy === 'cancelled'
            ? 'cancelled by the client'
            : undefined,
      );
      const passed =
        summary.thresholds.every((t) => t.ok) &&
        calls.every((c) => c.ok) &&
        outcome.child.exitCode === 0;
      const data = {
        id: entry.id,
        status,
        passed,
        exitCode: outcome.child.exitCode,
        exitMeaning: outcome.exitMeaning,
        resultFile: outcome.resultFile,
        timelineFile: outcome.timelineFile,
        ...(stoppedBy ? { stoppedBy } : {}),
        ...summary,
        callThresholds: calls,
        warnings: outcome.warnings,
      };
      const failedCalls = calls.filter((c) => !c.ok).length;
      const verdict = failedCalls > 0 ? ` ${failedCalls} of the call's thresholds FAILED.` : '';
      return {
        summary: `Load test ${entry.id}: ${describeRun(summary, calls)}${verdict} Exit ${outcome.child.exitCode} (${outcome.exitMeaning}). Full result: ${outcome.resultFile}`,
        data,
      };
    },
  });
}

function rejectScriptOptions(args: LoadArgs): void {
  const given = (['vus', 'iterations', 'stages', 'baseUrl', 'env', 'hosts'] as const).filter(
    (k) => args[k] !== undefined,
  );
  if (given.length > 0)
    throw usage(
      `${given.join(', ')} only apply to scripts`,
      'quick mode (url) takes duration, connections, rate, requests, method, headers, body, timeout, warmup',
    );
}

function rejectQuickOptions(args: LoadArgs): void {
  const given = (
    ['connections', 'rate', 'requests', 'method', 'headers', 'body', 'timeout', 'warmup'] as const
  ).filter((k) => args[k] !== undefined);
  if (given.length > 0)
    throw usage(
      `${given.join(', ')} only apply to quick mode (url)`,
      'a script sets its load in its options; here you can override vus, duration, iterations, stages',
    );
}
