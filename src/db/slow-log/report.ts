/**
 * The slow-log ranking for people: a pt-query-digest-like table, the `redline db explain` command
 * to run for each class, and (with a database) the plan findings of the worst ones. Literal
 * values from the log (customer ids, emails, tokens) are printed only when asked (`--examples`).
 */
import { readFile } from 'node:fs/promises';
import { ExitCode } from '../../errors/exit-codes.js';
import { RedlineError } from '../../errors/redline-error.js';
import type { Finding } from '../../findings/finding.js';
import { type DbSession, openDb, parseDbTarget } from '../connection.js';
import { explainMysql } from '../mysql/explain.js';
import { renderFindingsText } from '../render/findings-text.js';
import { runPlanRules } from '../rules/index.js';
import { classifyStatement } from '../sql/statement-kind.js';
import { digestSlowLog, type SlowLogDigest, type SlowQueryClass } from './digest.js';
import { parseSlowLogFile, readSlowLogTable } from './parse.js';

/** Quotes a value for a POSIX shell (single quotes). */
export function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/** The `redline db explain` command for a class (values only with `examples`). */
export function explainCommand(
  c: SlowQueryClass,
  dbDisplay: string | undefined,
  examples: boolean,
): string {
  const { sql, params } = c.parameterized;
  const p = params
    .map((value, i) => ` -p ${shellQuote(examples ? value : `<value ${i + 1}>`)}`)
    .join('');
  return `redline db explain ${shellQuote(sql)}${p} --db ${dbDisplay ? shellQuote(dbDisplay) : '<mysql://…>'}`;
}

/** Reads and ranks a slow-log file. */
export async function digestSlowLogFile(path: string, limit = 10): Promise<SlowLogDigest> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new RedlineError('DB_SLOW_LOG_NOT_FOUND', `cannot read the slow log ${path}`, {
      exitCode: ExitCode.NoInput,
      hint: 'SHOW VARIABLES LIKE "slow_query_log_file" names it on the server.',
      cause,
    });
  }
  const entries = parseSlowLogFile(text);
  if (entries.length === 0) {
    throw new RedlineError('DB_SLOW_LOG_EMPTY', `${path} holds no slow-log entries`, {
      exitCode: ExitCode.DataError,
      hint: 'Expected "# Query_time: …" headers: enable slow_query_log with log_output=FILE, and long_query_time low enough (0 logs every statement).',
      position: { file: path },
    });
  }
  return digestSlowLog(entries, path, limit);
}

/** Reads and ranks `mysql.slow_log` (log_output=TABLE). */
export async function digestSlowLogTable(
  session: DbSession,
  options: { limit?: number; sinceMs?: number } = {},
): Promise<SlowLogDigest> {
  if (session.kind !== 'mysql') {
    throw new RedlineError('DB_SLOW_LOG_TABLE', 'the slow-log table is a MySQL/MariaDB feature', {
      exitCode: ExitCode.Usage,
      hint: 'use --db mysql://… (PostgreSQL: redline db top ranks pg_stat_statements)',
    });
  }
  const entries = await readSlowLogTable(
    session,
    options.sinceMs !== undefined ? { sinceMs: options.sinceMs } : {},
  );
  if (entries.length === 0) {
    throw new RedlineError('DB_SLOW_LOG_EMPTY', `mysql.slow_log on ${session.display} is empty`, {
      exitCode: ExitCode.DataError,
      hint: 'The table fills when log_output includes TABLE and slow_query_log is ON; long_query_time sets which statements are logged (SET SESSION long_query_time = 0 logs every statement of that session).',
    });
  }
  return digestSlowLog(entries, `mysql.slow_log on ${session.display}`, options.limit ?? 10);
}

/**
 * Plain EXPLAIN (never executed) of the slowest example of the first `n` classes, judged by the
 * plan rules; the findings are attached to each class.
 */
export async function explainSlowClasses(
  session: DbSession,
  digest: SlowLogDigest,
  n: number,
  options: { examples?: boolean } = {},
): Promise<void> {
  for (const c of digest.classes.slice(0, n)) {
    if (
      !/^(SELECT|WITH|INSERT|UPDATE|DELETE|REPLACE)$/.test(classifyStatement(c.example.sql).keyword)
    )
      continue;
    const schema = c.example.schema;
    // The example ran in its logged schema: plan it there (plain EXPLAIN, never executed; db/
    // checks the statement with the server before anything runs).
    if (schema) await session.query(`USE \`${schema.replace(/`/g, '``')}\``).catch(() => {});
    const run = await explainMysql(session, c.example.sql, { analyze: false }).catch(
      () => undefined,
    );
    if (run)
      c.findings = runPlanRules(run.plan).map((f) => {
        const judged = withLogImpact(f, c);
        return options.examples ? judged : scrubLiterals(judged, c.parameterized.params);
      });
  }
}

