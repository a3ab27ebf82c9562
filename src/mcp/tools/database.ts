/**
 * `explain_query` and `top_queries`, in process (I/O-bound, bounded by the statement timeout) on
 * db/'s own functions — the ones `redline db explain` and `redline db top` call.
 *
 * What may run is decided by db/ from the server (docs/database.md): one statement per protocol
 * message, a transaction that is always rolled back (READ ONLY for reads), EXPLAIN ANALYZE
 * refused when a rollback could not undo an effect. The guard rail adds one thing: unless the
 * user set database.allowAnalyzeWrites, `analyzeWrites: false`, so a statement the server shows
 * writing is planned, never run. `top_queries` reads statistics in a read-only session.
 */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import * as z from 'zod';
import {
  type DbSession,
  type ExplainReport,
  explainQuery,
  openDb,
  parseDbTarget,
  renderFindingsText,
  renderPlanTree,
  renderTopQueries,
  resetTopQueries,
  topQueries,
  WRITES_NOT_ALLOWED,
} from '../../db/index.js';
import { ExitCode } from '../../errors/exit-codes.js';
import { RedlineError } from '../../errors/redline-error.js';
import { refusal } from '../guard/refusal.js';
import { defineTool, type ToolContext, type ToolDeps } from './define.js';

const DB_INPUT = z
  .string()
  .optional()
  .describe(
    'postgres://user@127.0.0.1:5432/db, mysql://root@127.0.0.1:3306/db (MariaDB too) or pglite:<dir>; default $REDLINE_DB_URL',
  );

async function openReadOnly(url: string): Promise<DbSession> {
  const session = await openDb(parseDbTarget(url));
  try {
    await session.query(
      session.kind === 'mysql'
        ? 'SET SESSION TRANSACTION READ ONLY'
        : 'SET default_transaction_read_only = on',
    );
  } catch (error) {
    await session.close().catch(() => {});
    throw error;
  }
  return session;
}

/** Closes `session` when the call is cancelled (the driver aborts the running statement). */
function closeOnAbort(context: ToolContext, session: DbSession): () => void {
  const close = () => void session.close().catch(() => {});
  context.signal.addEventListener('abort', close, { once: true });
  return () => context.signal.removeEventListener('abort', close);
}

async function databaseUrl(context: ToolContext, given: string | undefined): Promise<string> {
  const url = given ?? process.env['REDLINE_DB_URL'];
  if (!url)
    throw new RedlineError('DB_URL_MISSING', 'no database given', {
      exitCode: ExitCode.Usage,
      hint: 'pass db: "postgres://user@127.0.0.1:5432/db" (or set REDLINE_DB_URL for the server)',
    });
  return context.rails.pinDatabaseUrl(url);
}

