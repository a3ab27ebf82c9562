/**
 * The guard-rail configuration of `redline mcp` (docs/mcp.md, "Guard rails"): a YAML or JSON file
 * the user writes, never the agent. Found at `--config`, `$REDLINE_MCP_CONFIG`, or
 * `redline.mcp.{yaml,yml,json}` in the working folder; without one the built-in defaults apply
 * (loopback targets only, 5 minutes, 50 VUs, 100 connections, 2000 req/s, no profiled command).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import * as z from 'zod';
import { ExitCode } from '../errors/exit-codes.js';
import { RedlineError } from '../errors/redline-error.js';
import { parseDurationMs } from '../util/duration.js';
import { type AllowList, DEFAULT_ALLOWED_TARGETS, parseAllowList } from './guard/allow-list.js';

/** File names looked for in the working folder, in order. */
export const CONFIG_FILE_NAMES = ['redline.mcp.yaml', 'redline.mcp.yml', 'redline.mcp.json'];

/** Caps on what one tool call may ask for. */
export interface McpLimits {
  /** Longest load test or profile load window (warm-up included), ms. */
  maxDurationMs: number;
  /** Most VUs of a scripted run (the plan's peak). */
  maxVUs: number;
  /** Most connections of a quick-mode run or profile load. */
  maxConnections: number;
  /** Highest request rate (open model), requests per second. */
  maxRate: number;
  /** Longest audit (sum of its steps), ms. */
  maxAuditDurationMs: number;
  /** Long tools (load tests, profiles, audits, validations) running at once. */
  concurrentRuns: number;
}

/** The validated configuration, every default filled in and every path absolute. */
export interface McpConfig {
  /** Where it came from: a file path, or `built-in defaults`. */
  source: string;
  /** Files the tools read (scripts, profiles, results, configs) must be inside this folder or `resultsDir`. */
  workspace: string;
  /** Where runs, profiles, audits and generated files go. */
  resultsDir: string;
  /** JSON-lines log of every tool call. */
  auditLog: string;
  /** Hosts and networks load, profiles, attaches and database connections may reach. */
  targets: AllowList;
  limits: McpLimits;
  profile: {
    /** Commands `profile_service` and `audit_service` may start (argv; a trailing `...` allows more arguments). */
    commands: string[][];
    /** Attaching to a process by pid (sends it SIGUSR1). */
    allowAttachPid: boolean;
  };
  database: {
    /** EXPLAIN ANALYZE of statements that write (run in a rolled-back transaction). */
    allowAnalyzeWrites: boolean;
    /** `top_queries` with `reset: true` (clears pg_stat_statements / performance_schema counters). */
    allowStatsReset: boolean;
    /** Longest statement timeout an explain may ask for, ms. */
    maxTimeoutMs: number;
  };
  /** Exact values removed from every result, besides what the redaction rules recognise. */
  secrets: string[];
}

/** Defaults of {@link McpLimits}. */
export const DEFAULT_LIMITS: McpLimits = {
  maxDurationMs: 5 * 60_000,
  maxVUs: 50,
  maxConnections: 100,
  maxRate: 2000,
  maxAuditDurationMs: 15 * 60_000,
  concurrentRuns: 1,
};

const duration = z
  .union([z.string(), z.number()])
  .refine((v) => (parseDurationMs(v) ?? 0) > 0, 'expected a duration like 30s, 5m or 1h');
const positive = z.number().int().positive();
const command = z.union([
  z.string().min(1),
  z.array(z.string().min(1)).min(1, 'a command needs at least the program'),
]);

const FILE_SCHEMA = z.strictObject({
  workspace: z.string().optional(),
  results: z.string().optional(),
  auditLog: z.string().optional(),
  targets: z.strictObject({ allow: z.array(z.string()).optional() }).optional(),
  limits: z
    .strictObject({
      maxDuration: duration.optional(),
      maxVUs: positive.optional(),
      maxConnections: positive.optional(),
      maxRate: z.number().positive().optional(),
      maxAuditDuration: duration.optional(),
      concurrentRuns: positive.optional(),
    })
    .optional(),
  profile: z
    .strictObject({
      commands: z.array(command).optional(),
      allowAttachPid: z.boolean().optional(),
    })
    .optional(),
  database: z
    .strictObject({
      allowAnalyzeWrites: z.boolean().optional(),
      allowStatsReset: z.boolean().optional(),
      maxTimeout: duration.optional(),
    })
    .optional(),
  secrets: z.array(z.string()).optional(),
});

