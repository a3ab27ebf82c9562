// db top --slow-log on a real MariaDB: a private server (its own datadir and port) logs every
// statement to its slow log (file and mysql.slow_log table); a planted unindexed lookup must rank
// first with the right counts and be explained as a missing index; literal values stay hidden.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, parseDbTarget } from '../../src/db/index.js';
import {
  digestSlowLog,
  digestSlowLogFile,
  digestSlowLogTable,
  explainSlowClasses,
  parseSlowLogFile,
  renderSlowLogDigest,
} from '../../src/db/slow-log/index.js';
import {
  hasMariaDbBinaries,
  type PrivateMariaDb,
  startPrivateMariaDb,
} from '../helpers/private-mariadb.js';

const ROOT = join(import.meta.dirname, '../..');
const CLI = join(ROOT, 'bin/redline.js');
const built = existsSync(join(ROOT, 'dist/cli/main.js'));
const SCHEMA = 'rl_slowlog_shop';
const SECRET = 'alice.secret@example.com';

let server: PrivateMariaDb;
let dbUrl = '';

beforeAll(async () => {
  if (!hasMariaDbBinaries()) return;
  server = await startPrivateMariaDb({ slowLog: 'FILE,TABLE' });
  dbUrl = `${server.url}${SCHEMA}`;
  const conn = await mysql.createConnection({ host: '127.0.0.1', port: server.port, user: 'root' });
  // The set-up is not part of the workload: this session logs only statements over 100 s.
  await conn.query('SET SESSION long_query_time = 100');
  await conn.query(`CREATE DATABASE ${SCHEMA}`);
  await conn.query(`USE ${SCHEMA}`);
  await conn.query(
    'CREATE TABLE orders (id INT PRIMARY KEY AUTO_INCREMENT, customer_id INT NOT NULL, email VARCHAR(60), total DECIMAL(10,2)) ENGINE=InnoDB',
  );
  await conn.query(
    "INSERT INTO orders (customer_id, email, total) SELECT seq % 500, CONCAT('u', seq, '@example.com'), seq / 7 FROM seq_1_to_20000",
  );
  await conn.query('ANALYZE TABLE orders');
  await conn.query('SET SESSION long_query_time = 0');
  // The workload: 30 unindexed lookups (full scans), 60 primary-key reads, 5 updates, 1 email search.
  for (let i = 0; i < 30; i++)
    await conn.query(`SELECT id, total FROM orders WHERE customer_id = ${i * 7}`);
  for (let i = 0; i < 60; i++) await conn.query(`SELECT * FROM orders WHERE id = ${i + 1}`);
  for (let i = 0; i < 5; i++)
    await conn.query(`UPDATE orders SET total = total + 1 WHERE id = ${i + 100}`);
  await conn.query(`SELECT id FROM orders WHERE email = '${SECRET}'`);
  await conn.end();
}, 120_000);

afterAll(async () => {
  await server?.stop();
});