/** Registers explain_query and top_queries. */
export function registerDatabaseTools(server: McpServer, deps: ToolDeps): void {
  defineTool(server, deps, {
    name: 'explain_query',
    title: 'Explain a SQL statement',
    description:
      'Run EXPLAIN ANALYZE on one SQL statement (PostgreSQL, MySQL, MariaDB, PGlite) and judge its plan rule by rule: sequential scans that need an index (with the CREATE INDEX), misestimates, sorts and hashes spilling to disk, nested loops, slow nodes; findings ranked by time saved. Reads run for real inside a transaction that is rolled back. Statements that write are not executed unless the user allowed it (database.allowAnalyzeWrites): you then get the plan without running it (analyze: false gives that for any statement). Use $1.. (PostgreSQL) or ? (MySQL) placeholders with params.',
    input: {
      sql: z.string().describe('one SQL statement'),
      db: DB_INPUT,
      params: z
        .array(z.union([z.string(), z.number(), z.boolean(), z.null()]))
        .optional()
        .describe('placeholder values, in order'),
      analyze: z
        .boolean()
        .optional()
        .describe(
          'run the statement (EXPLAIN ANALYZE, default for reads); false = plan only, nothing runs',
        ),
      timeoutMs: z
        .number()
        .int()
        .positive()
        .optional()
        .describe('statement timeout (default 30000, capped by the config)'),
      settings: z
        .record(z.string(), z.string())
        .optional()
        .describe('PostgreSQL settings for this statement only, e.g. {"work_mem": "64MB"}'),
    },
    output: {
      target: z.string(),
      executed: z.boolean().describe('true when the statement ran (EXPLAIN ANALYZE)'),
      isWrite: z.boolean(),
      note: z.string().optional().describe('why the statement was not run, when it was not'),
      findings: z.array(z.looseObject({ id: z.string(), title: z.string() })),
      plan: z.unknown(),
      text: z.string().describe('the plan tree and findings as `redline db explain` prints them'),
    },
    annotations: { readOnlyHint: true, destructiveHint: false, openWorldHint: true },
    run: async (args, context) => {
      const { config } = context;
      const url = await databaseUrl(context, args.db);
      const timeoutMs = args.timeoutMs ?? Math.min(30_000, config.database.maxTimeoutMs);
      if (timeoutMs > config.database.maxTimeoutMs)
        throw refusal(
          `timeoutMs ${timeoutMs} is over the limit of ${config.database.maxTimeoutMs}`,
          'database.maxTimeout',
          config.source,
        );
      const base = {
        params: args.params ?? [],
        timeoutMs,
        settings: args.settings ?? {},
      };
      const wantAnalyze = args.analyze ?? true;
      const allowWrites = config.database.allowAnalyzeWrites;
      const howToAllow = `the user can allow it with database.allowAnalyzeWrites: true in ${config.source} (it then runs in a transaction that is rolled back)`;
      // db/ decides from the server what writes and what a rollback cannot undo; the guard rail
      // only adds analyzeWrites: false, so a write is planned, never run.
      const session = await openDb(parseDbTarget(url));
      const unwatch = closeOnAbort(context, session);
      let report: ExplainReport;
      try {
        report = await explainQuery(args.sql, {
          session,
          analyze: wantAnalyze,
          analyzeWrites: allowWrites,
          ...base,
        });
      } finally {
        unwatch();
        await session.close().catch(() => {});
      }
      const refused = report.safety?.refused ?? [];
      const writesRefused = refused.includes(WRITES_NOT_ALLOWED);
      if (writesRefused && args.analyze === true)
        throw refusal(
          'EXPLAIN ANALYZE of a statement that writes; use analyze: false to see its plan without running it',
          'database.allowAnalyzeWrites',
          config.source,
        );
      const note =
        wantAnalyze && !report.executed && refused.length > 0
          ? `not run: ${refused.map((r) => (r === WRITES_NOT_ALLOWED ? 'the statement writes' : r)).join('; ')}; plain EXPLAIN shown${writesRefused ? ` — ${howToAllow}` : ''}`
          : undefined;
      const text = `${renderPlanTree(report.plan, report.findings, { color: false })}${renderFindingsText(report.findings)}`;
      const data = { ...report, ...(note ? { note } : {}), text };
      const top = report.findings[0] as { title?: string } | undefined;
      return {
        summary: `${report.target}: ${report.executed ? 'EXPLAIN ANALYZE (rolled back)' : 'EXPLAIN (not run)'}; ${report.findings.length} finding(s)${top?.title ? `, first: ${top.title}` : ''}.${note ? ` ${note}` : ''}\n${text}`,
        data,
      };
    },
  });

  defineTool(server, deps, {
    name: 'top_queries',
    title: 'Rank SQL statements by total time',
    description:
      'Rank the statements a database ran by total time (PostgreSQL pg_stat_statements, MySQL/MariaDB performance_schema): calls, mean and total ms, rows, share of the window; with explain: N, the N worst get their plan judged by the rules. To measure exactly one load test: reset: true (if the user allowed it), run_load_test, then top_queries.',
    input: {
      db: DB_INPUT,
      limit: z
        .number()
        .int()
        .positive()
        .max(100)
        .optional()
        .describe('how many statements (default 10)'),
      explain: z
        .number()
        .int()
        .min(0)
        .max(20)
        .optional()
        .describe('explain the N worst (generic plans, nothing runs)'),
      reset: z
        .boolean()
        .optional()
        .describe(
          "reset the counters instead of ranking (needs database.allowStatsReset in the user's config)",
        ),
    },
    output: {
      target: z.string(),
      source: z.string().optional(),
      totalMs: z.number().optional(),
      queries: z.array(z.unknown()),
      reset: z.boolean(),
    },
    annotations: { readOnlyHint: false, destructiveHint: false, openWorldHint: true },
    run: async (args, context) => {
      const { config } = context;
      const url = await databaseUrl(context, args.db);
      if (args.reset) {
        if (!config.database.allowStatsReset)
          throw refusal(
            'resetting the statement statistics',
            'database.allowStatsReset',
            config.source,
          );
        await resetTopQueries({ db: url });
        const target = parseDbTarget(url).display;
        return {
          summary: `${target}: statement counters reset; run the load, then top_queries ranks exactly that window.`,
          data: { target, queries: [], reset: true },
        };
      }
      const session = await openReadOnly(url);
      const unwatch = closeOnAbort(context, session);
      try {
        const result = await topQueries({
          session,
          limit: args.limit ?? 10,
          explain: args.explain ?? 0,
        });
        return { summary: renderTopQueries(result), data: { ...result, reset: false } };
      } finally {
        unwatch();
        await session.close().catch(() => {});
      }
    },
  });
}
