/**
 * The DB step: EXPLAIN ANALYZE of the configured statements (rolled back) with measured index
 * advice, generic plans of the statements the probe saw take the most time, and the server's own
 * statement statistics (pg_stat_statements / performance_schema) over the run when available.
 */

import {
  type DbSession,
  type ExplainedPlan,
  explainNormalised,
  explainQuery,
  normalizeSql,
  openDb,
  type PlanFindingData,
  parseDbTarget,
  planTotalMs,
  runPlanRules,
  topQueries,
} from '../../db/index.js';
import type { Finding } from '../../findings/finding.js';
import type { QueryStats } from '../../probe/index.js';
import type { MeasuredGain, WorstQuery } from '../../results/audit-result.js';
import { formatSpeedup } from '../../util/units.js';
import type { AuditQuery } from '../config/types.js';
import type { AuditProgress } from '../progress.js';
import {
  chooseBestIndex,
  createIndexCandidates,
  type IndexMeasurement,
  isMeasuredGain,
  measureIndex,
} from './db-index-candidates.js';
import { createPlanTree } from './db-plan-tree.js';

/** Inputs of the DB step. */
export interface DbStepOptions {
  url: string;
  queries: readonly AuditQuery[];
  /** The probe's per-statement stats over the run (PGlite and any driver it patches). */
  probeQueries?: readonly QueryStats[];
  /** Requests the probe saw, for calls per request. */
  probeRequests?: number;
  verifyIndex: boolean;
  /** false: statements that write are planned, never run (`--no-analyze-writes`). */
  analyzeWrites: boolean;
  /** Read pg_stat_statements / performance_schema (counters were reset when the audit started). */
  statements: boolean;
  progress: AuditProgress;
}

/** What the DB step found. */
export interface DbStepResult {
  findings: Finding[];
  worstQuery?: WorstQuery;
  gains: MeasuredGain[];
  database?: { engine: string; version?: string };
  notes: string[];
}

/** How many of the probe's most expensive statements get a plan that counts (see {@link CHEAP_ALONE_MS}). */
const AUTO_EXPLAIN = 8;
/** At most this many of the probe's statements are explained, cheap ones included. */
const AUTO_EXPLAIN_WALK = 24;
/**
 * A probe statement whose real execution, EXPLAIN ANALYZEd alone, takes less than this (ms) and
 * raises no finding does not use one of the {@link AUTO_EXPLAIN} slots: its time over the run was
 * spent waiting (the service's pool, a busy server, one round trip after another), not in its
 * plan. On a real Express + Sequelize service the eight statements of most time were an N+1's
 * primary-key lookups (16 ms each in the run, 0.0 ms alone) and the unindexed slug lookup (18 ms
 * alone, two per article read) was never explained.
 */
const CHEAP_ALONE_MS = 1;

interface Explained {
  sql: string;
  plan: ExplainedPlan;
  findings: Finding[];
  /** Why EXPLAIN ANALYZE was not run (the plan has estimates only); empty when it ran. */
  refused: string[];
}

