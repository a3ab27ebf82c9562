/** `redline db explain` and `redline db top`: query plans judged rule by rule, statements ranked by time. */
import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import {
  type ExplainReport,
  explainPlanFile,
  explainQuery,
  type PlanFindingData,
  renderFindingsText,
  renderPlanTree,
  renderTopQueries,
  resetTopQueries,
  topQueries,
  VERIFY_INDEX_LOCK_WARNING,
  verifyIndex,
} from '../../db/index.js';
import { ExitCode } from '../../errors/exit-codes.js';
import { RedlineError } from '../../errors/redline-error.js';
import { registerMongo } from './db-mongo.js';
import { runSlowLogCommand } from './db-slow-log.js';

interface ExplainFlags {
  db?: string;
  param?: string[];
  plan?: string;
  analyze: boolean;
  timeout: string;
  set?: string[];
  verifyIndex?: boolean;
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
    .description('EXPLAIN ANALYZE a statement (rolled back) and judge its plan rule by rule')
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
    .option('--no-analyze', 'plan only: do not run the statement (plain EXPLAIN)')
    .option('--timeout <ms>', 'statement timeout in milliseconds', '30000')
    .option(
      '--set <name=value>',
      'PostgreSQL setting for this statement only, e.g. work_mem=64MB (repeatable)',
      collect,
    )
    .option(
      '--verify-index',
      'create the suggested index in a transaction, re-run, roll back and report the gain',
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

Exit codes: 0 ok, 2 bad flags, 65 unreadable plan or failed statement, 66 plan file missing, 72 database unreachable or timeout.`,
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
      timeoutMs: parsePositive(flags.timeout, '--timeout'),
      settings: parseSettings(flags.set ?? []),
    });
  }
  let verification: Awaited<ReturnType<typeof verifyIndex>> | undefined;
  if (flags.verifyIndex && sql && !flags.plan) {
    const index = report.findings
      .map((f) => (f.data as PlanFindingData | undefined)?.index)
      .find((i) => i !== undefined);
    if (index) {
      process.stderr.write(`warning: ${VERIFY_INDEX_LOCK_WARNING}\n`);
      verification = await verifyIndex(sql, index, {
        ...(dbUrl ? { db: dbUrl } : {}),
        params: flags.param ?? [],
        timeoutMs: parsePositive(flags.timeout, '--timeout'),
      });
    }
  }
  if (flags.json !== undefined) {
    const text = `${JSON.stringify({ ...report, verification }, null, 2)}\n`;
    if (typeof flags.json === 'string') await writeFile(flags.json, text);
    else process.stdout.write(text);
    if (typeof flags.json !== 'string') return;
  }
  const out = [
    `${report.target}${report.isWrite && report.executed ? ' (write statement: run inside a transaction that was rolled back)' : ''}`,
    '',
  ];
  out.push(renderPlanTree(report.plan, report.findings, { color: flags.color === true }));
  out.push(renderFindingsText(report.findings));
  if (verification) {
    const v = verification;
    out.push(
      `verify-index ${v.index.name}: ${v.beforeMs.toFixed(3)} ms → ${v.afterMs.toFixed(3)} ms (${v.speedup.toFixed(1)}× ${v.used ? 'faster, index used' : '— the planner did not use the index'}); rolled back\n`,
    );
  } else if (flags.verifyIndex) {
    out.push('verify-index: no index suggestion to verify\n');
  }
  process.stdout.write(out.join('\n'));
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
    const text = `${JSON.stringify(result, null, 2)}\n`;
    if (typeof flags.json === 'string') await writeFile(flags.json, text);
    else return void process.stdout.write(text);
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
