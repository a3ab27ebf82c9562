/**
 * May EXPLAIN ANALYZE run this statement on PostgreSQL without a lasting effect? Decided from what
 * the server says, never from the statement's text:
 * 1. the plan (EXPLAIN VERBOSE, in a READ ONLY transaction: nothing runs) tells whether it writes
 *    (ModifyTable, LockRows), which tables it writes and every expression it evaluates;
 * 2. a throw-away SQL-standard function with the statement as its body (created and rolled back)
 *    makes the server record in pg_depend every table, view, function, operator and type the
 *    statement references; Redline follows those records through views, rules, policies,
 *    domains and, for written tables, triggers, defaults, checks, indexes, partitions and
 *    cascading foreign keys;
 * 3. every function reached is judged from pg_proc (function-safety.ts); built-ins, which
 *    pg_depend does not record, are found in the server's own deparsed text of the plan and of
 *    those objects.
 * When any step fails or finds something not known to be undone by ROLLBACK, ANALYZE is refused.
 */
import type { DbSession } from '../connection.js';
import { type StatementAssessment, sequenceCaveat } from '../safety.js';
import { type CalledName, calledNames } from '../sql/referenced-names.js';
import { classifyFunction, type FunctionVerdict, type PgFunctionInfo } from './function-safety.js';
import { inRolledBackTransaction } from './transaction.js';

/** Options of {@link assessPostgresStatement}. */
export interface PgAssessOptions {
  params?: readonly unknown[];
  settings?: Readonly<Record<string, string>>;
  timeoutMs: number;
  /**
   * User or extension functions (`name` or `schema.name`) the user vouches for: treated as safe
   * inside a rolled-back transaction (built-ins cannot be vouched for).
   */
  trustedFunctions?: readonly string[];
}

/** Oldest server whose pg_depend records what a SQL-standard function body references. */
const MIN_VERSION_NUM = 140000;
/** More objects than this in the dependency closure: give up (and refuse ANALYZE). */
const MAX_OBJECTS = 5000;
/** Trigger-type bits of pg_trigger.tgtype, reused as "which operations reach a table". */
const OP_INSERT = 4;
const OP_DELETE = 8;
const OP_UPDATE = 16;

let probeCounter = 0;

/** A name unique to this process and call (prepared statements and probe functions). */
export function uniqueIdentifier(prefix: string): string {
  probeCounter = (probeCounter + 1) % 1_000_000;
  return `${prefix}_${process.pid}_${probeCounter}_${Math.floor(Math.random() * 1e6)}`;
}

/** The JSON cell of an EXPLAIN (FORMAT JSON) row (a string on some drivers). */
export function jsonCell(cell: unknown): unknown {
  return typeof cell === 'string' ? JSON.parse(cell) : cell;
}

interface PlanFacts {
  writes: boolean;
  /** `schema.table` → operation bits. */
  written: Map<string, number>;
  /** Every string of the plan (expressions, function calls). */
  text: string;
}

function operationBits(operation: unknown): number {
  switch (String(operation)) {
    case 'Insert':
      return OP_INSERT;
    case 'Update':
      return OP_UPDATE;
    case 'Delete':
      return OP_DELETE;
    default:
      return OP_INSERT | OP_UPDATE | OP_DELETE; // Merge, or anything newer
  }
}

/** Reads what the VERBOSE plan says the statement does. */
export function readPlanFacts(plans: unknown): PlanFacts {
  const facts: PlanFacts = { writes: false, written: new Map(), text: '' };
  const strings: string[] = [];
  const addWritten = (node: Record<string, unknown>, bits: number) => {
    const name = node['Relation Name'];
    if (typeof name !== 'string') return;
    const key = JSON.stringify([String(node['Schema'] ?? ''), name]);
    facts.written.set(key, (facts.written.get(key) ?? 0) | bits);
  };
  const walk = (value: unknown): void => {
    if (typeof value === 'string') {
      strings.push(value);
    } else if (Array.isArray(value)) {
      for (const item of value) walk(item);
    } else if (value && typeof value === 'object') {
      const node = value as Record<string, unknown>;
      const type = node['Node Type'];
      if (type === 'LockRows') facts.writes = true;
      if (type === 'ModifyTable') {
        facts.writes = true;
        const bits = operationBits(node['Operation']);
        addWritten(node, bits);
        for (const target of (node['Target Tables'] as unknown[] | undefined) ?? [])
          if (target && typeof target === 'object')
            addWritten(target as Record<string, unknown>, bits);
      }
      for (const item of Object.values(node)) walk(item);
    }
  };
  walk(plans);
  facts.text = strings.join('\n');
  return facts;
}