/** Splits a command written as one string on whitespace (no shell: quotes are not interpreted). */
function commandArgv(value: string | string[]): string[] {
  return typeof value === 'string' ? value.trim().split(/\s+/) : value;
}

function invalid(source: string, problems: string[]): RedlineError {
  return new RedlineError('MCP_CONFIG_INVALID', `invalid MCP guard-rail config: ${source}`, {
    exitCode: ExitCode.InvalidConfig,
    problems,
    position: { file: source },
    hint: 'fix every problem listed; docs/mcp.md ("Guard rails") describes each key and its default',
  });
}

/**
 * Builds the configuration from the parsed file content (`undefined` = defaults). Relative paths
 * are resolved against `baseDir` (the config file's folder, or the working folder).
 */
export function buildMcpConfig(raw: unknown, source: string, baseDir: string): McpConfig {
  const parsed = FILE_SCHEMA.safeParse(raw ?? {});
  if (!parsed.success) {
    throw invalid(
      source,
      parsed.error.issues.map((i) => `${i.path.join('.') || '(top level)'}: ${i.message}`),
    );
  }
  const file = parsed.data;
  const targets = parseAllowList(file.targets?.allow ?? DEFAULT_ALLOWED_TARGETS);
  if (Array.isArray(targets))
    throw invalid(
      source,
      targets.map((p) => `targets.allow: ${p}`),
    );
  const abs = (p: string, base: string) => (isAbsolute(p) ? p : resolve(base, p));
  const workspace = abs(file.workspace ?? '.', baseDir);
  const resultsDir = abs(file.results ?? 'redline-results', workspace);
  const ms = (v: string | number | undefined, fallback: number) =>
    v === undefined ? fallback : (parseDurationMs(v) as number);
  const l = file.limits ?? {};
  return {
    source,
    workspace,
    resultsDir,
    auditLog: abs(file.auditLog ?? join(resultsDir, 'mcp-calls.jsonl'), workspace),
    targets,
    limits: {
      maxDurationMs: ms(l.maxDuration, DEFAULT_LIMITS.maxDurationMs),
      maxVUs: l.maxVUs ?? DEFAULT_LIMITS.maxVUs,
      maxConnections: l.maxConnections ?? DEFAULT_LIMITS.maxConnections,
      maxRate: l.maxRate ?? DEFAULT_LIMITS.maxRate,
      maxAuditDurationMs: ms(l.maxAuditDuration, DEFAULT_LIMITS.maxAuditDurationMs),
      concurrentRuns: l.concurrentRuns ?? DEFAULT_LIMITS.concurrentRuns,
    },
    profile: {
      commands: (file.profile?.commands ?? []).map(commandArgv),
      allowAttachPid: file.profile?.allowAttachPid ?? false,
    },
    database: {
      allowAnalyzeWrites: file.database?.allowAnalyzeWrites ?? false,
      allowStatsReset: file.database?.allowStatsReset ?? false,
      maxTimeoutMs: ms(file.database?.maxTimeout, 30_000),
    },
    secrets: file.secrets ?? [],
  };
}

/**
 * Loads the configuration: `explicit` (from --config), else `$REDLINE_MCP_CONFIG`, else the first
 * of {@link CONFIG_FILE_NAMES} in `cwd`, else the defaults (with `cwd` as the workspace).
 */
export function loadMcpConfig(
  explicit: string | undefined,
  cwd: string = process.cwd(),
  env: NodeJS.ProcessEnv = process.env,
): McpConfig {
  const named = explicit ?? env['REDLINE_MCP_CONFIG'];
  const path = named
    ? resolve(cwd, named)
    : CONFIG_FILE_NAMES.map((n) => join(cwd, n)).find((p) => existsSync(p));
  if (!path) return buildMcpConfig(undefined, 'built-in defaults', cwd);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new RedlineError('MCP_CONFIG_READ', `cannot read the MCP config ${path}`, {
      exitCode: ExitCode.NoInput,
      cause,
      hint: 'check the path given to --config or $REDLINE_MCP_CONFIG',
    });
  }
  let raw: unknown;
  try {
    raw = path.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (cause) {
    throw invalid(path, [(cause as Error).message]);
  }
  return buildMcpConfig(raw, path, dirname(path));
}

/** The configuration as plain data (for the server's start-up line and the `config` resource). */
export function describeMcpConfig(config: McpConfig): Record<string, unknown> {
  return {
    source: config.source,
    workspace: config.workspace,
    results: config.resultsDir,
    auditLog: config.auditLog,
    targets: { allow: config.targets.entries },
    limits: config.limits,
    profile: config.profile,
    database: config.database,
    secrets: `${config.secrets.length} value(s)`,
  };
}
