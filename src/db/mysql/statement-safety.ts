/**
 * What a MySQL/MariaDB statement can reach, from the server's own metadata: the tables, views,
 * stored routines, UDFs and triggers in information_schema (and mysql.func) that the statement —
 * or a view, routine or trigger it reaches — may name. Neither server can build an identifier
 * at run time inside one statement, a view, a stored function or a trigger (dynamic SQL is
 * refused there), so every object they touch is spelled in one of those texts: matching the
 * metadata against every identifier-like word of the texts (comments, strings and executable
 * comments included) over-approximates what can run. A table `s.t` counts when `t` is named and
 * `s` is either named too or the text's default schema.
 *
 * The decisions (explain.ts): the server says whether the statement writes (a READ ONLY
 * transaction refuses it before it starts); writes reaching a table whose engine cannot roll back
 * (information_schema.ENGINES.TRANSACTIONS), a sequence, or an operation no transaction undoes
 * (files, user locks, global variables) are not run.
 */
import type { DbSession } from '../connection.js';
import { identifierWords, mayReference } from '../sql/referenced-names.js';

/** A table, view or sequence the statement may reach. */
export interface ReachedTable {
  schema: string;
  name: string;
  /** `BASE TABLE`, `VIEW`, `SEQUENCE`, `SYSTEM VIEW`, ... */
  type: string;
  engine: string | null;
  /** information_schema.ENGINES.TRANSACTIONS = 'YES'. */
  transactional: boolean;
  /** Has an AUTO_INCREMENT column. */
  autoIncrement: boolean;
  /** Stored routines (`schema.name`) whose bodies — or what they reach — name this table. */
  owners: Set<string>;
}

/** A stored function or procedure the statement may reach. */
export interface ReachedRoutine {
  schema: string;
  name: string;
  type: string;
  dataAccess: string;
  /** Null when the server does not show the definition to this user. */
  body: string | null;
  /** Reached only through a trigger (it runs when the statement executes, not when it is planned). */
  viaTrigger: boolean;
}

/** Everything reached. */
export interface MysqlReach {
  tables: ReachedTable[];
  routines: ReachedRoutine[];
  udfs: string[];
  /** `schema.trigger (EVENT on schema.table)`. */
  triggers: string[];
  /** Every word of every text reached (statement, views, routines, triggers). */
  words: Set<string>;
}

interface Text {
  text: string;
  words: Set<string>;
  /** The schema unqualified names resolve in. */
  schema: string;
  /** Routines whose execution runs (or reads) this text. */
  owners: Set<string>;
  viaTrigger: boolean;
}

/** A name of `schema`.`name` for messages. */
export function qualified(schema: string, name: string): string {
  return `${schema}.${name}`;
}

/** Builds `IN (?, ?, ...)` for `values` (`(NULL)` when empty: matches nothing). */
function placeholders(values: readonly unknown[]): string {
  return values.length === 0 ? '(NULL)' : `(${values.map(() => '?').join(', ')})`;
}

const ODD_NAME = "'[^0-9A-Za-z_$]'";

function union<T>(sets: Iterable<Set<T>>, ...extra: T[]): Set<T> {
  const out = new Set<T>(extra);
  for (const set of sets) for (const v of set) out.add(v);
  return out;
}

/**
 * Walks from `sql` (default schema `database`) through views, routines and, with
 * `includeTriggers`, the triggers of reached tables whose event (INSERT/UPDATE/DELETE) is named
 * somewhere in the reached texts.
 */