async function readVersion(session: DbSession): Promise<string | undefined> {
  const rows = await session
    .query<Record<string, unknown>>('SELECT version() AS v')
    .catch(() => undefined);
  const text = rows?.rows[0] ? String(Object.values(rows.rows[0])[0] ?? '') : '';
  return text.split(/ on | \(/)[0]?.trim() || undefined;
}

function withRoute(findings: Finding[], query: AuditQuery): Finding[] {
  for (const f of findings) {
    f.location = {
      ...f.location,
      ...(query.route ? { route: query.route } : {}),
      query: query.sql,
    };
  }
  return findings;
}

/**
 * --verify-index for every `db.missing-index` finding of the statement: one statement can have
 * several unindexed filters (the Koa study's list query: favorites and followers), and an index
 * left unmeasured kept its high severity while it saved under a tenth of the statement.
 */
async function verifyMissingIndexes(
  session: DbSession,
  q: AuditQuery,
  e: Explained,
  gains: MeasuredGain[],
  progress: AuditProgress,
) {
  for (const finding of e.findings.filter((f) => f.id === 'db.missing-index'))
    await verifyMissingIndex(session, q, e, finding, gains, progress);
}

async function verifyMissingIndex(
  session: DbSession,
  q: AuditQuery,
  e: Explained,
  finding: Finding,
  gains: MeasuredGain[],
  progress: AuditProgress,
) {
  const measured: IndexMeasurement[] = [];
  for (const candidate of createIndexCandidates(finding, e.plan)) {
    measured.push(await measureIndex(session, q.sql, q.params, candidate));
  }
  if (measured.length === 0) return;
  const best = chooseBestIndex(measured);
  if (!best || !isMeasuredGain(best)) {
    notFaster(finding, measured, best, progress);
    return;
  }
  const speedup = best.afterMs > 0 ? best.beforeMs / best.afterMs : Number.POSITIVE_INFINITY;
  progress.result(
    `verify-index ${best.index.name}: ${best.beforeMs.toFixed(1)} ms → ${best.afterMs.toFixed(2)} ms (${formatSpeedup(speedup)}, ${builtOn(best)})`,
  );
  finding.recommendation = {
    ...finding.recommendation,
    text: `Create the index ${best.index.name} on ${best.index.table} (${best.index.columns.join(', ')}); measured with the real statement: ${best.beforeMs.toFixed(1)} ms → ${best.afterMs.toFixed(2)} ms.`,
    sql: best.index.createSql,
  };
  for (const m of measured) finding.evidence.push(measuredEvidence(m));
  // The measured share of the statement the index saves replaces the plan node's estimate: it is
  // what the finding is ranked by (× the statement's time over the run, common-impact.ts).
  const saved = best.beforeMs > 0 ? Math.max(0, 1 - best.afterMs / best.beforeMs) : 0;
  if (finding.impact)
    finding.impact = {
      ...finding.impact,
      share: saved,
      shareOf: 'statement time',
      description: `${finding.impact.description}; the index saved ${Math.round(saved * 100)}% of the statement (measured)`,
    };
  gains.push({
    findingId: finding.id,
    query: q.sql,
    metric: 'query time',
    before: best.beforeMs,
    after: best.afterMs,
    unit: 'ms',
    source: 'verify-index',
  });
}

/** Where a measured index was built, for the progress lines. */
function builtOn(m: IndexMeasurement | undefined): string {
  return m?.method === 'temporary-copy' ? 'on a temporary copy, dropped' : 'rolled back';
}

/** One measured index as evidence. */
function measuredEvidence(m: IndexMeasurement): Finding['evidence'][number] {
  return {
    label: `verify-index ${m.index.name}`,
    value: `${m.beforeMs.toFixed(2)} ms → ${m.afterMs.toFixed(2)} ms${m.used ? '' : ' (index not used)'}`,
    source:
      m.method === 'temporary-copy'
        ? `ANALYZE on a temporary copy of the table (best of 3 runs${m.verifications > 1 ? `, on each of ${m.verifications} copies` : ''}), dropped`
        : `EXPLAIN ANALYZE in a rolled-back transaction (best of ${m.verifications} runs)`,
  };
}

/** A top-N index that makes the statement at least this many times faster makes the finding high. */
const TOP_N_HIGH_SPEEDUP = 5;

/**
 * The top-N sort finding of a statement, with the index on its sort key: PostgreSQL's
 * `db.top-n-sort`, or MySQL/MariaDB's `db.filesort` when the sort is a top-N over one table (the
 * rule attaches the index only then).
 */
function topNFinding(findings: readonly Finding[]): Finding | undefined {
  return findings.find(
    (f) =>
      (f.id === 'db.top-n-sort' || f.id === 'db.filesort') &&
      (f.data as PlanFindingData | undefined)?.index,
  );
}

/**
 * --verify-index for a top-N sort ({@link topNFinding}): its index on the sort key is built (in a
 * rolled-back transaction; on MySQL/MariaDB on a temporary copy of the table) and the real
 * statement measured with it, as for a missing index. A gain puts the measurement into the advice
 * and into the finding's impact (the share of the statement's time the index saved, measured: it
 * removes the scan as well as the sort node the rule timed), and the finding is high when the
 * statement runs at least {@link TOP_N_HIGH_SPEEDUP}× faster (the sort was the statement: the
 * NestJS study's list query, 124 → 3 ms, was medium on the sort's share alone; on MariaDB the
 * exseq list's filesort was never measured and stayed medium at #6 behind smaller costs); no gain
 * withdraws the advice.
 */
async function verifyTopNIndex(
  session: DbSession,
  q: AuditQuery,
  e: Explained,
  gains: MeasuredGain[],
  progress: AuditProgress,
) {
  const finding = topNFinding(e.findings);
  const index = (finding?.data as PlanFindingData | undefined)?.index;
  if (!finding || !index) return;
  const m = await measureIndex(session, q.sql, q.params, index);
  finding.evidence.push(measuredEvidence(m));
  const result = `${m.beforeMs.toFixed(1)} ms → ${m.afterMs.toFixed(2)} ms`;
  if (!m.used || !isMeasuredGain(m)) {
    progress.result(`verify-index ${index.name}: no gain (${result}, ${builtOn(m)})`);
    finding.title = 'A top-N query sorts its rows, but the index measured does not help';
    finding.severity = 'low';
    finding.recommendation = {
      text: `An index on ${index.table} (${index.columns.join(', ')}) was measured with the real statement and does not make it faster (${m.used ? result : 'the planner did not use it'}): its time goes elsewhere in the plan.`,
      effort: 'low',
    };
    return;
  }
  const speedup = m.afterMs > 0 ? m.beforeMs / m.afterMs : Number.POSITIVE_INFINITY;
  progress.result(
    `verify-index ${index.name}: ${result} (${formatSpeedup(speedup)}, ${builtOn(m)})`,
  );
  if (speedup >= TOP_N_HIGH_SPEEDUP) finding.severity = 'high';
  const saved = 1 - m.afterMs / m.beforeMs;
  if (finding.impact && saved > (finding.impact.share ?? 0))
    finding.impact = {
      ...finding.impact,
      share: saved,
      description: `${finding.impact.description}; the index saved ${Math.round(saved * 100)}% of the statement (${result}, measured)`,
    };
  finding.recommendation = {
    ...finding.recommendation,
    text: `Create the index ${index.name} on ${index.table} (${index.columns.join(', ')}): the query then reads the first rows in index order and stops; measured with the real statement: ${result}.`,
  };
  gains.push({
    findingId: finding.id,
    query: q.sql,
    metric: 'query time',
    before: m.beforeMs,
    after: m.afterMs,
    unit: 'ms',
    source: 'verify-index',
  });
}

/**
 * The rule's index was measured and does not make the statement faster (not used, or no gain):
 * the advice would not run as promised, so it is withdrawn and the finding says what was measured
 * (a real Koa + knex list query: 201 ms → 210 ms with the advised index, its time is the sort).
 */
function notFaster(
  finding: Finding,
  measured: readonly IndexMeasurement[],
  best: IndexMeasurement | undefined,
  progress: AuditProgress,
): void {
  const tried = measured
    .map((m) => `${m.index.table} (${m.index.columns.join(', ')})`)
    .join(' or ');
  const result = best
    ? `${best.beforeMs.toFixed(1)} ms → ${best.afterMs.toFixed(1)} ms`
    : 'the planner did not use it';
  progress.result(`verify-index: ${tried}: no gain (${result}, ${builtOn(measured[0])})`);
  finding.title = 'Filter discards most scanned rows, but the index measured does not help';
  finding.severity = 'low';
  finding.recommendation = {
    text: `An index on ${tried} was measured with the real statement and does not make it faster (${result}): its time goes elsewhere in the plan (see its other findings: a sort, a join, the rows returned).`,
    effort: 'low',
  };
  for (const m of measured) finding.evidence.push(measuredEvidence(m));
}

async function explainConfigured(
  session: DbSession,
  q: AuditQuery,
  options: DbStepOptions,
  gains: MeasuredGain[],
): Promise<Explained> {
  const params = q.params ? [...q.params] : undefined;
  // warmCache: one run before the measured one warms the buffer cache (a service under load has
  // its working set cached); it goes through the same safety check and READ ONLY transaction.
  const report = await explainQuery(q.sql, {
    session,
    warmCache: true,
    analyzeWrites: options.analyzeWrites,
    ...(params ? { params } : {}),
  });
  const e: Explained = {
    sql: q.sql,
    plan: report.plan,
    findings: withRoute(report.findings, q),
    refused: report.safety?.refused ?? [],
  };
  const label = q.name ?? q.sql.slice(0, 60).replace(/\s+/g, ' ');
  options.progress.result(
    report.executed
      ? `${label}: ${planTotalMs(report.plan).toFixed(1)} ms, ${e.findings.map((f) => f.id).join(', ') || 'no plan problem'}`
      : `${label}: not run (EXPLAIN ANALYZE refused), estimated plan: ${e.findings.map((f) => f.id).join(', ') || 'no plan problem'}`,
  );
  if (options.verifyIndex && report.executed) {
    try {
      await verifyMissingIndexes(session, q, e, gains, options.progress);
      await verifyTopNIndex(session, q, e, gains, options.progress);
    } catch (error) {
      // MySQL/MariaDB: a table over the copy limits, no CREATE TEMPORARY TABLES privilege, a
      // write. The finding keeps its estimate; the statement's other findings stay.
      if ((error as { code?: unknown })?.code !== 'DB_VERIFY_REFUSED') throw error;
      options.progress.result(`verify-index: not run: ${(error as Error).message}`);
    }
  }
  return e;
}

async function explainFromProbe(
  session: DbSession,
  options: DbStepOptions,
  seen: Set<string>,
  gains: MeasuredGain[],
): Promise<Finding[]> {
  const out: Finding[] = [];
  const walk = [...(options.probeQueries ?? [])]
    .sort((a, b) => b.totalMs - a.totalMs)
    .slice(0, AUTO_EXPLAIN_WALK);
  let slots = AUTO_EXPLAIN;
  for (const q of walk) {
    if (slots === 0) break;
    if (seen.has(normalizeSql(q.sql))) continue;
    const firstGain = gains.length;
    const { findings, aloneMs } = await explainProbeStatement(session, q, options, gains);
    if (findings.length > 0 || aloneMs === undefined || aloneMs >= CHEAP_ALONE_MS) slots--;
    // Measured with a real execution's text; its findings are filed under the probe's statement.
    for (const g of gains.slice(firstGain)) g.query = q.sql;
    for (const f of findings) {
      f.location = { ...f.location, query: q.sql };
      out.push(withRunTime(f, q.totalMs, q.calls, 'probe'));
    }
  }
  return out;
}

/**
 * The text values of a real execution: its string parameters and the string literals of its text
 * (an ORM may write values into the SQL). They may be e-mails or tokens, and a plan repeats them
 * (`Filter: (email = 'a@b.c')`): findings from a sample never show them.
 */
function sampleStrings(sample: { text: string; params: readonly unknown[] }): string[] {
  const values = sample.params.filter((p): p is string => typeof p === 'string' && p !== '');
  for (const m of sample.text.matchAll(/'((?:[^']|'')+)'/g)) values.push(m[1]!.replace(/''/g, "'"));
  return [...new Set(values)].sort((a, b) => b.length - a.length);
}

