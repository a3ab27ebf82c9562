/** `redline db explain` and `redline db top`: query plans judged rule by rule, statements ranked by time. */

import type { Command } from 'commander';
import {
  ANALYZE_REFUSED_NOTE,
  type ExplainReport,
  explainPlanFile,
  explainQuery,
  type PlanFindingData,
  parseDbTarget,
  renderFindingsText,
  renderPlanTree,
  renderTopQueries,
  resetTopQueries,
  topQueries,
  VERIFY_INDEX_COPY_NOTE,
  VERIFY_INDEX_LOCK_WARNING,
  verifyIndex,
} from '../../db/index.js';
import { ExitCode } from '../../errors/exit-codes.js';
import { RedlineError } from '../../errors/redline-error.js';
import { formatSpeedup } from '../../util/units.js';
import { writeJsonFile } from '../result-files.js';
import { registerMongo } from './db-mongo.js';
import { runSlowLogCommand } from './db-slow-log.js';

interface ExplainFlags {
  db?: string;
  param?: string[];
  plan?: string;
  analyze: boolean;
  analyzeWrites: boolean;
  timeout: string;
  set?: string[];
  verifyIndex?: boolean;
  trustFunction?: string[];
  json?: boolean | string;
  color?: boolean;
}

interface TopFlags {
  db?: string;
  limit: string;
  reset?: boolean;
  explain?: string;
  json?: boolean | string;
  slowLog?: string;
  slowLogTable?: boolean;
  examples?: boolean;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** Registers `redline db` with its `explain` and `top` subcommands. */
export function register(program: Command): void {
  const db = program
    .command('db')
    .description('Database profiling: explain a query with rules, rank statements by time');
  db.command('explain')
    .description(
      'EXPLAIN ANALYZE a statement (never committed: refused when a rollback could not undo it) and judge its plan rule by rule',
    )
    .argument(
      '[sql]',
      'the statement; $1.. (PostgreSQL) or ? (MySQL) placeholders take --param values',
    )
    .option(
      '--db <url>',
      'postgres://…, mysql://… (MariaDB too) or pglite:<dir> (default: $REDLINE_DB_URL)',
    )
    .option('-p, --param <value>', 'a parameter value (repeatable, in order)', collect)
    .option(
      '--plan <file>',
      'analyse a saved plan instead (PostgreSQL JSON, MariaDB JSON, MySQL tree)',
    )
    .option('--no-analyze', 'plan only: do not run the statement (plain EXPLAIN, read-only)')
    .option(
      '--no-analyze-writes',
      'run reads (READ ONLY) but only plan statements that write, without running them',
    )
    .option('--timeout <ms>', 'statement timeout in milliseconds', '30000')
    .option(
      '--set <name=value>',
      'PostgreSQL setting for this statement only, e.g. work_mem=64MB (repeatable)',
      collect,
    )
    .option(
      '--trust-function <name>',
      'PostgreSQL: a VOLATILE function (name or schema.name) you vouch changes nothing outside this database, so ANALYZE may run it (repeatable)',
      collect,
    )
    .option(
      '--verify-index',
      'measure the suggested index: built in a transaction that is rolled back (PostgreSQL), or on a temporary copy of the table (MySQL/MariaDB, reads only)',
    )
    .option('--json [file]', 'print (or write) the report as JSON')
    .option('--color', 'highlight flagged nodes')
    .addHelpText(
      'after',
      `
Examples:
  redline db explain "SELECT * FROM orders WHERE customer_id = \\$1" -p 42 --db postgres://postgres@127.0.0.1/shop
  redline db explain "DELETE FROM sessions WHERE expires < now()" --db postgres://…   (rolled back)
  redline db explain --plan plan.json
  redline db explain "SELECT …" --db … --verify-index

Safety: the server sees exactly one statement (several are refused). Reads run in a READ ONLY
transaction, writes in a transaction that is always rolled back. When the statement may do
something a rollback cannot undo (a non-transactional table, a volatile function Redline cannot
vouch for, dblink, setval, files, locks, global variables), EXPLAIN ANALYZE is not run: the plan is
shown without running it and the output says why. Sequences and AUTO_INCREMENT counters still
advance: the output says so when the statement can move one. Details: docs/database.md.

Exit codes: 0 ok (also when ANALYZE was refused: see the notes), 1 the transaction was found closed
before ROLLBACK (report it), 2 bad flags, more than one statement, or a statement Redline refuses to
plan, 65 unreadable plan or failed statement, 66 plan file missing, 72 database unreachable or timeout,
73 cannot write --json.`,
    )
    .action(async (sql: string | undefined, flags: ExplainFlags) => {
      await runExplainCommand(sql, flags);
    });
  db.command('top')
    .description('Rank statements by total time (pg_stat_statements / performance_schema digests)')
    .option('--db <url>', 'postgres://… or mysql://… (default: $REDLINE_DB_URL)')
    .option('-n, --limit <n>', 'how many statements', '10')
    .option('--reset', 'reset the counters now (run before a load test, then run db top after it)')
    .option('--explain <n>', 'explain the N worst statements with the plan rules')
    .option('--json [file]', 'print (or write) the ranking as JSON')
    .option(
      '--slow-log <file>',
      'rank a MySQL/MariaDB slow query log file instead (like pt-query-digest)',
    )
    .option(
      '--slow-log-table',
      "rank the server's mysql.slow_log table (log_output=TABLE; needs --db)",
    )
    .option(
      '--examples',
      "with --slow-log: print each class's slowest statement with its literal values",
    )
    .action(async (flags: TopFlags) => {
      if (flags.slowLog !== undefined || flags.slowLogTable) {
        const { explain, limit, ...rest } = flags;
        await runSlowLogCommand({
          ...rest,
          limit: parsePositive(limit, '--limit'),
          ...(explain ? { explain: parsePositive(explain, '--explain') } : {}),
        });
        return;
      }
      await runTopCommand(flags);
    });
  registerMongo(db);
}

async function runExplainCommand(sql: string | undefined, flags: ExplainFlags): Promise<void> {
  const dbUrl = flags.db ?? process.env['REDLINE_DB_URL'];
  let report: ExplainReport;
  if (flags.plan) {
    report = await explainPlanFile(flags.plan, sql);
  } else {
    if (!sql)
      throw new RedlineError('E_USAGE_SQL', 'no statement given', {
        exitCode: ExitCode.Usage,
        hint: 'pass the SQL as the first argument, or --plan <file>',
      });
    report = await explainQuery(sql, {
      ...(dbUrl ? { db: dbUrl } : {}),
      params: flags.param ?? [],
      analyze: flags.analyze,
      analyzeWrites: flags.analyzeWrites,
      timeoutMs: parsePositive(flags.timeout, '--timeout'),
      settings: parseSettings(flags.set ?? []),
      ...(flags.trustFunction ? { trustFunctions: flags.trustFunction } : {}),
    });
  }
  let verification: Awaited<ReturnType<typeof verifyIndex>> | undefined;
  let verifyRefused: string | undefined;
  if (flags.verifyIndex && sql && !flags.plan && report.executed) {
    const index = report.findings
      .map((f) => (f.data as PlanFindingData | undefined)?.index)
      .find((i) => i !== undefined);
    if (index) {
      const copies = dbUrl !== undefined && parseDbTarget(dbUrl).kind === 'mysql';
      process.stderr.write(
        copies ? `note: ${VERIFY_INDEX_COPY_NOTE}\n` : `warning: ${VERIFY_INDEX_LOCK_WARNING}\n`,
      );
      try {
        verification = await verifyIndex(sql, index, {
          ...(dbUrl ? { db: dbUrl } : {}),
          params: flags.param ?? [],
          timeoutMs: parsePositive(flags.timeout, '--timeout'),
          ...(flags.trustFunction ? { trustFunctions: flags.trustFunction } : {}),
        });
      } catch (error) {
        if ((error as RedlineError).code !== 'DB_VERIFY_REFUSED') throw error;
        verifyRefused = (error as RedlineError).message;
      }
    }
  }
  if (flags.json !== undefined) {
    const data = { ...report, verification };
    // A file that cannot be written is exit 73 (CannotWrite), not an internal error.
    if (typeof flags.json === 'string') writeJsonFile(flags.json, data);
    else process.stdout.write(`${JSON.stringify(data, null, 2)}\n`);
    if (typeof flags.json !== 'string') return;
  }
  const out = [`${report.target} — ${describeRun(report)}`, ...safetyNotes(report), ''];
  out.push(renderPlanTree(report.plan, report.findings, { color: flags.color === true }));
  out.push(renderFindingsText(report.findings));
  if (verification) {
    const v = verification;
    out.push(
      `verify-index ${v.index.name}: ${v.beforeMs.toFixed(3)} ms → ${v.afterMs.toFixed(3)} ms (${v.used ? `${formatSpeedup(v.speedup)}, index used` : `${v.speedup.toFixed(1)}× — the planner did not use the index`}); ${v.method === 'temporary-copy' ? `best of ${v.runs} runs each, on a temporary copy of the table, dropped` : 'rolled back'}\n`,
    );
  } else if (verifyRefused) {
    out.push(`verify-index: not run: ${verifyRefused}\n`);
  } else if (flags.verifyIndex && !report.executed && !flags.plan) {
    out.push('verify-index: not run: it needs EXPLAIN ANALYZE, which was not run\n');
  } else if (flags.verifyIndex) {
    out.push('verify-index: no index suggestion to verify\n');
  }
  process.stdout.write(out.join('\n'));
}

/** The header's account of how the statement ran. */
function describeRun(report: ExplainReport): string {
  switch (report.safety?.mode) {
    case 'read-only':
      return 'ran in a READ ONLY transaction, rolled back';
    case 'rolled-back':
      return report.isWrite
        ? 'write statement: ran inside a transaction that was rolled back'
        : 'ran inside a transaction that was rolled back';
    case 'plan-only':
      return 'not run: plain EXPLAIN (estimates only)';
    default:
      return report.executed ? 'saved plan (analysed)' : 'saved plan (estimates only)';
  }
}

/** Why ANALYZE was refused, and what a rollback did not undo. */
function safetyNotes(report: ExplainReport): string[] {
  const lines: string[] = [];
  const refused = report.safety?.refused ?? [];
  if (refused.length > 0) {
    lines.push(`note: ${ANALYZE_REFUSED_NOTE}, because:`);
    for (const reason of refused) lines.push(`  - ${reason}`);
  }
  for (const caveat of report.safety?.caveats ?? [])
    lines.push(`warning: this statement ${caveat}`);
  return lines;
}

async function runTopCommand(flags: TopFlags): Promise<void> {
  const dbUrl = flags.db ?? process.env['REDLINE_DB_URL'];
  const base = dbUrl ? { db: dbUrl } : {};
  if (flags.reset) {
    await resetTopQueries(base);
    process.stdout.write(
      'statement counters reset: run the load, then `redline db top` to rank exactly that window\n',
    );
    return;
  }
  const result = await topQueries({
    ...base,
    limit: parsePositive(flags.limit, '--limit'),
    explain: flags.explain ? parsePositive(flags.explain, '--explain') : 0,
  });
  if (flags.json !== undefined) {
    if (typeof flags.json === 'string') writeJsonFile(flags.json, result);
    else return void process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  }
  process.stdout.write(renderTopQueries(result));
}

function parsePositive(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) {
    throw new RedlineError('E_USAGE_VALUE', `invalid value for ${flag}: "${value}"`, {
      exitCode: ExitCode.Usage,
      hint: 'use a positive number',
    });
  }
  return n;
}

function parseSettings(values: string[]): Record<string, string> {
  const settings: Record<string, string> = {};
  for (const value of values) {
    const eq = value.indexOf('=');
    if (eq <= 0)
      throw new RedlineError('E_USAGE_VALUE', `invalid value for --set: "${value}"`, {
        exitCode: ExitCode.Usage,
        hint: 'use --set name=value',
      });
    settings[value.slice(0, eq).trim()] = value.slice(eq + 1).trim();
  }
  return settings;
}
