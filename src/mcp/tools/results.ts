/**
 * Tools over saved results: `list_results`, `read_report` (summary, Markdown report, timeline),
 * `compare_runs` (`redline compare --format json` in a child, the CLI's own verdict) and
 * `generate_slo` (slo/'s generator in process: Prometheus rules, promtool tests, dashboard).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import * as z from 'zod';
import { ExitCode } from '../../errors/exit-codes.js';
import { RedlineError } from '../../errors/redline-error.js';
import { createReportModel, RENDERERS } from '../../report/index.js';
import type { ParsedResult } from '../../results/parse-result.js';
import { readResultFile } from '../../results/read-result.js';
import {
  generateSloArtifacts,
  parseSloSpec,
  verifySloArtifacts,
  writeSloArtifacts,
} from '../../slo/index.js';
import { parseCliError } from '../child/cli-output.js';
import { runChild } from '../child/run-cli.js';
import type { ResultEntry } from '../results.js';
import { describeRun, summarizeRun } from '../run-summary.js';
import { childError } from './cli-run.js';
import { defineTool, type ToolContext, type ToolDeps } from './define.js';

/** The result file of an entry or a path: what read_report and compare_runs read. */
export function resultFileOf(
  context: ToolContext,
  idOrPath: string,
): { file: string; entry?: ResultEntry } {
  if (/\.json$/i.test(idOrPath) || idOrPath.includes('/') || idOrPath.includes('\\'))
    return { file: context.rails.resolvePath(idOrPath, 'result file') };
  const entry = context.store.get(idOrPath);
  const relative = entry.files['result'];
  const file = relative ? join(context.store.dirOf(entry.id), relative) : undefined;
  if (!file || !existsSync(file)) {
    throw new RedlineError(
      'MCP_NO_RESULT_FILE',
      `${entry.id} (${entry.kind}, ${entry.status}) has no result file`,
      {
        exitCode: ExitCode.NoInput,
        hint:
          entry.kind === 'profile'
            ? 'read_report with format "summary" gives a profile\'s findings'
            : 'it may have failed before measuring anything; list_results shows its note',
      },
    );
  }
  return { file, entry };
}

function auditView(parsed: Extract<ParsedResult, { kind: 'audit' }>): Record<string, unknown> {
  const audit = parsed.audit;
  return {
    kind: 'audit',
    durationMs: audit.durationMs,
    findings: audit.findings,
    steps: audit.steps.map((s) => ({
      kind: s.kind,
      label: s.label,
      valid: s.valid,
      ...summarizeRun(s.run),
      metrics: undefined,
    })),
    ...(audit.breakingPoint ? { breakingPoint: audit.breakingPoint } : {}),
  };
}

/** A figure for text: at most 3 decimals, no float noise. */
function round(value: number): string {
  return Number.isFinite(value) ? String(Math.round(value * 1000) / 1000) : String(value);
}