describe.skipIf(!hasMariaDbBinaries())('db top --slow-log on a private MariaDB', () => {
  it('ranks the unindexed lookup first, with pt-query-digest counters', async () => {
    const digest = await digestSlowLogFile(server.slowLogFile as string, 5);
    const top = digest.classes[0]!;
    expect(top.query).toBe('SELECT id, total FROM orders WHERE customer_id = ?');
    expect(top.calls).toBe(30);
    expect(top.rowsExaminedPerCall).toBe(20000);
    expect(top.rowsPerCall).toBe(40);
    expect(top.p95Ms).toBeLessThanOrEqual(top.maxMs);
    expect(top.schemas).toEqual([SCHEMA]);
    expect(top.flags).toContain('examines ≫ returns');
    const pk = digest.classes.find((c) => c.query === 'SELECT * FROM orders WHERE id = ?');
    expect(pk?.calls).toBe(60);
    expect(pk?.rowsExaminedPerCall).toBe(1);
    expect(pk?.flags).not.toContain('examines ≫ returns');
    expect(digest.classes.find((c) => c.query.startsWith('UPDATE orders'))?.calls).toBe(5);
    // Shares add up over every class, the time is the log's own.
    expect(digest.classes.reduce((s, c) => s + c.share, 0)).toBeLessThanOrEqual(1.000001);
  });

  it('reads the same ranking from mysql.slow_log (log_output=TABLE)', async () => {
    const session = await openDb(parseDbTarget(dbUrl));
    try {
      const digest = await digestSlowLogTable(session, { limit: 3 });
      expect(digest.classes[0]).toMatchObject({
        query: 'SELECT id, total FROM orders WHERE customer_id = ?',
        calls: 30,
      });
      expect(digest.source).toMatch(/^mysql\.slow_log on mysql:\/\/root@127\.0\.0\.1/);
      expect(digest.classes.some((c) => /VERSION\(\)|slow_log/.test(c.query))).toBe(false);
    } finally {
      await session.close();
    }
  });

  it('explains the worst statements (plain EXPLAIN) and names the missing index', async () => {
    const digest = await digestSlowLogFile(server.slowLogFile as string, 3);
    const session = await openDb(parseDbTarget(dbUrl));
    try {
      await explainSlowClasses(session, digest, 1);
    } finally {
      await session.close();
    }
    const finding = digest.classes[0]?.findings?.find((f) => f.id === 'db.missing-index');
    expect(finding?.recommendation.sql).toContain('(`customer_id`)');
  });

  it.skipIf(!built)(
    'prints the exact db explain command, hiding literal values unless --examples',
    () => {
      const run = (extra: string[]) =>
        spawnSync(
          process.execPath,
          [CLI, 'db', 'top', '--slow-log', server.slowLogFile as string, '-n', '10', ...extra],
          {
            encoding: 'utf8',
            timeout: 60_000,
          },
        );
      const plain = run(['--db', dbUrl]);
      expect(plain.status, plain.stderr).toBe(0);
      expect(plain.stdout).toContain(
        `explain: redline db explain 'SELECT id, total FROM orders WHERE customer_id = ?' -p '<value 1>' --db mysql://root@127.0.0.1:${server.port}/${SCHEMA}`,
      );
      expect(plain.stdout).not.toContain(SECRET);
      const examples = run(['--examples', '--db', dbUrl]);
      expect(examples.stdout).toContain(SECRET);
      expect(examples.stdout).toMatch(/-p '?alice\.secret@example\.com/);
      const json = JSON.parse(run(['--json']).stdout);
      expect(JSON.stringify(json)).not.toContain(SECRET);
      expect(json.classes[0].calls).toBe(30);
    },
  );

  it('explains through the CLI with --explain and exits 66 for a missing file', () => {
    const explained = spawnSync(
      process.execPath,
      [
        CLI,
        'db',
        'top',
        '--slow-log',
        server.slowLogFile as string,
        '--db',
        dbUrl,
        '--explain',
        '1',
      ],
      { encoding: 'utf8', timeout: 60_000 },
    );
    expect(explained.status, explained.stderr).toBe(0);
    expect(explained.stdout).toContain('#1 explained:');
    expect(explained.stdout).toContain('db.missing-index');
    // The plan quotes the condition it ran with: the example's value is replaced by ?.
    expect(explained.stdout).toContain('customer_id = ?');
    expect(explained.stdout).not.toMatch(/customer_id = \d/);
    // Redline's own connection is not part of the ranking it prints.
    expect(explained.stdout).not.toContain('SELECT VERSION()');
    const missing = spawnSync(
      process.execPath,
      [CLI, 'db', 'top', '--slow-log', '/nonexistent/slow.log'],
      {
        encoding: 'utf8',
      },
    );
    expect(missing.status).toBe(66);
  });
});

describe('slow-log files of other servers', () => {
  it('reads MySQL 8 logs (ISO times, Id on the User@Host line) and folds multi-row VALUES', () => {
    const text = readFileSync(join(import.meta.dirname, '../fixtures/db/mysql8-slow.log'), 'utf8');
    const entries = parseSlowLogFile(text);
    expect(entries).toHaveLength(4);
    expect(entries[0]).toMatchObject({
      queryMs: 2510.4,
      lockMs: 0.2,
      rowsSent: 1,
      rowsExamined: 1_200_000,
      schema: 'shop',
    });
    expect(entries[0]?.atMs).toBe(Date.parse('2024-11-02T10:15:00.712345Z'));
    const digest = digestSlowLog(entries, 'mysql8-slow.log');
    expect(digest.classes.map((c) => c.query)).toContain(
      'INSERT INTO events (kind, at) VALUES (...)',
    );
    expect(digest.classes[0]?.calls).toBe(2);
  });

  it('renders nothing alarming for a log of cheap primary-key reads', () => {
    const entries = Array.from({ length: 50 }, (_, i) => ({
      queryMs: 0.2,
      lockMs: 0.01,
      rowsSent: 1,
      rowsExamined: 1,
      sql: `SELECT * FROM users WHERE id = ${i}`,
    }));
    const digest = digestSlowLog(entries, 'healthy.log');
    expect(digest.classes).toHaveLength(1);
    expect(digest.classes[0]?.flags).toEqual([]);
    expect(renderSlowLogDigest(digest)).not.toContain('⚑');
  });
});