/** A copy of `value` with every occurrence of each of `values` in its strings replaced by `<text n>`. */
function scrubValues<T>(value: T, values: readonly string[]): T {
  if (values.length === 0) return value;
  const scrub = (text: string): string =>
    values.reduce((out, v, i) => out.split(v).join(`<text ${i + 1}>`), text);
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return scrub(v);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object')
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(value) as T;
}

/** A read-only statement: what the audit EXPLAIN ANALYZEs from the probe's real executions. */
const READ_ONLY = /^\s*\(?\s*(?:SELECT|WITH)\b/i;
const WRITES =
  /\b(?:INSERT|UPDATE|DELETE|MERGE|FOR\s+(?:NO\s+KEY\s+)?UPDATE|FOR\s+SHARE|nextval|setval)\b/i;

/**
 * The plan findings of one of the probe's top statements. With a real execution (text and
 * parameters, kept by the probe for the audit's private report) of a read-only statement: EXPLAIN
 * ANALYZE in a read-only rolled-back transaction, with measured index advice when asked, as for a
 * configured statement; else the generic plan of the normalised text (estimates only, which
 * rarely show a missing index).
 */
async function explainProbeStatement(
  session: DbSession,
  q: QueryStats,
  options: DbStepOptions,
  gains: MeasuredGain[],
): Promise<{ findings: Finding[]; aloneMs?: number }> {
  const sample = q.sample;
  if (sample && READ_ONLY.test(sample.text) && !WRITES.test(sample.text)) {
    const name = `probe statement ${q.sql.slice(0, 50).replace(/\s+/g, ' ')}`;
    try {
      const e = await explainConfigured(
        session,
        { name, sql: sample.text, params: [...sample.params] },
        options,
        gains,
      );
      if (e.refused.length === 0)
        return {
          findings: e.findings.map((f) => scrubValues(f, sampleStrings(sample))),
          aloneMs: planTotalMs(e.plan),
        };
    } catch {
      // fall back to the generic plan below
    }
  }
  const plan = await explainNormalised(session, q.sql).catch(() => undefined);
  return { findings: plan ? runPlanRules(plan) : [] };
}

/**
 * `f` with its statement's time and calls over the run as evidence (once): what the audit ranks a
 * plan finding by (its share of the statement × that time, src/findings/common-impact.ts).
 */
function withRunTime(f: Finding, totalMs: number, calls: number, source: string): Finding {
  if (f.evidence.some((e) => e.label === 'statement time over the run')) return f;
  f.evidence.push(
    { label: 'statement time over the run', value: Number(totalMs.toFixed(1)), unit: 'ms', source },
    { label: 'calls over the run', value: calls, source },
  );
  return f;
}

async function readStatements(session: DbSession, notes: string[]): Promise<Finding[]> {
  try {
    const top = await topQueries({ session, limit: 10, explain: 3 });
    // The counters were reset when the audit started: their window is the run.
    return top.queries.flatMap((q) =>
      (q.findings ?? []).map((f) => withRunTime(f, q.totalMs, q.calls, top.source)),
    );
  } catch (error) {
    notes.push(`statement statistics unavailable: ${(error as Error).message}`);
    return [];
  }
}

function worstOf(explained: readonly Explained[], options: DbStepOptions): WorstQuery | undefined {
  const worst = [...explained].sort((a, b) => planTotalMs(b.plan) - planTotalMs(a.plan))[0];
  if (!worst) return undefined;
  const w: WorstQuery = {
    engine: worst.plan.engine,
    query: worst.sql,
    totalMs: planTotalMs(worst.plan),
    plan: createPlanTree(worst.plan, worst.findings),
  };
  const stats = options.probeQueries?.find((q) => normalizeSql(q.sql) === normalizeSql(worst.sql));
  if (stats && options.probeRequests) w.callsPerRequest = stats.calls / options.probeRequests;
  return w;
}

/** Runs the DB step; problems (no database, no statistics) become notes, never a failed audit. */
export async function runDbStep(options: DbStepOptions): Promise<DbStepResult> {
  const result: DbStepResult = { findings: [], gains: [], notes: [] };
  let session: DbSession;
  try {
    session = await openDb(parseDbTarget(options.url));
  } catch (error) {
    result.notes.push(`database not examined: ${(error as Error).message}`);
    return result;
  }
  try {
    const version = await readVersion(session);
    result.database = { engine: session.flavor, ...(version ? { version } : {}) };
    const explained: Explained[] = [];
    for (const q of options.queries) {
      try {
        explained.push(await explainConfigured(session, q, options, result.gains));
      } catch (error) {
        result.notes.push(
          `EXPLAIN of ${q.name ?? 'a configured statement'} failed: ${(error as Error).message}`,
        );
      }
    }
    const ok = explained;
    for (const e of ok) {
      if (e.refused.length > 0)
        result.notes.push(`EXPLAIN ANALYZE of ${e.sql} was not run: ${e.refused.join('; ')}`);
    }
    // A configured statement the probe also saw: its time over the run, as for the probe's own.
    for (const e of ok) {
      const stats = options.probeQueries?.find((q) => normalizeSql(q.sql) === normalizeSql(e.sql));
      if (stats) for (const f of e.findings) withRunTime(f, stats.totalMs, stats.calls, 'probe');
    }
    result.findings.push(...ok.flatMap((e) => e.findings));
    result.findings.push(
      ...(await explainFromProbe(
        session,
        options,
        new Set(ok.map((e) => normalizeSql(e.sql))),
        result.gains,
      )),
    );
    if (options.statements && session.kind !== 'pglite')
      result.findings.push(...(await readStatements(session, result.notes)));
    const worst = worstOf(ok, options);
    if (worst) result.worstQuery = worst;
  } finally {
    await session.close().catch(() => {});
  }
  return result;
}
