/** The demo's database handle: one small interface over a PGlite instance or a pg Pool, with a query counter. */

/** Which engine serves the demo: the embedded PGlite (default) or a real PostgreSQL. */
export type DemoDatabaseKind = 'pglite' | 'postgres';

/** One executed query, as reported to {@link DemoDatabase.onQuery} listeners. */
export interface DemoQueryEvent {
  /** The SQL text as sent to the driver (parameters are not included). */
  sql: string;
  /** Wall-clock time of the driver call in milliseconds. */
  durationMs: number;
  /** Rows returned (or affected). */
  rowCount: number;
}

/** Listener for executed queries (used by tests to count the N+1). */
export type DemoQueryListener = (event: DemoQueryEvent) => void;

/** What a driver call returns, reduced to what the demo needs. */
export interface DriverResult<T> {
  rows: T[];
  rowCount: number;
}

/** Runs one statement through a real driver object (PGlite instance, pg Pool or pg Client). */
export type DriverQuery = <T>(sql: string, params?: unknown[]) => Promise<DriverResult<T>>;

/**
 * Runs `fn` inside one transaction on one connection; commits, or rolls back when `rollback` is
 * true or `fn` throws.
 */
export type DriverTransaction = <T>(
  fn: (query: DriverQuery) => Promise<T>,
  rollback: boolean,
) => Promise<T>;

/** A query function bound to one transaction. */
export type DemoTransactionQuery = <T>(sql: string, params?: unknown[]) => Promise<T[]>;

/** Options of {@link DemoDatabase.transaction}. */
export interface DemoTransactionOptions {
  /** Roll back instead of committing (e.g. EXPLAIN ANALYZE of a write, or trying an index). */
  rollback?: boolean;
}

/** The database the routes use: every query goes straight through the real driver object. */
export interface DemoDatabase {
  /** Which engine this is. */
  readonly kind: DemoDatabaseKind;
  /** Runs a parameterised statement and returns its rows. */
  query<T>(sql: string, params?: unknown[]): Promise<T[]>;
  /**
   * Runs `fn` in a transaction on a single connection (PGlite: exclusive, other queries wait).
   * Its queries are counted and reported like any other.
   */
  transaction<T>(
    fn: (query: DemoTransactionQuery) => Promise<T>,
    options?: DemoTransactionOptions,
  ): Promise<T>;
  /** How many queries ran since the database was opened. */
  readonly queryCount: number;
  /** Adds a listener called after every query; returns a function that removes it. */
  onQuery(listener: DemoQueryListener): () => void;
  /** Closes the driver (pool or embedded instance) and removes temporary files. */
  close(): Promise<void>;
}

/**
 * Wraps a driver call with a counter and listeners. The driver function must call the real
 * driver object's method at call time (so an instrumentation patch applied to `pg` or PGlite
 * sees every query).
 */
export function createCountingDatabase(
  kind: DemoDatabaseKind,
  driver: { query: DriverQuery; transaction: DriverTransaction; close: () => Promise<void> },
): DemoDatabase {
  return new CountingDatabase(kind, driver.query, driver.transaction, driver.close);
}

class CountingDatabase implements DemoDatabase {
  readonly kind: DemoDatabaseKind;
  #run: DriverQuery;
  #transact: DriverTransaction;
  #close: () => Promise<void>;
  #count = 0;
  #listeners = new Set<DemoQueryListener>();
  #closed: Promise<void> | undefined;

  constructor(
    kind: DemoDatabaseKind,
    run: DriverQuery,
    transact: DriverTransaction,
    closeDriver: () => Promise<void>,
  ) {
    this.kind = kind;
    this.#run = run;
    this.#transact = transact;
    this.#close = closeDriver;
  }

  get queryCount(): number {
    return this.#count;
  }

  query<T>(sql: string, params?: unknown[]): Promise<T[]> {
    return this.#counted(this.#run, sql, params);
  }

  transaction<T>(
    fn: (query: DemoTransactionQuery) => Promise<T>,
    options: DemoTransactionOptions = {},
  ): Promise<T> {
    return this.#transact(
      (run) => fn((sql, params) => this.#counted(run, sql, params)),
      options.rollback ?? false,
    );
  }

  async #counted<T>(run: DriverQuery, sql: string, params?: unknown[]): Promise<T[]> {
    this.#count += 1;
    const started = performance.now();
    const result = await run<T>(sql, params);
    if (this.#listeners.size > 0) {
      const event = { sql, durationMs: performance.now() - started, rowCount: result.rowCount };
      for (const listener of this.#listeners) listener(event);
    }
    return result.rows;
  }

  onQuery(listener: DemoQueryListener): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  close(): Promise<void> {
    this.#closed ??= this.#close();
    return this.#closed;
  }
}
