/**
 * Which PostgreSQL functions a rolled-back EXPLAIN ANALYZE may call. Decided from pg_proc (the
 * server's own volatility, language and extension records), with a closed list of volatile
 * built-ins whose effects a ROLLBACK undoes. Anything else volatile is "not known safe".
 */

/** What pg_proc says about one function (see statement-safety.ts for the query). */
export interface PgFunctionInfo {
  oid: number;
  schema: string;
  name: string;
  /** `i` immutable, `s` stable, `v` volatile. */
  volatility: string;
  /** Language name (`internal`, `c`, `sql`, `plpgsql`, `plpython3u`, ...). */
  language: string;
  /** pg_language.lanpltrusted. */
  trusted: boolean;
  /** SQL-standard body (BEGIN ATOMIC / RETURN expr): the server tracks its dependencies. */
  atomic: boolean;
  /** Created by initdb (pg_catalog / information_schema). */
  builtin: boolean;
  /** The extension the function belongs to, when it does. */
  extension: string | null;
  returnsTrigger: boolean;
}

/** The verdict on one function. */
export type FunctionVerdict =
  | { kind: 'safe' }
  | { kind: 'sequence' }
  | { kind: 'unsafe'; reason: string };

/** Built-in functions that advance a sequence: allowed, with a caveat (a rollback does not undo them). */
const SEQUENCE_ADVANCING = new Set(['nextval']);

/**
 * Volatile built-ins whose effects are transactional or nil: clocks and random numbers, reading
 * sequences, sizes and server state, transaction-scoped locks, NOTIFY (sent only on commit),
 * set_config (reverted by ROLLBACK), large-object calls (stored in pg_largeobject, transactional),
 * sleeping (bounded by statement_timeout). Anything volatile not listed here is refused.
 */
const TRANSACTIONAL_VOLATILE_BUILTINS = new Set([
  'bernoulli',
  'clock_timestamp',
  'currval',
  'current_query',
  'gen_random_uuid',
  'lastval',
  'lo_close',
  'lo_creat',
  'lo_create',
  'lo_from_bytea',
  'lo_get',
  'lo_lseek',
  'lo_lseek64',
  'lo_open',
  'lo_put',
  'lo_tell',
  'lo_tell64',
  'lo_truncate',
  'lo_truncate64',
  'lo_unlink',
  'loread',
  'lowrite',
  'pg_advisory_xact_lock',
  'pg_advisory_xact_lock_shared',
  'pg_blocking_pids',
  'pg_current_wal_flush_lsn',
  'pg_current_wal_insert_lsn',
  'pg_current_wal_lsn',
  'pg_database_size',
  'pg_indexes_size',
  'pg_is_in_recovery',
  'pg_jit_available',
  'pg_last_wal_receive_lsn',
  'pg_last_wal_replay_lsn',
  'pg_last_xact_replay_timestamp',
  'pg_lock_status',
  'pg_notification_queue_usage',
  'pg_notify',
  'pg_partition_ancestors',
  'pg_partition_tree',
  'pg_relation_size',
  'pg_safe_snapshot_blocking_pids',
  'pg_sequence_last_value',
  'pg_sleep',
  'pg_sleep_for',
  'pg_sleep_until',
  'pg_stat_clear_snapshot',
  'pg_stat_get_xact_blocks_fetched',
  'pg_stat_get_xact_blocks_hit',
  'pg_stat_get_xact_function_calls',
  'pg_stat_get_xact_function_self_time',
  'pg_stat_get_xact_function_total_time',
  'pg_stat_get_xact_numscans',
  'pg_stat_get_xact_tuples_deleted',
  'pg_stat_get_xact_tuples_fetched',
  'pg_stat_get_xact_tuples_hot_updated',
  'pg_stat_get_xact_tuples_inserted',
  'pg_stat_get_xact_tuples_returned',
  'pg_stat_get_xact_tuples_updated',
  'pg_table_size',
  'pg_tablespace_size',
  'pg_total_relation_size',
  'pg_try_advisory_xact_lock',
  'pg_try_advisory_xact_lock_shared',
  'pg_xact_commit_timestamp',
  'pg_xact_status',
  'random',
  'random_normal',
  'set_config',
  'setseed',
  'system',
  'timeofday',
  'txid_status',
]);

/** Volatile extension functions known to have no lasting effect (random values only). */
const SAFE_EXTENSION_FUNCTIONS = new Set([
  'pgcrypto.gen_random_bytes',
  'pgcrypto.gen_random_uuid',
  'pgcrypto.gen_salt',
  'uuid-ossp.uuid_generate_v1',
  'uuid-ossp.uuid_generate_v1mc',
  'uuid-ossp.uuid_generate_v4',
]);

/** `schema.name()` for messages. */
export function functionLabel(f: Pick<PgFunctionInfo, 'schema' | 'name'>): string {
  return `${f.schema}.${f.name}()`;
}

/**
 * Classifies one function the statement may call. `declaredBy` is set when the function was
 * found inside the body of a function declared STABLE/IMMUTABLE: calling anything volatile from
 * there is a lie about that declaration, so even a sequence call is refused.
 */
export function classifyFunction(f: PgFunctionInfo, declaredBy?: PgFunctionInfo): FunctionVerdict {
  const label = functionLabel(f);
  const inside = declaredBy
    ? ` (called by ${functionLabel(declaredBy)}, which is declared ${declaredBy.volatility === 'i' ? 'IMMUTABLE' : 'STABLE'})`
    : '';
  if (f.builtin) {
    if (f.volatility !== 'v' || f.returnsTrigger) return { kind: 'safe' };
    if (SEQUENCE_ADVANCING.has(f.name)) {
      return declaredBy
        ? { kind: 'unsafe', reason: `${label} advances a sequence${inside}` }
        : { kind: 'sequence' };
    }
    if (TRANSACTIONAL_VOLATILE_BUILTINS.has(f.name)) return { kind: 'safe' };
    return {
      kind: 'unsafe',
      reason: `${label} is a volatile built-in whose effect a rollback does not undo (or that Redline does not know to be undone)${inside}`,
    };
  }
  if (f.extension) {
    if (f.volatility !== 'v' || SAFE_EXTENSION_FUNCTIONS.has(`${f.extension}.${f.name}`))
      return { kind: 'safe' };
    return {
      kind: 'unsafe',
      reason: `${label} (extension ${f.extension}) is VOLATILE and may act outside this transaction${inside}`,
    };
  }
  if (f.atomic) return { kind: 'safe' }; // its body's dependencies are analysed as the statement's
  if (!f.trusted) {
    return {
      kind: 'unsafe',
      reason: `${label} is written in ${f.language}, which can act outside the database${inside}`,
    };
  }
  if (f.volatility === 'v') {
    return {
      kind: 'unsafe',
      reason: `${label} is VOLATILE (${f.language}): Redline cannot tell what it changes${inside} — declare it STABLE if it only reads, or pass --trust-function ${f.schema}.${f.name} if it changes nothing outside this database`,
    };
  }
  return { kind: 'safe' }; // STABLE/IMMUTABLE in a trusted language: its body is scanned too
}