export async function reachFromStatement(
  session: DbSession,
  sql: string,
  database: string,
  includeTriggers: boolean,
): Promise<MysqlReach> {
  const reach: MysqlReach = { tables: [], routines: [], udfs: [], triggers: [], words: new Set() };
  const tables = new Map<string, ReachedTable>();
  const seen = new Set<string>();
  const queried = new Set<string>();
  const texts: Text[] = [];
  let pending: Text[] = [
    {
      text: sql,
      words: identifierWords(sql),
      schema: database.toLowerCase(),
      owners: new Set(),
      viaTrigger: false,
    },
  ];
  for (let round = 0; pending.length > 0 && round < 50; round++) {
    texts.push(...pending);
    for (const t of pending) for (const w of t.words) reach.words.add(w);
    const fresh = [...reach.words].filter((w) => !queried.has(w));
    for (const w of fresh) queried.add(w);
    const next: Text[] = [];
    const reachedBy = (schema: string, name: string) =>
      texts.filter(
        (t) =>
          mayReference(t.text, t.words, name) &&
          (schema.toLowerCase() === t.schema || mayReference(t.text, t.words, schema)),
      );
    // Every round re-checks all candidates: a new text may reach an older candidate.
    for (const candidate of await candidateTables(session, [...queried])) {
      const key = qualified(candidate.schema, candidate.name);
      const by = reachedBy(candidate.schema, candidate.name);
      if (by.length === 0) continue;
      const table = tables.get(key) ?? { ...candidate, owners: new Set<string>() };
      const owners = union(by.map((t) => t.owners));
      const grew = [...owners].some((o) => !table.owners.has(o));
      for (const o of owners) table.owners.add(o);
      if (!tables.has(key)) tables.set(key, table);
      else if (!grew) continue;
      if (table.type === 'VIEW') {
        const def = await viewDefinition(session, table.schema, table.name);
        next.push({
          text: def,
          words: identifierWords(def),
          schema: table.schema.toLowerCase(),
          owners: new Set(table.owners),
          viaTrigger: by.every((t) => t.viaTrigger),
        });
      }
    }
    for (const routine of await candidateRoutines(session, fresh)) {
      const key = `routine:${qualified(routine.schema, routine.name)}`;
      if (seen.has(key)) continue;
      const by = reachedBy(routine.schema, routine.name);
      if (by.length === 0) continue;
      seen.add(key);
      const viaTrigger = by.every((t) => t.viaTrigger);
      reach.routines.push({ ...routine, viaTrigger });
      const body = routine.body ?? '';
      const owner = qualified(routine.schema, routine.name);
      next.push({
        text: body,
        words: identifierWords(body),
        schema: routine.schema.toLowerCase(),
        owners: union(
          by.map((t) => t.owners),
          owner,
        ),
        viaTrigger,
      });
    }
    for (const udf of await candidateUdfs(session, fresh)) {
      if (!reach.udfs.includes(udf)) reach.udfs.push(udf);
    }
    if (includeTriggers) {
      for (const trigger of await triggersOf(session, [...tables.values()], reach.words)) {
        const key = `trigger:${qualified(trigger.schema, trigger.name)}`;
        if (seen.has(key)) continue;
        seen.add(key);
        reach.triggers.push(
          `${qualified(trigger.schema, trigger.name)} (${trigger.event} on ${trigger.table})`,
        );
        next.push({
          text: trigger.body,
          words: identifierWords(trigger.body),
          schema: trigger.schema.toLowerCase(),
          owners: new Set(tables.get(trigger.table)?.owners ?? []),
          viaTrigger: true,
        });
      }
    }
    pending = next;
  }
  reach.tables = [...tables.values()];
  return reach;
}

async function candidateTables(
  session: DbSession,
  words: string[],
): Promise<Array<Omit<ReachedTable, 'owners'>>> {
  const rows = await session.query<{
    s: string;
    n: string;
    type: string;
    engine: string | null;
    tx: string | null;
    ai: number | string;
  }>(
    `SELECT t.TABLE_SCHEMA AS s, t.TABLE_NAME AS n, t.TABLE_TYPE AS type, t.ENGINE AS engine,
            (SELECT e.TRANSACTIONS FROM information_schema.ENGINES e WHERE e.ENGINE = t.ENGINE) AS tx,
            EXISTS (SELECT 1 FROM information_schema.COLUMNS c WHERE c.TABLE_SCHEMA = t.TABLE_SCHEMA
                      AND c.TABLE_NAME = t.TABLE_NAME AND c.EXTRA LIKE '%auto_increment%') AS ai
       FROM information_schema.TABLES t
      WHERE LOWER(t.TABLE_NAME) IN ${placeholders(words)} OR t.TABLE_NAME REGEXP ${ODD_NAME}`,
    words,
  );
  return rows.rows.map((r) => ({
    schema: r.s,
    name: r.n,
    type: r.type,
    engine: r.engine,
    transactional: r.tx === 'YES',
    autoIncrement: Number(r.ai) === 1,
  }));
}

