/**
 * `audit_service`: `redline audit <config>` in a child process, after its config was read (in
 * another child) and checked against the guard rails: the target and database in the allow-list,
 * the start command allowed, the total duration and peak users within the limits, and no write
 * statement among the queries it will EXPLAIN ANALYZE unless the user allowed it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import * as z from 'zod';
import { STEP_NAMES } from '../../audit/index.js';
import { ExitCode } from '../../errors/exit-codes.js';
import { RedlineError } from '../../errors/redline-error.js';
import type { AuditResultFile } from '../../results/audit-result.js';
import { redactText } from '../../util/redact.js';
import { EXIT_MEANINGS } from '../child/cli-output.js';
import type { AuditRequirements } from '../child/inspect.js';
import { runChild } from '../child/run-cli.js';
import { abandonEntry, LIMIT_SLACK_MS, runInspector } from './cli-run.js';
import { defineTool, type ToolDeps } from './define.js';

const stepName = z.enum(STEP_NAMES);

/** Registers audit_service. */
export function registerAuditTool(server: McpServer, deps: ToolDeps): void {
  defineTool(server, deps, {
    name: 'audit_service',
    title: 'Audit a service end to end',
    description:
      'Run a Redline audit from its config file (redline.config.yaml/.ts, see docs/audit.md): baseline, load, peak, stress (breaking point), spike, soak (leak check), a CPU profile and the database analysis, then the Performance Analysis Report (report.md, report.html, audit.json, junit.xml). Returns the findings ranked by impact and the step results. Use only/skip to run part of it. Progress notifications name each step; cancelling stops it like Ctrl-C and keeps what was measured.',
    input: {
      config: z
        .string()
        .describe('the audit config, relative to the workspace, e.g. "redline.config.yaml"'),
      only: z.array(stepName).optional().describe('run only these steps'),
      skip: z.array(stepName).optional().describe('skip these steps'),
      sizing: z
        .enum(['compact', 'standard'])
        .optional()
        .describe('default step lengths: compact (about 2 minutes) or standard (about 6)'),
      baseline: z
        .string()
        .optional()
        .describe('an earlier audit.json or run result: fills "Improvements verified"'),
    },
    output: {
      id: z.string(),
      status: z.enum(['completed', 'interrupted', 'failed']),
      exitCode: z.number().nullable(),
      outDir: z.string(),
      findings: z.array(z.looseObject({ id: z.string(), title: z.string() })),
      steps: z.array(z.unknown()),
      breakingPoint: z.unknown().optional(),
      summary: z.string().describe('the summary the CLI prints'),
    },
    annotations: { readOnlyHint: false, destructiveHint: false, openWorldHint: true },
    long: true,
    run: async (args, context) => {
      const { rails, config, store } = context;
      const file = rails.resolvePath(args.config, 'config');
      if (args.baseline) rails.resolvePath(args.baseline, 'baseline');
      const req = await runInspector<AuditRequirements>(
        context,
        ['audit', file],
        'reading the audit config',
      );
      await rails.checkUrl(req.url.replace(/\{port\}/g, '1'), 'target.url');
      for (const url of req.flowUrls)
        if (/^https?:\/\//i.test(url)) await rails.checkUrl(url, 'flow url');
      if (req.command) rails.checkCommand(req.command);
      if (req.databaseUrl && !/^pglite:/i.test(req.databaseUrl))
        await rails.pinDatabaseUrl(req.databaseUrl);
      const only = args.only ? new Set(args.only) : undefined;
      const skip = new Set(args.skip ?? []);
      const running = req.steps.filter(
        (s) => (only ? only.has(s.name as never) : s.enabled) && !skip.has(s.name as never),
      );
      const totalMs = running.reduce((sum, s) => sum + s.durationMs, 0);
      rails.checkDuration(totalMs, 'the audit (all its steps)', config.limits.maxAuditDurationMs);
      rails.checkVUs(Math.max(0, ...running.map((s) => s.maxUsers)), "the audit's peak users");
      if (running.length === 0)
        throw new RedlineError('MCP_USAGE', 'no step left to run', {
          exitCode: ExitCode.Usage,
          hint: 'check only and skip',
        });

      const { entry, dir } = store.create('audit', 'audit_service', redactText(args.config));
      const outDir = join(dir, 'audit');
      entry.files['audit'] = 'audit';
      entry.files['result'] = 'audit/audit.json';
      entry.files['report'] = 'audit/report.md';
      store.save(entry);
      context.wrote(dir);
      const cliArgs = ['audit', file, '-o', outDir];
      if (args.only) cliArgs.push('--only', args.only.join(','));
      if (args.skip) cliArgs.push('--skip', args.skip.join(','));
      if (args.sizing) cliArgs.push('--sizing', args.sizing);
      if (args.baseline) cliArgs.push('--baseline', rails.resolvePath(args.baseline, 'baseline'));
      for (const secret of config.secrets) cliArgs.push('--secret', secret);
      // The server decides what writes (db/): such statements are planned, never run.
      if (!config.database.allowAnalyzeWrites) cliArgs.push('--no-analyze-writes');
      const total = totalMs / 1000;
      context.progress(
        `audit of ${args.config} (${running.map((s) => s.name).join(', ')}); output in ${outDir}`,
        total,
      );
      const child = await runChild({
        args: cliArgs,
        cwd: config.workspace,
        allow: config.targets.entries,
        signal: context.signal,
        limitMs: config.limits.maxAuditDurationMs + 2 * LIMIT_SLACK_MS,
        onStderrLine: (line) => {
          if (line.trim() && !line.startsWith('redline: warning'))
            context.progress(line.trim().replace(/^redline: /, ''), total);
        },
      });
      const auditFile = join(outDir, 'audit.json');
      const audit = existsSync(auditFile)
        ? (JSON.parse(readFileSync(auditFile, 'utf8')) as AuditResultFile)
        : undefined;
      if (!audit) throw abandonEntry(store, entry, child, 'the audit');
      const status =
        child.exitCode === ExitCode.Interrupted || child.stoppedBy
          ? 'interrupted'
          : child.exitCode === 0
            ? 'completed'
            : 'failed';
      entry.headline = { findings: audit.findings.length, steps: audit.steps.length };
      store.finish(
        entry,
        status,
        child.exitCode === 0 ? undefined : EXIT_MEANINGS[child.exitCode ?? -1],
      );
      const data = {
        id: entry.id,
        status,
        exitCode: child.exitCode,
        outDir,
        findings: audit.findings as unknown as Array<{ id: string; title: string }>,
        steps: audit.steps.map((s) => ({
          kind: s.kind,
          valid: s.valid,
          ...summarizeStep(s.run),
        })),
        ...(audit.breakingPoint ? { breakingPoint: audit.breakingPoint } : {}),
        summary: child.stdout,
      };
      return { summary: `Audit ${entry.id} (${status}):\n${child.stdout.trim()}`, data };
    },
  });
}

function summarizeStep(run: AuditResultFile['steps'][number]['run']): Record<string, unknown> {
  const m = run.metrics;
  return {
    requests: m['http_reqs']?.values['count'] ?? 0,
    rps: m['http_reqs']?.values['rate'] ?? 0,
    latencyMs: m['http_req_duration']?.values ?? {},
    failedRate: m['http_req_failed']?.values['rate'] ?? 0,
  };
}