/** Registers list_results, read_report, compare_runs and generate_slo. */
export function registerResultTools(server: McpServer, deps: ToolDeps): void {
  defineTool(server, deps, {
    name: 'list_results',
    title: 'List saved results',
    description:
      'List what the tools saved (newest first): load tests, profiles, audits and validations, with id, status (running, completed, interrupted, failed), target, start time, files and headline figures. A cancelled run shows as interrupted with its partial result.',
    input: {
      kind: z.enum(['run', 'profile', 'audit', 'validation']).optional().describe('only this kind'),
      limit: z.number().int().positive().max(200).optional().describe('how many (default 20)'),
    },
    output: {
      results: z.array(z.looseObject({ id: z.string(), kind: z.string(), status: z.string() })),
      folder: z.string(),
    },
    annotations: { readOnlyHint: true, openWorldHint: false },
    run: async (args, context) => {
      const all = context.store.list().filter((e) => !args.kind || e.kind === args.kind);
      const results = all.slice(0, args.limit ?? 20);
      const lines = results.map(
        (e) =>
          `${e.id}  ${e.kind}  ${e.status}  ${e.target}${
            e.headline
              ? `  ${Object.entries(e.headline)
                  .map(
                    ([k, v]) => `${k}=${typeof v === 'number' ? Math.round(v * 1000) / 1000 : v}`,
                  )
                  .join(' ')}`
              : ''
          }`,
      );
      return {
        summary:
          results.length > 0
            ? `${results.length} of ${all.length} result(s) in ${context.store.root}:\n${lines.join('\n')}`
            : `no results yet in ${context.store.root}`,
        data: { results, folder: context.store.root },
      };
    },
  });

  defineTool(server, deps, {
    name: 'read_report',
    title: 'Read a saved result or report',
    description:
      'Read back a saved load test, audit or profile by id ("latest" for the newest; from list_results) or by the path of a result JSON: format "summary" (structured figures, as run_load_test returns), "markdown" (the Performance Analysis Report / run report), or "timeline" (the per-second series: req/s, p50-p99, failures, VUs).',
    input: {
      id: z.string().optional().describe('a result id, or "latest" (default)'),
      file: z
        .string()
        .optional()
        .describe('or the path of a result JSON (redline run --json, audit.json)'),
      format: z.enum(['summary', 'markdown', 'timeline']).optional().describe('default summary'),
    },
    output: { kind: z.string(), format: z.string(), id: z.string().optional() },
    annotations: { readOnlyHint: true, openWorldHint: false },
    run: async (args, context) => {
      const format = args.format ?? 'summary';
      const ref = args.file ?? args.id ?? 'latest';
      if (!args.file) {
        const entry = context.store.get(ref);
        if (entry.kind === 'profile') {
          const path = join(context.store.dirOf(entry.id), 'profile.json');
          if (!existsSync(path))
            throw new RedlineError(
              'MCP_NO_RESULT_FILE',
              `profile ${entry.id} (${entry.status}) wrote no analysis`,
              { exitCode: ExitCode.NoInput, ...(entry.note ? { hint: entry.note } : {}) },
            );
          const json = JSON.parse(readFileSync(path, 'utf8')) as {
            findings?: Array<{ title: string }>;
            files?: unknown;
            url?: string;
          };
          return {
            summary: `Profile ${entry.id} (${entry.status}): ${(json.findings ?? []).map((f, i) => `\n${i + 1}. ${f.title}`).join('')}`,
            data: {
              kind: 'profile',
              format: 'summary',
              id: entry.id,
              status: entry.status,
              findings: json.findings ?? [],
              files: json.files ?? {},
              analysisFile: path,
            },
          };
        }
      }
      const { file, entry } = resultFileOf(context, ref);
      const parsed = await readResultFile(file);
      const base = {
        kind: parsed.kind,
        format,
        ...(entry ? { id: entry.id, status: entry.status } : {}),
        file,
      };
      if (format === 'markdown') {
        const markdown = RENDERERS.md.render(
          createReportModel(parsed, { secrets: context.config.secrets }),
        );
        return { summary: markdown, data: { ...base, markdown } };
      }
      if (parsed.kind === 'audit') {
        if (format === 'timeline')
          return {
            summary: 'an audit has one timeline per step: read its steps with format "summary"',
            data: { ...base, ...auditView(parsed) },
          };
        const view = auditView(parsed);
        return {
          summary: `Audit ${entry?.id ?? file}: ${parsed.audit.findings.length} finding(s), ${parsed.audit.steps.length} step(s).`,
          data: { ...base, ...view },
        };
      }
      if (format === 'timeline')
        return {
          summary: `${parsed.run.timeline.length} second(s) of ${parsed.run.meta.target}`,
          data: { ...base, timeline: parsed.run.timeline },
        };
      const summary = summarizeRun(parsed.run);
      return {
        summary: `${entry ? `${entry.id} (${entry.status}): ` : ''}${describeRun(summary)}`,
        data: { ...base, ...summary },
      };
    },
  });

  defineTool(server, deps, {
    name: 'compare_runs',
    title: 'Compare two results',
    description:
      'Compare a baseline and a candidate (result ids or result JSON paths; several per side for repeated runs) metric by metric, in the measure the runs share (HTTP requests; for runs without HTTP: WebSocket echo round trips, gRPC calls, WebSocket messages or iterations; both sides must measure the same thing): throughput, latency percentiles, error rate where the measure counts failures. A metric regresses when it is worse by at least the threshold AND the Mann-Whitney U test says the change is significant (p < alpha). Returns each metric with both values, the change, the p-value and a verdict, and regression: true/false.',
    input: {
      baseline: z.array(z.string()).min(1).describe('result ids or paths of the baseline run(s)'),
      candidate: z.array(z.string()).min(1).describe('result ids or paths of the candidate run(s)'),
      threshold: z
        .string()
        .optional()
        .describe('minimum relative change that counts, e.g. "5%" (default)'),
      alpha: z
        .number()
        .positive()
        .max(0.5)
        .optional()
        .describe('significance level (default 0.05)'),
      step: z
        .enum(['baseline', 'load', 'peak', 'stress', 'spike', 'soak'])
        .optional()
        .describe('for audits: which step (default load)'),
    },
    output: {
      regression: z.boolean(),
      measure: z.looseObject({ kind: z.string(), name: z.string() }),
      mode: z.string(),
      rows: z.array(z.looseObject({ key: z.string(), verdict: z.string() })),
      warnings: z.array(z.string()),
    },
    annotations: { readOnlyHint: true, openWorldHint: false },
    run: async (args, context) => {
      const a = args.baseline.map((r) => resultFileOf(context, r).file);
      const b = args.candidate.map((r) => resultFileOf(context, r).file);
      const cliArgs = ['compare', '--format', 'json', '--a', ...a, '--b', ...b];
      if (args.threshold) cliArgs.push('--threshold', args.threshold);
      if (args.alpha !== undefined) cliArgs.push('--alpha', String(args.alpha));
      if (args.step) cliArgs.push('--step', args.step);
      const child = await runChild({
        args: cliArgs,
        cwd: context.config.workspace,
        allow: context.config.targets.entries,
        signal: context.signal,
        limitMs: 60_000,
      });
      if (child.exitCode !== 0 && child.exitCode !== ExitCode.Regression) {
        const error = parseCliError(child.stderr);
        throw childError({ child, ...(error ? { error } : {}) }, 'the comparison');
      }
      const result = JSON.parse(child.stdout) as {
        regression: boolean;
        measure: { kind: string; name: string };
        mode: string;
        rows: Array<{
          key: string;
          label: string;
          a: number;
          b: number;
          relativeChange: number;
          verdict: string;
          pValue?: number;
        }>;
        warnings: string[];
      };
      const changed = result.rows.filter(
        (r) => r.verdict === 'regression' || r.verdict === 'improvement',
      );
      return {
        summary: `${result.regression ? 'REGRESSION' : 'No significant regression'} (${result.measure.name}, ${result.mode} mode).${changed.map((r) => `\n${r.verdict}: ${r.label} ${round(r.a)} → ${round(r.b)} (${(r.relativeChange * 100).toFixed(1)}%${r.pValue !== undefined ? `, p=${r.pValue.toPrecision(2)}` : ''})`).join('')}`,
        data: result,
      };
    },
  });

  defineTool(server, deps, {
    name: 'generate_slo',
    title: 'Generate SLO monitoring files',
    description:
      'Turn an SLO spec (docs/monitoring.md: slos: or criteria:) into Prometheus burn-rate recording and alerting rules, their promtool unit tests, and a Grafana dashboard. Give the spec as a file path or as YAML text. With check: true, runs promtool check/test on them (needs promtool).',
    input: {
      spec: z.string().optional().describe('path of the SLO spec in the workspace'),
      yaml: z.string().optional().describe('or the spec itself as YAML'),
      outDir: z
        .string()
        .optional()
        .describe('folder for the files (default <results>/slo/<service>)'),
      name: z
        .string()
        .regex(/^[A-Za-z0-9_.-]+$/)
        .optional()
        .describe('base name of the files (default: the service)'),
      check: z
        .boolean()
        .optional()
        .describe('run promtool check rules / test rules (default false)'),
    },
    output: {
      service: z.string(),
      slos: z.number(),
      recordingRules: z.number(),
      alertingRules: z.number(),
      files: z.array(z.string()),
      untested: z.array(z.string()),
      verification: z.unknown().optional(),
    },
    annotations: { readOnlyHint: false, destructiveHint: false, openWorldHint: false },
    run: async (args, context) => {
      if ((args.spec === undefined) === (args.yaml === undefined))
        throw new RedlineError('MCP_USAGE', 'give either spec (a path) or yaml (the spec)', {
          exitCode: ExitCode.Usage,
        });
      const source = args.spec ? context.rails.resolvePath(args.spec, 'spec') : 'slo.yaml';
      const text = args.spec ? readFileSync(source, 'utf8') : (args.yaml as string);
      const spec = parseSloSpec(text, source);
      const artifacts = generateSloArtifacts(spec, args.name, source);
      const dir = args.outDir
        ? context.rails.resolvePath(args.outDir, 'outDir', false)
        : join(context.store.root, 'slo', spec.service.replace(/[^A-Za-z0-9_.-]+/g, '-'));
      mkdirSync(dir, { recursive: true });
      if (args.yaml !== undefined) writeFileSync(join(dir, 'slo.yaml'), args.yaml);
      const files = writeSloArtifacts(artifacts, dir);
      for (const f of files) context.wrote(f);
      const verification = args.check ? verifySloArtifacts(artifacts, dir) : undefined;
      const data = {
        service: spec.service,
        slos: spec.slos.length,
        recordingRules: artifacts.recordingRules,
        alertingRules: artifacts.alertingRules,
        files,
        untested: artifacts.untested,
        ...(verification ? { verification } : {}),
      };
      return {
        summary: `${spec.slos.length} SLO(s) of ${spec.service}: ${artifacts.recordingRules} recording and ${artifacts.alertingRules} alerting rules; wrote ${files.join(', ')}${verification ? `; promtool ${verification.ok ? 'passed' : 'FAILED'}` : ''}.`,
        data,
      };
    },
  });
}