/**
 * Assesses `sql` (see the file comment). Runs nothing of the statement: a VERBOSE plan in a READ
 * ONLY transaction, then a probe function created and dropped by a ROLLBACK.
 */
export async function assessPostgresStatement(
  session: DbSession,
  sql: string,
  options: PgAssessOptions,
): Promise<StatementAssessment> {
  const tx = {
    timeoutMs: options.timeoutMs,
    ...(options.settings ? { settings: options.settings } : {}),
  };
  const params = options.params && options.params.length > 0 ? options.params : undefined;
  const first = await inRolledBackTransaction(session, { ...tx, readOnly: true }, async () => {
    const result = await session.query<Record<string, unknown>>(
      `EXPLAIN (VERBOSE, FORMAT JSON) ${sql}`,
      params,
    );
    const version = await session.query<{ v: string }>(
      "SELECT current_setting('server_version_num') AS v",
    );
    return {
      facts: readPlanFacts(jsonCell(result.rows[0]?.['QUERY PLAN'])),
      version: Number(version.rows[0]?.v ?? 0),
    };
  });
  const assessment: StatementAssessment = { writes: first.facts.writes, refused: [], caveats: [] };
  if (first.version < MIN_VERSION_NUM) {
    assessment.refused.push(
      `PostgreSQL ${Math.floor(first.version / 10000)} does not record what a statement calls (Redline needs PostgreSQL 14 or newer to check it)`,
    );
    return assessment;
  }
  const blockers = await eventTriggersOn(session, 'CREATE FUNCTION');
  if (blockers.length > 0) {
    assessment.refused.push(
      `event triggers on CREATE FUNCTION (${blockers.join(', ')}) would run for Redline's dependency check`,
    );
    return assessment;
  }
  try {
    const types = params ? await parameterTypes(session, sql, tx) : [];
    await inRolledBackTransaction(session, { ...tx, readOnly: false }, async () => {
      const trusted = new Set((options.trustedFunctions ?? []).map((n) => n.toLowerCase()));
      await probeDependencies(session, sql, types, first.facts, assessment, trusted);
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    assessment.refused.push(
      `Redline could not list what the statement depends on (${message.split('\n')[0]})`,
    );
  }
  return assessment;
}

/** The parameter types the server infers for `sql` (PREPARE, read back, deallocated). */
async function parameterTypes(
  session: DbSession,
  sql: string,
  tx: { timeoutMs: number; settings?: Readonly<Record<string, string>> },
): Promise<string[]> {
  const name = uniqueIdentifier('redline_types');
  try {
    return await inRolledBackTransaction(session, { ...tx, readOnly: true }, async () => {
      await session.query(`PREPARE ${name} AS ${sql}`);
      const row = await session.query<{ t: string[] | string }>(
        'SELECT parameter_types::text[] AS t FROM pg_prepared_statements WHERE name = $1',
        [name],
      );
      return pgArray(row.rows[0]?.t);
    });
  } finally {
    // Prepared statements outlive transactions.
    await session.query(`DEALLOCATE ${name}`).catch(() => {});
  }
}

/**
 * Enabled event triggers that fire for the DDL command `tag` (Redline's own CREATE FUNCTION probe,
 * or verify-index's CREATE INDEX): they would run code Redline has not checked.
 */
export async function eventTriggersOn(session: DbSession, tag: string): Promise<string[]> {
  const rows = await session.query<{ name: string }>(
    `SELECT evtname AS name FROM pg_event_trigger
      WHERE evtenabled <> 'D' AND evtevent IN ('ddl_command_start', 'ddl_command_end')
        AND (evttags IS NULL OR $1 = ANY (evttags)) ORDER BY 1`,
    [tag],
  );
  return rows.rows.map((r) => r.name);
}

function pgArray(value: string[] | string | undefined): string[] {
  if (Array.isArray(value)) return value;
  if (!value || value === '{}') return [];
  return value
    .slice(1, -1)
    .split(',')
    .map((s) => s.replace(/^"|"$/g, ''));
}

interface ObjectRef {
  cls: string;
  oid: number;
}

const keyOf = (o: ObjectRef) => `${o.cls}:${o.oid}`;

/** Everything inside the probe transaction (see the file comment, steps 2 and 3). */
async function probeDependencies(
  session: DbSession,
  sql: string,
  types: readonly string[],
  facts: PlanFacts,
  assessment: StatementAssessment,
  trusted: ReadonlySet<string>,
): Promise<void> {
  const name = uniqueIdentifier('redline_probe');
  // The statement already planned as exactly one statement; the newline keeps a trailing
  // line comment from swallowing the end of the body.
  await session.query(
    `CREATE FUNCTION pg_temp.${name}(${types.join(', ')}) RETURNS void LANGUAGE sql BEGIN ATOMIC\n${sql}\n; END`,
  );
  const probe = await session.query<{ oid: string }>(
    'SELECT p.oid::int8::text AS oid FROM pg_proc p WHERE p.proname = $1 AND p.pronamespace = pg_my_temp_schema()',
    [name],
  );
  const probeOid = Number(probe.rows[0]?.oid);
  const written = await writtenRelations(session, facts, assessment);
  const seeds: ObjectRef[] = [{ cls: 'pg_proc', oid: probeOid }];
  seeds.push(...(await writtenRelationObjects(session, written)));
  const objects = await dependencyClosure(session, seeds);
  if (objects === undefined) {
    assessment.refused.push(`the statement reaches more than ${MAX_OBJECTS} objects`);
    return;
  }
  objects.delete(keyOf({ cls: 'pg_proc', oid: probeOid }));
  assessment.refused.push(...(await foreignReads(session, objects)));
  const texts = await definitionTexts(session, [...objects.values()]);
  const functionOids = [...objects.values()].filter((o) => o.cls === 'pg_proc').map((o) => o.oid);
  const verdicts = await judgeFunctions(session, functionOids, [facts.text, ...texts], trusted);
  for (const v of verdicts) if (v.kind === 'unsafe') assessment.refused.push(v.reason);
  if (verdicts.some((v) => v.kind === 'sequence')) {
    assessment.writes = true; // nextval cannot run in a READ ONLY transaction
    assessment.caveats.push(sequenceCaveat(await sequenceNames(session, objects, written)));
  }
  assessment.refused = [...new Set(assessment.refused)];
}

/** Written tables (from the plan) plus partitions and tables reached by cascading foreign keys. */
async function writtenRelations(
  session: DbSession,
  facts: PlanFacts,
  assessment: StatementAssessment,
): Promise<Map<number, number>> {
  const written = new Map<number, number>();
  if (facts.written.size === 0) return written;
  const keys = [...facts.written.keys()].map((k) => JSON.parse(k) as [string, string]);
  const resolved = await session.query<{ oid: string; kind: string; label: string; i: number }>(
    `SELECT c.oid::int8::text AS oid, c.relkind::text AS kind, format('%I.%I', n.nspname, c.relname) AS label, u.i::int AS i
       FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS u(s, r, i)
       JOIN pg_class c ON c.relname = u.r JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE (u.s = '' AND pg_table_is_visible(c.oid)) OR n.nspname = u.s`,
    [keys.map((k) => k[0]), keys.map((k) => k[1])],
  );
  for (const row of resolved.rows) {
    const bits = facts.written.get(JSON.stringify(keys[row.i - 1])) ?? 0;
    written.set(Number(row.oid), (written.get(Number(row.oid)) ?? 0) | bits);
    if (row.kind === 'f')
      assessment.refused.push(
        `it writes the foreign table ${row.label}, whose server may not roll back`,
      );
  }
  for (let round = 0; round < 50; round++) {
    const rels = [...written.keys()];
    const more = await session.query<{ rel: string; ops: number; kind: string; label: string }>(
      `WITH w AS (SELECT * FROM unnest($1::oid[], $2::int[]) AS u(rel, ops))
       SELECT x.rel::int8::text AS rel, x.ops, c.relkind::text AS kind, format('%s', c.oid::regclass) AS label FROM (
         SELECT i.inhrelid AS rel, w.ops FROM w JOIN pg_inherits i ON i.inhparent = w.rel
         UNION ALL
         SELECT k.conrelid,
                (CASE WHEN w.ops & ${OP_DELETE} <> 0 AND k.confdeltype = 'c' THEN ${OP_DELETE} ELSE 0 END)
              | (CASE WHEN (w.ops & ${OP_DELETE} <> 0 AND k.confdeltype IN ('n', 'd'))
                        OR (w.ops & ${OP_UPDATE} <> 0 AND k.confupdtype IN ('c', 'n', 'd')) THEN ${OP_UPDATE} ELSE 0 END)
           FROM w JOIN pg_constraint k ON k.contype = 'f' AND k.confrelid = w.rel
       ) x JOIN pg_class c ON c.oid = x.rel WHERE x.ops <> 0`,
      [rels, rels.map((r) => written.get(r) ?? 0)],
    );
    let changed = false;
    for (const row of more.rows) {
      const rel = Number(row.rel);
      const before = written.get(rel) ?? 0;
      const after = before | row.ops;
      if (after !== before) {
        written.set(rel, after);
        changed = true;
        if (row.kind === 'f')
          assessment.refused.push(
            `it writes the foreign table ${row.label}, whose server may not roll back`,
          );
      }
    }
    if (!changed) break;
  }
  return written;
}

/** What runs when a table is written: its triggers, rules, defaults, checks, index expressions. */
async function writtenRelationObjects(
  session: DbSession,
  written: Map<number, number>,
): Promise<ObjectRef[]> {
  if (written.size === 0) return [];
  const rels = [...written.keys()];
  const rows = await session.query<{ cls: string; oid: string }>(
    `WITH w AS (SELECT * FROM unnest($1::oid[], $2::int[]) AS u(rel, ops))
     SELECT 'pg_class' AS cls, w.rel::int8::text AS oid FROM w
     UNION ALL SELECT 'pg_trigger', t.oid::int8::text FROM w JOIN pg_trigger t
       ON t.tgrelid = w.rel AND t.tgenabled <> 'D' AND (t.tgtype::int & w.ops) <> 0
     UNION ALL SELECT 'pg_attrdef', d.oid::int8::text FROM w JOIN pg_attrdef d ON d.adrelid = w.rel
       JOIN pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum
      WHERE w.ops & ${OP_INSERT} <> 0 OR a.attgenerated <> ''
     UNION ALL SELECT 'pg_constraint', k.oid::int8::text FROM w JOIN pg_constraint k ON k.conrelid = w.rel AND k.contype = 'c'
     UNION ALL SELECT 'pg_class', i.indexrelid::int8::text FROM w JOIN pg_index i ON i.indrelid = w.rel
     UNION ALL SELECT 'pg_rewrite', r.oid::int8::text FROM w JOIN pg_rewrite r ON r.ev_class = w.rel
      WHERE (r.ev_type = '2' AND w.ops & ${OP_UPDATE} <> 0) OR (r.ev_type = '3' AND w.ops & ${OP_INSERT} <> 0)
         OR (r.ev_type = '4' AND w.ops & ${OP_DELETE} <> 0)`,
    [rels, rels.map((r) => written.get(r) ?? 0)],
  );
  return rows.rows.map((r) => ({ cls: r.cls, oid: Number(r.oid) }));
}

/**
 * Follows pg_depend from `seeds` (plus the edges pg_depend does not hold: a relation's SELECT
 * rule — a view's query — and policies, a domain's constraints). Built-in objects are pinned and have no records, so the walk
 * stays within user and extension objects. Undefined when it grows past {@link MAX_OBJECTS}.
 */
async function dependencyClosure(
  session: DbSession,
  seeds: ObjectRef[],
): Promise<Map<string, ObjectRef> | undefined> {
  const seen = new Map<string, ObjectRef>();
  for (const o of seeds) seen.set(keyOf(o), o);
  let frontier = [...seen.values()];
  while (frontier.length > 0) {
    const rows = await session.query<{ cls: string; oid: string }>(
      `WITH f AS (SELECT c::regclass AS classid, o AS objid FROM unnest($1::text[], $2::oid[]) AS u(c, o))
       SELECT d.refclassid::regclass::text AS cls, d.refobjid::int8::text AS oid
         FROM f JOIN pg_depend d ON d.classid = f.classid AND d.objid = f.objid
        WHERE d.deptype IN ('n', 'a', 'i')
          AND d.refclassid = ANY (ARRAY['pg_class', 'pg_proc', 'pg_operator', 'pg_type', 'pg_rewrite',
                'pg_trigger', 'pg_policy', 'pg_attrdef', 'pg_constraint', 'pg_cast']::regclass[])
       UNION
       SELECT 'pg_rewrite', r.oid::int8::text FROM f JOIN pg_rewrite r
           ON f.classid = 'pg_class'::regclass AND r.ev_class = f.objid AND r.ev_type = '1'
       UNION
       SELECT 'pg_policy', p.oid::int8::text FROM f JOIN pg_policy p ON f.classid = 'pg_class'::regclass AND p.polrelid = f.objid
       UNION
       SELECT 'pg_constraint', k.oid::int8::text FROM f JOIN pg_constraint k ON f.classid = 'pg_type'::regclass AND k.contypid = f.objid`,
      [frontier.map((o) => o.cls), frontier.map((o) => o.oid)],
    );
    const next: ObjectRef[] = [];
    for (const row of rows.rows) {
      const ref = { cls: row.cls, oid: Number(row.oid) };
      if (seen.has(keyOf(ref))) continue;
      seen.set(keyOf(ref), ref);
      next.push(ref);
    }
    if (seen.size > MAX_OBJECTS) return undefined;
    frontier = next;
  }
  return seen;
}

/**
 * Foreign tables read through a wrapper other than postgres_fdw: file_fdw's `program` option, for
 * one, runs a shell command on every scan. (Writes to any foreign table are refused earlier.)
 */
async function foreignReads(
  session: DbSession,
  objects: Map<string, ObjectRef>,
): Promise<string[]> {
  const relations = [...objects.values()].filter((o) => o.cls === 'pg_class').map((o) => o.oid);
  if (relations.length === 0) return [];
  const rows = await session.query<{ label: string; fdw: string }>(
    `SELECT format('%s', c.oid::regclass) AS label, w.fdwname AS fdw
       FROM pg_class c JOIN pg_foreign_table f ON f.ftrelid = c.oid
       JOIN pg_foreign_server s ON s.oid = f.ftserver JOIN pg_foreign_data_wrapper w ON w.oid = s.srvfdw
      WHERE c.oid = ANY($1::oid[]) AND w.fdwname <> 'postgres_fdw'`,
    [relations],
  );
  return rows.rows.map(
    (r) =>
      `it reads the foreign table ${r.label} through ${r.fdw}, which may run code outside the database`,
  );
}

/** The server's deparsed text of rules, triggers, defaults, checks, policies and indexes. */
async function definitionTexts(session: DbSession, objects: ObjectRef[]): Promise<string[]> {
  const wanted = objects.filter((o) =>
    ['pg_rewrite', 'pg_trigger', 'pg_attrdef', 'pg_constraint', 'pg_policy', 'pg_class'].includes(
      o.cls,
    ),
  );
  if (wanted.length === 0) return [];
  const rows = await session.query<{ text: string | null }>(
    `WITH o AS (SELECT c::regclass AS classid, x AS objid FROM unnest($1::text[], $2::oid[]) AS u(c, x))
     SELECT CASE o.classid
       WHEN 'pg_rewrite'::regclass THEN pg_get_ruledef(o.objid)
       WHEN 'pg_trigger'::regclass THEN pg_get_triggerdef(o.objid)
       WHEN 'pg_constraint'::regclass THEN pg_get_constraintdef(o.objid)
       WHEN 'pg_attrdef'::regclass THEN (SELECT pg_get_expr(d.adbin, d.adrelid) FROM pg_attrdef d WHERE d.oid = o.objid)
       WHEN 'pg_policy'::regclass THEN (SELECT concat_ws(' ', pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid)) FROM pg_policy p WHERE p.oid = o.objid)
       WHEN 'pg_class'::regclass THEN (SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i WHERE i.indexrelid = o.objid)
     END AS text FROM o`,
    [wanted.map((o) => o.cls), wanted.map((o) => o.oid)],
  );
  return rows.rows.map((r) => r.text ?? '').filter((t) => t !== '');
}

interface FunctionRow extends PgFunctionInfo {
  body: string | null;
}

const FUNCTION_COLUMNS = `p.oid::int8 AS oid, n.nspname AS schema, p.proname AS name,
  p.provolatile::text AS volatility, l.lanname AS language, l.lanpltrusted AS trusted,
  (p.prosqlbody IS NOT NULL) AS atomic, (p.oid < 16384) AS builtin, e.extname AS extension,
  (p.prorettype = 'trigger'::regtype) AS "returnsTrigger",
  CASE WHEN p.prosqlbody IS NOT NULL THEN pg_get_function_sqlbody(p.oid)
       WHEN p.oid >= 16384 THEN p.prosrc END AS body`;

const FUNCTION_FROM = `pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
  JOIN pg_language l ON l.oid = p.prolang
  LEFT JOIN pg_depend x ON x.classid = 'pg_proc'::regclass AND x.objid = p.oid AND x.deptype = 'e'
  LEFT JOIN pg_extension e ON e.oid = x.refobjid`;

/**
 * Functions named in server-deparsed `texts` (resolved as the server would: unqualified names
 * through the search path, qualified names in their schema) plus `oids`, then the functions named
 * in their bodies (in any schema: a body is the user's own text), recursively.
 */
async function judgeFunctions(
  session: DbSession,
  oids: number[],
  texts: string[],
  trusted: ReadonlySet<string>,
): Promise<FunctionVerdict[]> {
  const called = texts.flatMap((t) => calledNames(t));
  const rows = await session.query<FunctionRow>(
    `SELECT ${FUNCTION_COLUMNS} FROM ${FUNCTION_FROM}
      WHERE p.oid = ANY($1::oid[])
         OR (p.proname = ANY($2::text[]) AND pg_function_is_visible(p.oid))
         OR (n.nspname::text, p.proname::text) IN (SELECT * FROM unnest($3::text[], $4::text[]))`,
    [
      oids,
      called.filter((c) => !c.schema).map((c) => c.name),
      called.filter((c) => c.schema).map((c) => c.schema as string),
      called.filter((c) => c.schema).map((c) => c.name),
    ],
  );
  const verdicts: FunctionVerdict[] = [];
  const visited = new Set<string>();
  let pending: Array<{ f: FunctionRow; declaredBy?: PgFunctionInfo }> = rows.rows.map((f) => ({
    f: normaliseRow(f),
  }));
  for (let depth = 0; pending.length > 0 && depth < 20; depth++) {
    const next: CalledName[] = [];
    const declarers: Array<PgFunctionInfo | undefined> = [];
    for (const { f, declaredBy } of pending) {
      const key = `${f.oid}:${declaredBy?.oid ?? ''}`;
      if (visited.has(key)) continue;
      visited.add(key);
      const vouched =
        !f.builtin &&
        (trusted.has(f.name.toLowerCase()) || trusted.has(`${f.schema}.${f.name}`.toLowerCase()));
      if (vouched) continue; // the user vouches for it (and for what it calls)
      verdicts.push(classifyFunction(f, declaredBy));
      if (f.builtin || f.extension || f.body === null) continue;
      if (f.volatility === 'v' && !f.atomic) continue; // already refused: VOLATILE and opaque
      for (const c of calledNames(f.body)) {
        next.push(c);
        // Inside a STABLE/IMMUTABLE function, calling anything volatile breaks its declaration.
        declarers.push(declaredBy ?? (f.volatility === 'v' ? undefined : f));
      }
    }
    pending = [];
    if (next.length === 0) break;
    const found = await session.query<FunctionRow>(
      `SELECT u.i::int AS i, ${FUNCTION_COLUMNS}
         FROM unnest($1::text[]) WITH ORDINALITY AS u(name, i), ${FUNCTION_FROM}
        WHERE p.proname = u.name`,
      [next.map((c) => c.name)],
    );
    pending = found.rows.map((row) => {
      const declaredBy = declarers[(row as unknown as { i: number }).i - 1];
      return declaredBy ? { f: normaliseRow(row), declaredBy } : { f: normaliseRow(row) };
    });
  }
  if (pending.length > 0) {
    verdicts.push({ kind: 'unsafe', reason: 'functions call each other more than 20 levels deep' });
  }
  return verdicts;
}

function normaliseRow(row: FunctionRow): FunctionRow {
  return { ...row, oid: Number(row.oid) };
}

/** Sequences the statement may advance: referenced ones and those owned by tables it inserts into. */
async function sequenceNames(
  session: DbSession,
  objects: Map<string, ObjectRef>,
  written: Map<number, number>,
): Promise<string[]> {
  const relations = [...objects.values()].filter((o) => o.cls === 'pg_class').map((o) => o.oid);
  const inserted = [...written].filter(([, ops]) => ops & OP_INSERT).map(([rel]) => rel);
  const rows = await session.query<{ name: string }>(
    `SELECT DISTINCT format('%s', c.oid::regclass) AS name FROM pg_class c
      WHERE c.relkind = 'S' AND (c.oid = ANY($1::oid[]) OR c.oid IN (
        SELECT d.objid FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
           AND d.refclassid = 'pg_class'::regclass AND d.refobjid = ANY($2::oid[]) AND d.deptype IN ('a', 'i')))
      ORDER BY 1`,
    [relations, inserted],
  );
  return rows.rows.map((r) => r.name);
}
