/**
 * `validate_script`: runs a script with 1 VU and 1 iteration (as k6's MCP server does) and returns
 * every problem with its file:line — syntax, options, init-context errors, exceptions inside the
 * iteration, failed requests and checks — so an agent can fix the script before loading anything.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import * as z from 'zod';
import { ExitCode } from '../../errors/exit-codes.js';
import { RedlineError } from '../../errors/redline-error.js';
import { parseIterationErrors } from '../child/cli-output.js';
import { runRedlineRun } from './cli-run.js';
import { defineTool, type ToolDeps } from './define.js';

/** Longest a validation may take (setup + one iteration + teardown). */
const VALIDATION_LIMIT_MS = 60_000;

const ISSUE = z.object({
  severity: z.enum(['error', 'warning']),
  kind: z.string().describe('syntax, options, init, iteration, request, check, threshold, run'),
  message: z.string(),
  file: z.string().optional(),
  line: z.number().optional(),
  column: z.number().optional(),
  hint: z.string().optional(),
  details: z.array(z.string()).optional(),
});

type Issue = z.infer<typeof ISSUE>;

const EXIT_KIND: Readonly<Record<number, string>> = {
  104: 'options',
  107: 'init',
  69: 'run',
  100: 'init',
  101: 'init',
  108: 'run',
};

