/** startDemoServer: opens the database, applies the bottleneck switches, listens, and returns a handle. */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ExitCode } from '../errors/exit-codes.js';
import { RedlineError } from '../errors/redline-error.js';
import { createReadCaches, type DemoApp } from './app.js';
import type { DemoDatabase, DemoDatabaseKind, DemoQueryListener } from './database/database.js';
import { openPgliteDatabase } from './database/pglite.js';
import { CREATE_MISSING_INDEX_SQL, DROP_MISSING_INDEX_SQL } from './database/schema.js';
import { type DemoSeedSpec, parseSeedSpec } from './database/seed.js';
import { createRequestLog, REQUEST_LOG_CAPACITY } from './middleware/request-log.js';
import { createDemoHttpServer, type DemoErrorLogger } from './server.js';
import { type DemoBottleneckSwitches, resolveSwitches } from './switches.js';
import { createTokenSigner } from './web/auth.js';

/** Options of {@link startDemoServer}. */
export interface DemoServerOptions {
  /** Port to listen on (default 0: a free port). */
  port?: number;
  /** Address to listen on (default 127.0.0.1). */
  host?: string;
  /** Remove every planted bottleneck (default false). */
  fixed?: boolean;
  /** Plant (true) or fix (false) single bottlenecks; wins over `fixed`. */
  bottlenecks?: Partial<DemoBottleneckSwitches>;
  /** Use this PostgreSQL instead of the embedded PGlite (the library does not read DATABASE_URL). */
  databaseUrl?: string;
  /** PostgreSQL schema of the demo tables (default `redline_demo`). */
  schema?: string;
  /** PGlite: keep the database in this directory (seeded on first use) instead of a temporary copy. */
  dataDir?: string;
  /** PGlite: root of the seeded-data cache (default `<os.tmpdir()>/redline-demo-cache`); false disables it. */
  cacheDir?: string | false;
  /** Seed volumes (defaults: 10,000 users, 100,000 items, 200,000 orders). */
  seed?: Partial<DemoSeedSpec>;
  /** How long the fixed routes serve a cached read, ms (default READ_CACHE_TTL_MS, 5 s). */
  readCacheTtlMs?: number;
  /** Capacity of the bounded request history used when the memory leak is fixed (default 1000). */
  requestLogCapacity?: number;
  /** Progress notes while starting (seeding, cache build). */
  onProgress?: (message: string) => void;
  /** Unexpected errors inside handlers (default: printed to stderr). */
  onError?: DemoErrorLogger;
}

/** A running demo service. */
export interface DemoServerHandle {
  /** `http://127.0.0.1:<port>` */
  url: string;
  port: number;
  host: string;
  database: DemoDatabaseKind;
  /** The switches in effect (true = planted). */
  bottlenecks: Readonly<DemoBottleneckSwitches>;
  /** The seed volumes in effect. */
  seed: Readonly<DemoSeedSpec>;
  /** Queries since start, and a hook called after each one. */
  queries: { readonly count: number; onQuery(listener: DemoQueryListener): () => void };
  /**
   * Direct SQL access to the demo database through the same driver object (counted like route
   * queries), e.g. for `EXPLAIN ANALYZE` of {@link CATEGORY_ITEMS_SQL}.
   */
  sql: Pick<DemoDatabase, 'query' | 'transaction'>;
  /** Records held by the request history (grows per request while the leak is planted). */
  requestLogSize(): number;
  /** Stops listening, closes connections and the database; idempotent. */
  close(): Promise<void>;
}

/** Starts the demo service; resolves once it accepts connections. */
export async function startDemoServer(options: DemoServerOptions = {}): Promise<DemoServerHandle> {
  const planted = resolveSwitches(options.fixed, options.bottlenecks);
  const seed = parseSeedSpec(options.seed);
  const db = await openDatabase(options, seed);
  try {
    await db.query(planted.missingIndex ? DROP_MISSING_INDEX_SQL : CREATE_MISSING_INDEX_SQL);
    const app: DemoApp = {
      db,
      signer: createTokenSigner(),
      planted,
      requestLog: createRequestLog({
        leak: planted.memoryLeak,
        capacity: options.requestLogCapacity ?? REQUEST_LOG_CAPACITY,
      }),
      caches: createReadCaches(options.readCacheTtlMs),
    };
    const logError = options.onError ?? defaultErrorLogger;
    const server = createDemoHttpServer(app, logError);
    const host = options.host ?? '127.0.0.1';
    await listen(server, options.port ?? 0, host);
    const port = (server.address() as AddressInfo).port;
    return createHandle({ server, app, seed, host, port });
  } catch (error) {
    await db.close().catch(() => undefined);
    throw error;
  }
}

interface HandleParts {
  server: Server;
  app: DemoApp;
  seed: DemoSeedSpec;
  host: string;
  port: number;
}

function createHandle({ server, app, seed, host, port }: HandleParts): DemoServerHandle {
  const { db } = app;
  let closing: Promise<void> | undefined;
  const close = async () => {
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    await db.close();
  };
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    host,
    database: db.kind,
    bottlenecks: Object.freeze({ ...app.planted }),
    seed: Object.freeze({ ...seed }),
    queries: {
      get count() {
        return db.queryCount;
      },
      onQuery: (listener) => db.onQuery(listener),
    },
    sql: {
      query: (sql, params) => db.query(sql, params),
      transaction: (fn, txOptions) => db.transaction(fn, txOptions),
    },
    requestLogSize: () => app.requestLog.size,
    close: () => {
      closing ??= close();
      return closing;
    },
  };
}

async function openDatabase(options: DemoServerOptions, seed: DemoSeedSpec): Promise<DemoDatabase> {
  if (options.databaseUrl) {
    // Loaded only when used: importing pg costs start-up time the PGlite default does not need.
    const { openPostgresDatabase } = await import('./database/postgres.js');
    return openPostgresDatabase({
      databaseUrl: options.databaseUrl,
      seed,
      ...(options.schema ? { schema: options.schema } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
  }
  return openPgliteDatabase({
    seed,
    ...(options.dataDir !== undefined ? { dataDir: options.dataDir } : {}),
    ...(options.cacheDir !== undefined ? { cacheDir: options.cacheDir } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      reject(
        new RedlineError(
          'DEMO_LISTEN_FAILED',
          `the demo cannot listen on ${host}:${port}: ${error.code ?? error.message}`,
          {
            exitCode: ExitCode.Unavailable,
            cause: error,
            hint:
              error.code === 'EADDRINUSE'
                ? 'choose another port, or --port 0 for a free one'
                : undefined,
          },
        ),
      );
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

const defaultErrorLogger: DemoErrorLogger = (error, req) => {
  const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(`redline-demo: ${req.method} ${req.url} failed: ${text}\n`);
};