/**
 * Replaces the example's literal values with `?` in a finding's texts: plans quote conditions
 * with the values they ran with, and values from a log may be personal data or secrets.
 */
export function scrubLiterals(finding: Finding, literals: readonly string[]): Finding {
  const values = [...new Set(literals.filter((v) => v !== ''))].sort((a, b) => b.length - a.length);
  if (values.length === 0) return finding;
  const escapeRe = (v: string) => v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = new RegExp(
    values
      .map((v) => (/^[\w.-]+$/.test(v) ? `(?<![\\w.])${escapeRe(v)}(?![\\w.])` : escapeRe(v)))
      .join('|'),
    'g',
  );
  const scrub = (text: string): string => text.replace(pattern, '?');
  return {
    ...finding,
    title: scrub(finding.title),
    rootCause: scrub(finding.rootCause),
    ...(finding.impact
      ? { impact: { ...finding.impact, description: scrub(finding.impact.description) } }
      : {}),
    recommendation: { ...finding.recommendation, text: scrub(finding.recommendation.text) },
    evidence: finding.evidence.map((e) =>
      typeof e.value === 'string' ? { ...e, value: scrub(e.value) } : e,
    ),
    ...(finding.location?.query
      ? { location: { ...finding.location, query: scrub(finding.location.query) } }
      : {}),
  };
}

function withLogImpact(finding: Finding, c: SlowQueryClass): Finding {
  if (!finding.impact || (finding.impact.timeMs ?? 0) > 0) return finding;
  return {
    ...finding,
    impact: {
      ...finding.impact,
      description: `${finding.impact.description}; in the log this statement took ${c.totalMs.toFixed(1)} ms over ${c.calls} executions`,
    },
  };
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : ' '.repeat(width - text.length) + text;
}

function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  return s >= 3600
    ? `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`
    : s >= 60
      ? `${Math.floor(s / 60)}m ${s % 60}s`
      : `${s}s`;
}

/** The text report of a digest. */
export function renderSlowLogDigest(
  digest: SlowLogDigest,
  options: { dbDisplay?: string; examples?: boolean } = {},
): string {
  const span = digest.spanMs !== undefined ? ` over ${duration(digest.spanMs)}` : '';
  const lines = [
    `${digest.source}: ${digest.statements} statements, ${(digest.totalMs / 1000).toFixed(2)} s in total${span}; ranked by total time`,
    '',
    `${pad('#', 3)} ${pad('total ms', 10)} ${pad('%', 5)} ${pad('calls', 7)} ${pad('mean ms', 9)} ${pad('p95 ms', 9)} ${pad('max ms', 9)} ${pad('examined/call', 13)} ${pad('sent/call', 9)}  query`,
  ];
  digest.classes.forEach((c, i) => {
    const text = c.query.length > 90 ? `${c.query.slice(0, 87)}...` : c.query;
    lines.push(
      `${pad(String(i + 1), 3)} ${pad(c.totalMs.toFixed(1), 10)} ${pad((c.share * 100).toFixed(1), 5)} ${pad(String(c.calls), 7)} ${pad(c.meanMs.toFixed(3), 9)} ${pad(c.p95Ms.toFixed(3), 9)} ${pad(c.maxMs.toFixed(3), 9)} ${pad(c.rowsExaminedPerCall.toFixed(1), 13)} ${pad(c.rowsPerCall.toFixed(1), 9)}  ${text}`,
    );
    if (c.flags.length > 0) lines.push(`${' '.repeat(10)}⚑ ${c.flags.join(', ')}`);
    lines.push(
      `${' '.repeat(10)}explain: ${explainCommand(c, options.dbDisplay, options.examples === true)}`,
    );
    if (options.examples)
      lines.push(
        `${' '.repeat(10)}slowest (${c.example.queryMs.toFixed(3)} ms${c.example.line ? `, line ${c.example.line}` : ''}): ${c.example.sql.replace(/\s+/g, ' ')}`,
      );
  });
  if (!options.examples)
    lines.push(
      '',
      'Literal values from the log are not shown; --examples prints the slowest example of each class and fills in -p.',
    );
  for (const [i, c] of digest.classes.entries()) {
    if (!c.findings) continue;
    lines.push('', `#${i + 1} explained:`, renderFindingsText(c.findings).trimEnd());
  }
  return `${lines.join('\n')}\n`;
}

/** Opens the database of `--db` for the table source and for --explain. */
export function openSlowLogDb(url: string): Promise<DbSession> {
  return openDb(parseDbTarget(url));
}
