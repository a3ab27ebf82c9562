/**
 * `analyze_profile`: `redline analyze --json` on a profile file in the workspace, in a child
 * process (a large heap snapshot takes seconds of CPU and must not stall the server).
 */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import * as z from 'zod';
import { parseCliError } from '../child/cli-output.js';
import { runChild } from '../child/run-cli.js';
import { childError } from './cli-run.js';
import { defineTool, type ToolDeps } from './define.js';

/** Longest an analysis may take. */
const ANALYZE_LIMIT_MS = 5 * 60_000;

/** Registers analyze_profile. */
export function registerAnalyzeTools(server: McpServer, deps: ToolDeps): void {
  defineTool(server, deps, {
    name: 'analyze_profile',
    title: 'Analyse a profile file',
    description:
      'Read a profile (.cpuprofile, pprof .pb/.pb.gz, folded stacks, speedscope JSON, .heapprofile, .heapsnapshot; Node.js, Go, Python or Java sources) and return its bottlenecks at file:line: hot functions and lines, CPU by category and package, root causes (sync crypto, JSON on the hot path, regex backtracking, GC pressure, ...) with fixes. With baseline (an earlier .heapsnapshot) it reports the heap growth. Paths are relative to the workspace.',
    input: {
      file: z.string().describe('the profile file, e.g. "profiles/cpu.cpuprofile"'),
      top: z.number().int().positive().max(100).optional().describe('rows per table (default 10)'),
      baseline: z.string().optional().describe('an earlier .heapsnapshot of the same process'),
      sourceMaps: z
        .boolean()
        .optional()
        .describe('apply source maps and read source lines (default true)'),
    },
    output: {
      findings: z.array(z.looseObject({ id: z.string(), title: z.string() })),
      profile: z.unknown().describe('format, value kind (cpu, heap), unit, duration'),
      tables: z.unknown().describe('hotspots (lines), functions, categories, packages'),
      file: z.string(),
    },
    annotations: { readOnlyHint: true, destructiveHint: false, openWorldHint: false },
    run: async (args, context) => {
      const { rails, config } = context;
      const file = rails.resolvePath(args.file, 'file');
      const cliArgs = ['analyze', file, '--json', '--top', String(args.top ?? 10)];
      if (args.baseline) cliArgs.push('--baseline', rails.resolvePath(args.baseline, 'baseline'));
      if (args.sourceMaps === false) cliArgs.push('--no-source-maps');
      context.progress(`analysing ${file}`);
      const child = await runChild({
        args: cliArgs,
        cwd: config.workspace,
        allow: config.targets.entries,
        signal: context.signal,
        limitMs: ANALYZE_LIMIT_MS,
      });
      if (child.exitCode !== 0) {
        const error = parseCliError(child.stderr);
        throw childError({ child, ...(error ? { error } : {}) }, 'the analysis');
      }
      const analysis = JSON.parse(child.stdout) as {
        findings?: Array<{ id: string; title: string }>;
      } & Record<string, unknown>;
      const findings = analysis.findings ?? [];
      const lines = findings.slice(0, 5).map((f, i) => `${i + 1}. ${f.title}`);
      return {
        summary: `${file}: ${findings.length} finding(s).${lines.length > 0 ? `\n${lines.join('\n')}` : ''}`,
        data: { ...analysis, findings, file },
      };
    },
  });
}
