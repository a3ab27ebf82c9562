/**
 * `profile_service`: `redline profile` in a child process — start an allowed command (or attach
 * to an allowed inspector address / pid), load it, capture CPU, heap, event loop and GC, and name
 * the bottlenecks at file:line. The CLI's JSON is kept as `profile.json` next to its files.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import * as z from 'zod';
import { ExitCode } from '../../errors/exit-codes.js';
import { RedlineError } from '../../errors/redline-error.js';
import { parseDurationMs } from '../../util/duration.js';
import { redactText } from '../../util/redact.js';
import { EXIT_MEANINGS } from '../child/cli-output.js';
import { runChild } from '../child/run-cli.js';
import { abandonEntry, LIMIT_SLACK_MS } from './cli-run.js';
import { defineTool, type ToolDeps } from './define.js';

const durationText = z
  .string()
  .refine((v) => (parseDurationMs(v, 's') ?? 0) > 0, 'a duration like 20s or 1m');

/** Default load window and warm-up of profile_service (the CLI's defaults). */
const DEFAULT_DURATION_MS = 10_000;
const DEFAULT_WARMUP_MS = 2000;

interface ProfileJson {
  url?: string;
  findings?: Array<Record<string, unknown>>;
  files?: Record<string, string>;
  interrupted?: boolean;
  analysis?: {
    cpu?: {
      tables?: {
        hotspots?: unknown[];
        functions?: unknown[];
        categories?: unknown[];
        idleShare?: number;
        activeMs?: number;
      };
    };
    diagnosis?: unknown;
    leak?: Record<string, unknown>;
  };
}