/** Registers validate_script. */
export function registerValidateTool(server: McpServer, deps: ToolDeps): void {
  defineTool(server, deps, {
    name: 'validate_script',
    title: 'Validate a load-test script',
    description:
      'Check a Redline/k6 script by running it once: 1 VU, 1 iteration (its scenarios are replaced). Returns valid=true when it compiles, its options are valid, setup/init run and the iteration ends without an exception; otherwise every issue with file:line and a hint. Failed requests and checks are reported as warnings. Give a path (script) or the code itself (code + language). Requests go only to allowed targets.',
    input: {
      script: z.string().optional().describe('path of the script, relative to the workspace'),
      code: z
        .string()
        .optional()
        .describe(
          'the script itself (saved in the results folder; use script for code with relative imports)',
        ),
      language: z
        .enum(['js', 'ts', 'yaml'])
        .optional()
        .describe(
          'language of code: js (k6 JavaScript, default), ts (Redline TypeScript) or yaml (YAML plan)',
        ),
      baseUrl: z
        .string()
        .optional()
        .describe('sets __ENV.BASE_URL (checked against the allowed targets)'),
      env: z.record(z.string(), z.string()).optional().describe('more __ENV variables'),
      hosts: z
        .array(z.string())
        .optional()
        .describe('host rewrites, e.g. ["api.example.com=127.0.0.1:3000"]'),
    },
    output: {
      valid: z.boolean(),
      issues: z.array(ISSUE),
      exitCode: z.number().nullable(),
      exitMeaning: z.string(),
      script: z.string(),
      requests: z.object({ count: z.number(), failed: z.number() }),
      checks: z.array(z.looseObject({ name: z.string(), passes: z.number(), fails: z.number() })),
      resultFile: z.string().optional(),
    },
    annotations: { readOnlyHint: false, destructiveHint: false, openWorldHint: true },
    long: true,
    run: async (args, context) => {
      const { rails, store } = context;
      if ((args.script === undefined) === (args.code === undefined))
        throw new RedlineError('MCP_USAGE', 'give either script (a path) or code', {
          exitCode: ExitCode.Usage,
          hint: 'script: "tests/load.js", or code: "import http from \'k6/http\'; ..."',
        });
      if (args.baseUrl) await rails.checkUrl(args.baseUrl, 'baseUrl');
      const label = args.script ?? `inline ${args.language ?? 'js'} script`;
      const { entry, dir } = store.create('validation', 'validate_script', label);
      let script: string;
      if (args.code !== undefined) {
        script = join(dir, `script.${args.language ?? 'js'}`);
        writeFileSync(script, args.code);
        entry.files['script'] = `script.${args.language ?? 'js'}`;
      } else {
        script = rails.resolvePath(args.script as string, 'script');
      }
      const cliArgs = ['--vus', '1', '--iterations', '1'];
      const env = { ...(args.env ?? {}), ...(args.baseUrl ? { BASE_URL: args.baseUrl } : {}) };
      for (const [k, v] of Object.entries(env)) cliArgs.push('-e', `${k}=${v}`);
      for (const host of args.hosts ?? []) cliArgs.push('--host', host);
      const outcome = await runRedlineRun(context, entry, script, cliArgs, {
        limitMs: Math.min(VALIDATION_LIMIT_MS, context.config.limits.maxDurationMs),
        label: 'validation',
      });
      const issues: Issue[] = [];
      const exit = outcome.child.exitCode;
      if (outcome.error && exit !== 99 && exit !== 110) {
        const e = outcome.error;
        issues.push({
          severity: 'error',
          kind: e.code === 'E_SCRIPT_SYNTAX' ? 'syntax' : (EXIT_KIND[exit ?? -1] ?? 'run'),
          message: e.message,
          ...(e.position?.file ? { file: e.position.file } : {}),
          ...(e.position?.line !== undefined ? { line: e.position.line } : {}),
          ...(e.position?.column !== undefined ? { column: e.position.column } : {}),
          ...(e.hint ? { hint: e.hint } : {}),
          ...(e.problems ? { details: [...e.problems] } : {}),
        });
      }
      if (outcome.child.stoppedBy === 'limit')
        issues.push({
          severity: 'error',
          kind: 'run',
          message: `one iteration did not finish within ${Math.min(VALIDATION_LIMIT_MS, context.config.limits.maxDurationMs) / 1000} s`,
          hint: 'look for an endless loop, a long sleep() or a request that never answers',
        });
      for (const error of parseIterationErrors(outcome.child.stderr, context.config.workspace)) {
        issues.push({
          severity: 'error',
          kind: 'iteration',
          message: error.message,
          ...(error.position
            ? {
                file: error.position.file,
                line: error.position.line,
                ...(error.position.column ? { column: error.position.column } : {}),
              }
            : {}),
          details: [error.stack],
        });
      }
      const result = outcome.result;
      for (const [kind, count] of Object.entries(result?.errors ?? {}))
        issues.push({
          severity: 'warning',
          kind: 'request',
          message: `${count} request(s) failed: ${kind}`,
          hint: 'is the target running at the URL the script uses (BASE_URL)?',
        });
      for (const check of result?.checks ?? [])
        if (check.fails > 0)
          issues.push({
            severity: 'warning',
            kind: 'check',
            message: `check "${check.name}" failed ${check.fails} time(s)`,
          });
      for (const t of result?.thresholds ?? [])
        if (!t.ok)
          issues.push({
            severity: 'warning',
            kind: 'threshold',
            message: `threshold ${t.metric} ${t.expression} failed on one iteration (observed ${t.observed})`,
            hint: 'one iteration says little about a threshold; run_load_test judges it on real load',
          });
      const valid = result !== undefined && !issues.some((i) => i.severity === 'error');
      store.finish(entry, valid ? 'completed' : 'failed', valid ? undefined : issues[0]?.message);
      const requests = result?.metrics['http_reqs']?.values['count'] ?? 0;
      const failed = result?.metrics['http_req_failed']?.values['passes'] ?? 0;
      const data = {
        valid,
        issues,
        exitCode: exit,
        exitMeaning: outcome.exitMeaning,
        script,
        requests: { count: requests, failed },
        checks: result?.checks ?? [],
        ...(result ? { resultFile: outcome.resultFile } : {}),
      };
      const first = issues.find((i) => i.severity === 'error');
      const where = first?.file
        ? ` at ${first.file}${first.line ? `:${first.line}` : ''}${first.column ? `:${first.column}` : ''}`
        : '';
      return {
        summary: valid
          ? `The script is valid: 1 iteration ran, ${requests} request(s), ${failed} failed${issues.length > 0 ? `; ${issues.length} warning(s): ${issues.map((i) => i.message).join('; ')}` : ''}.`
          : `The script is NOT valid: ${first?.message ?? outcome.exitMeaning}${where}.${first?.hint ? ` Hint: ${first.hint}` : ''}`,
        data,
      };
    },
  });
}
