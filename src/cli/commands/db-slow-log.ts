/** `redline db top --slow-log <file>` / `--slow-log-table`: rank a MySQL/MariaDB slow query log. */
import { writeFile } from 'node:fs/promises';
import {
  digestSlowLogFile,
  digestSlowLogTable,
  explainSlowClasses,
  maskDbUrl,
  openSlowLogDb,
  renderSlowLogDigest,
  type SlowLogDigest,
} from '../../db/index.js';
import { ExitCode } from '../../errors/exit-codes.js';
import { RedlineError } from '../../errors/redline-error.js';

/** The `db top` flags the slow-log ranking uses. */
export interface SlowLogFlags {
  db?: string;
  limit: number;
  explain?: number;
  slowLog?: string;
  slowLogTable?: boolean;
  examples?: boolean;
  json?: boolean | string;
}

/** Reads, ranks, optionally explains and prints a slow log. */
export async function runSlowLogCommand(flags: SlowLogFlags): Promise<void> {
  const dbUrl = flags.db ?? process.env['REDLINE_DB_URL'];
  if ((flags.slowLogTable || flags.explain) && !dbUrl) {
    throw new RedlineError('DB_URL_MISSING', 'no database given', {
      exitCode: ExitCode.Usage,
      hint: flags.slowLogTable
        ? 'pass --db mysql://… for the server whose mysql.slow_log to read'
        : 'pass --db mysql://… to explain the worst statements',
    });
  }
  // A file is read before Redline connects, so Redline's own statements are not in it.
  let digest: SlowLogDigest | undefined = flags.slowLogTable
    ? undefined
    : await digestSlowLogFile(flags.slowLog as string, flags.limit);
  const session =
    dbUrl && (flags.slowLogTable || flags.explain) ? await openSlowLogDb(dbUrl) : undefined;
  try {
    if (!digest && session) digest = await digestSlowLogTable(session, { limit: flags.limit });
    if (digest && session && flags.explain)
      await explainSlowClasses(
        session,
        digest,
        flags.explain,
        flags.examples ? { examples: true } : {},
      );
  } finally {
    await session?.close().catch(() => {});
  }
  if (!digest) return;
  if (flags.json !== undefined) {
    // Literal values stay out of JSON too unless --examples.
    const shown = flags.examples
      ? digest
      : {
          ...digest,
          classes: digest.classes.map(({ example, parameterized, ...rest }) => ({
            ...rest,
            example: { queryMs: example.queryMs, ...(example.line ? { line: example.line } : {}) },
            parameterized: { sql: parameterized.sql, params: parameterized.params.length },
          })),
        };
    const text = `${JSON.stringify(shown, null, 2)}\n`;
    if (typeof flags.json === 'string') await writeFile(flags.json, text);
    else return void process.stdout.write(text);
  }
  process.stdout.write(
    renderSlowLogDigest(digest, {
      ...(dbUrl ? { dbDisplay: maskDbUrl(dbUrl) } : {}),
      ...(flags.examples ? { examples: true } : {}),
    }),
  );
}