/** Registers profile_service. */
export function registerProfileTool(server: McpServer, deps: ToolDeps): void {
  defineTool(server, deps, {
    name: 'profile_service',
    title: 'Profile a Node.js service under load',
    description:
      "Start a Node.js service (command, from the user's allowed list) or attach to one (attach: inspector host:port, or a pid if allowed), load it with Redline (quick mode on url, or a script), and capture CPU, heap, event-loop delay and GC during the load window. Returns the bottlenecks at file:line (hot functions and lines, blocking calls, leaks) with root causes and fixes, and the files written (cpuprofile, speedscope, flame graph). The started service gets $PORT and is stopped at the end. Progress notifications name each stage; cancelling stops it like Ctrl-C and keeps the files.",
    input: {
      command: z
        .array(z.string())
        .optional()
        .describe(
          'argv of the service to start, e.g. ["node", "dist/server.js"]; must match an entry of the user\'s profile.commands',
        ),
      attach: z
        .string()
        .optional()
        .describe(
          'instead of command: an inspector address "127.0.0.1:9229" (service started with --inspect), or a Node pid',
        ),
      url: z
        .string()
        .optional()
        .describe(
          'where the load goes (default http://127.0.0.1:$PORT/ with $PORT given to the started service)',
        ),
      script: z
        .string()
        .optional()
        .describe(
          'a load script (k6/TS/YAML, path in the workspace) instead of quick mode; it gets the URL as __ENV.BASE_URL',
        ),
      duration: durationText.optional().describe('load window captured, e.g. "20s" (default 10s)'),
      warmup: durationText.optional().describe('load before the capture starts (default 2s)'),
      connections: z
        .number()
        .int()
        .positive()
        .optional()
        .describe('concurrent connections (default 10), or VUs with a script'),
      rate: z.number().positive().optional().describe('open model: requests per second'),
      method: z.string().optional(),
      headers: z.record(z.string(), z.string()).optional(),
      body: z.string().optional(),
      probe: z
        .boolean()
        .optional()
        .describe('preload redline/probe into the started service (route timings, DB spans)'),
      top: z.number().int().positive().max(50).optional().describe('rows per table (default 10)'),
    },
    output: {
      id: z.string(),
      status: z.enum(['completed', 'interrupted', 'failed']),
      url: z.string().optional(),
      findings: z.array(z.looseObject({ id: z.string(), title: z.string() })),
      hotspots: z
        .array(z.unknown())
        .describe('hottest lines: functionName, file, line, share of CPU, lineText'),
      functions: z.array(z.unknown()),
      categories: z
        .array(z.unknown())
        .describe('CPU by category: app, dependencies, core, gc, ...'),
      diagnosis: z.unknown(),
      leak: z.unknown().optional(),
      files: z.record(z.string(), z.string()),
      profileFile: z.string(),
    },
    annotations: { readOnlyHint: false, destructiveHint: false, openWorldHint: true },
    long: true,
    run: async (args, context) => {
      const { rails, config, store } = context;
      if ((args.command === undefined) === (args.attach === undefined))
        throw new RedlineError(
          'MCP_USAGE',
          'give either command (to start the service) or attach',
          {
            exitCode: ExitCode.Usage,
            hint: 'command: ["node", "dist/server.js"], or attach: "127.0.0.1:9229"',
          },
        );
      if (args.command) {
        if (args.command.length === 0)
          throw new RedlineError('MCP_USAGE', 'command is empty', { exitCode: ExitCode.Usage });
        rails.checkCommand(args.command);
      } else if (/^\d+$/.test(args.attach as string)) {
        rails.checkAttachPid();
      } else {
        const [host, port] = splitHostPort(args.attach as string);
        if (!port)
          throw new RedlineError(
            'MCP_USAGE',
            `attach: "${args.attach}" is not host:port or a pid`,
            {
              exitCode: ExitCode.Usage,
            },
          );
        await rails.checkHost(host, 'attach');
      }
      if (args.url) await rails.checkUrl(args.url, 'url');
      const durationMs = parseDurationMs(
        args.duration ?? `${DEFAULT_DURATION_MS}ms`,
        's',
      ) as number;
      const warmupMs = parseDurationMs(args.warmup ?? `${DEFAULT_WARMUP_MS}ms`, 's') as number;
      rails.checkDuration(durationMs + warmupMs, 'the load window with its warm-up');
      const connections = args.connections ?? 10;
      if (args.script) rails.checkVUs(connections);
      else rails.checkConnections(connections);
      if (args.rate !== undefined) rails.checkRate(args.rate);
      const script = args.script ? rails.resolvePath(args.script, 'script') : undefined;

      const label = args.command?.join(' ') ?? `attach ${args.attach}`;
      const { entry, dir } = store.create('profile', 'profile_service', redactText(label));
      const outDir = join(dir, 'profile');
      entry.files['profile'] = 'profile';
      entry.files['analysis'] = 'profile.json';
      store.save(entry);
      context.wrote(dir);
      const cliArgs = ['profile'];
      if (script) cliArgs.push(script);
      cliArgs.push('--json', '-o', outDir, '-d', `${durationMs}ms`, '--warmup', `${warmupMs}ms`);
      cliArgs.push('-c', String(connections));
      if (args.attach) cliArgs.push('--attach', args.attach);
      if (args.url) cliArgs.push('--url', args.url);
      if (args.rate !== undefined) cliArgs.push('--rate', String(args.rate));
      if (args.method) cliArgs.push('-m', args.method);
      for (const [name, value] of Object.entries(args.headers ?? {}))
        cliArgs.push('-H', `${name}: ${value}`);
      if (args.body !== undefined) cliArgs.push('-b', args.body);
      if (args.probe) cliArgs.push('--probe');
      cliArgs.push('--top', String(Math.max(args.top ?? 10, 10)));
      if (args.command) cliArgs.push('--', ...args.command);

      const total = (durationMs + warmupMs) / 1000;
      context.progress(`profiling ${label}; files in ${outDir}`, total);
      const child = await runChild({
        args: cliArgs,
        cwd: config.workspace,
        allow: config.targets.entries,
        signal: context.signal,
        limitMs: config.limits.maxDurationMs + LIMIT_SLACK_MS + 30_000,
        onStderrLine: (line) => {
          if (line.startsWith('redline: ') && !line.startsWith('redline: warning'))
            context.progress(line.slice('redline: '.length), total);
        },
      });
      let json: ProfileJson | undefined;
      try {
        json = child.stdout.trim() ? (JSON.parse(child.stdout) as ProfileJson) : undefined;
      } catch {
        json = undefined;
      }
      if (!json) throw abandonEntry(store, entry, child, 'the profile');
      const profileFile = join(dir, 'profile.json');
      writeFileSync(profileFile, `${JSON.stringify(json, null, 2)}\n`);
      const status =
        json.interrupted || child.stoppedBy
          ? 'interrupted'
          : child.exitCode === 0
            ? 'completed'
            : 'failed';
      const tables = json.analysis?.cpu?.tables ?? {};
      const top = args.top ?? 10;
      const findings = (json.findings ?? []) as Array<{
        id: string;
        title: string;
        location?: { file?: string; line?: number };
      }>;
      const hot = findings.find((f) => f.id.startsWith('cpu.') && f.location?.line !== undefined);
      entry.headline = {
        findings: findings.length,
        ...(hot?.location?.file ? { hotLine: `${hot.location.file}:${hot.location.line}` } : {}),
      };
      store.finish(
        entry,
        status,
        child.exitCode === 0 ? undefined : (EXIT_MEANINGS[child.exitCode ?? -1] ?? undefined),
      );
      const data = {
        id: entry.id,
        status,
        ...(json.url ? { url: json.url } : {}),
        findings,
        hotspots: (tables.hotspots ?? []).slice(0, top),
        functions: (tables.functions ?? []).slice(0, top),
        categories: tables.categories ?? [],
        diagnosis: json.analysis?.diagnosis ?? null,
        ...(json.analysis?.leak ? { leak: json.analysis.leak } : {}),
        files: json.files ?? {},
        profileFile,
      };
      const lines = findings.slice(0, 5).map((f, i) => `${i + 1}. ${f.title}`);
      return {
        summary: `Profile ${entry.id} (${status}) of ${label}: ${findings.length} finding(s).${lines.length > 0 ? `\n${lines.join('\n')}` : ''}\nFlame graph: ${json.files?.['flamegraph'] ?? '-'}; full analysis: ${profileFile}`,
        data,
      };
    },
  });
}

function splitHostPort(text: string): [string, string | undefined] {
  const v6 = /^\[([^\]]+)\]:(\d+)$/.exec(text);
  if (v6) return [v6[1] as string, v6[2]];
  const colon = text.lastIndexOf(':');
  return colon > 0 ? [text.slice(0, colon), text.slice(colon + 1)] : [text, undefined];
}