async function viewDefinition(session: DbSession, schema: string, name: string): Promise<string> {
  const rows = await session.query<{ d: string | null }>(
    'SELECT VIEW_DEFINITION AS d FROM information_schema.VIEWS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?',
    [schema, name],
  );
  // An unreadable definition: fall back to every name (the view is still checked as a table).
  return rows.rows[0]?.d ?? '';
}

async function candidateRoutines(
  session: DbSession,
  words: string[],
): Promise<Array<Omit<ReachedRoutine, 'viaTrigger'>>> {
  const rows = await session.query<{
    s: string;
    n: string;
    type: string;
    access: string;
    body: string | null;
  }>(
    `SELECT ROUTINE_SCHEMA AS s, ROUTINE_NAME AS n, ROUTINE_TYPE AS type, SQL_DATA_ACCESS AS access,
            ROUTINE_DEFINITION AS body
       FROM information_schema.ROUTINES
      WHERE LOWER(ROUTINE_NAME) IN ${placeholders(words)} OR ROUTINE_NAME REGEXP ${ODD_NAME}`,
    words,
  );
  return rows.rows.map((r) => ({
    schema: r.s,
    name: r.n,
    type: r.type,
    dataAccess: r.access,
    body: r.body,
  }));
}

async function candidateUdfs(session: DbSession, words: string[]): Promise<string[]> {
  if (words.length === 0) return [];
  try {
    const rows = await session.query<{ n: string }>(
      `SELECT name AS n FROM mysql.func WHERE LOWER(name) IN ${placeholders(words)}`,
      words,
    );
    return rows.rows.map((r) => r.n);
  } catch {
    return []; // mysql.func is readable by administrators only; UDFs need one to be installed
  }
}

async function triggersOf(
  session: DbSession,
  tables: ReadonlyArray<Omit<ReachedTable, 'owners'>>,
  words: ReadonlySet<string>,
): Promise<Array<{ schema: string; name: string; event: string; table: string; body: string }>> {
  const base = tables.filter((t) => t.type === 'BASE TABLE');
  if (base.length === 0) return [];
  const rows = await session.query<{
    s: string;
    n: string;
    ev: string;
    ts: string;
    tn: string;
    body: string;
  }>(
    `SELECT TRIGGER_SCHEMA AS s, TRIGGER_NAME AS n, EVENT_MANIPULATION AS ev,
            EVENT_OBJECT_SCHEMA AS ts, EVENT_OBJECT_TABLE AS tn, ACTION_STATEMENT AS body
       FROM information_schema.TRIGGERS
      WHERE ${base.map(() => '(EVENT_OBJECT_SCHEMA = ? AND EVENT_OBJECT_TABLE = ?)').join(' OR ')}`,
    base.flatMap((t) => [t.schema, t.name]),
  );
  // A trigger fires only for its event: INSERT (also REPLACE, LOAD), UPDATE (also ON DUPLICATE
  // KEY UPDATE), DELETE (also REPLACE, cascades are InnoDB-only and stay transactional).
  const fires = (event: string) => {
    const e = event.toLowerCase();
    return words.has(e) || (e !== 'update' && words.has('replace'));
  };
  return rows.rows
    .filter((r) => fires(r.ev))
    .map((r) => ({
      schema: r.s,
      name: r.n,
      event: r.ev,
      table: qualified(r.ts, r.tn),
      body: r.body,
    }));
}

/** Words that name an operation a rollback does not undo, when they appear in the statement. */
const STATEMENT_DENYLIST = [
  'outfile',
  'dumpfile',
  'get_lock',
  'release_lock',
  'release_all_locks',
  'setval',
  'nextval',
  'master_pos_wait',
  'master_gtid_wait',
];

/** The same, for routine and trigger bodies (which may also change server state). */
const BODY_DENYLIST = [
  ...STATEMENT_DENYLIST,
  'global',
  'kill',
  'flush',
  'shutdown',
  'purge',
  'reset',
  'install',
  'uninstall',
  'grant',
  'revoke',
];

/** Operations in `words`/`text` that no transaction undoes. */
export function nonTransactionalOperations(
  text: string,
  words: ReadonlySet<string>,
  inBody: boolean,
): string[] {
  const hits = (inBody ? BODY_DENYLIST : STATEMENT_DENYLIST).filter((w) => words.has(w));
  if (/next\s+value\s+for/i.test(text) && !hits.includes('nextval')) hits.push('NEXT VALUE FOR');
  return hits.map((w) => w.toUpperCase());
}
