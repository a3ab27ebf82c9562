/**
 * `db explain` never changes data on MariaDB: a table of hostile statements (the three
 * bypasses — an executable comment on MyISAM, a table in another schema, a stored function that
 * writes MyISAM — plus string-escape tricks, comments, transaction control, multi-statements, DDL,
 * Aria/MEMORY tables, views, triggers, CALL/DO/LOAD DATA/SET GLOBAL/PREPARE, sequences, OUTFILE,
 * user locks) and property-based variations of the tricks. After each one, every table's rows
 * and checksums, the information_schema catalog and the global variables are unchanged, and
 * AUTO_INCREMENT moved only when the output said it could.
 */
import { existsSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbSession, ExplainReport } from '../../src/db/index.js';
import {
  checkTrickCombinations,
  type HostileCase,
  type HostileEnv,
  hostileCaseTests,
  type MysqlSnapshot,
  snapshotMysql,
} from './hostile-sql-harness.js';
import { createMysqlDatabase, MYSQL_BASE, mysqlExec } from './pg-scratch.js';

let db: { url: string; name: string; drop: () => Promise<void> };
let other: { url: string; name: string; drop: () => Promise<void> };
let baseline: MysqlSnapshot;
let slowLaunchTime: string;
const outfile = `/tmp/rl_dbsafety_${process.pid}_outfile.txt`;

beforeAll(async () => {
  db = await createMysqlDatabase('rl_dbsafety_my');
  other = await createMysqlDatabase('rl_dbsafety_other');
  const [rows] = (await mysqlExec(MYSQL_BASE, ['SELECT @@GLOBAL.slow_launch_time AS v'])) as Array<
    Array<{ v: number }>
  >;
  slowLaunchTime = String(rows?.[0]?.v);
  await mysqlExec(db.url, [
    'CREATE TABLE i (id INT PRIMARY KEY AUTO_INCREMENT, v INT NOT NULL) ENGINE=InnoDB',
    'INSERT INTO i (v) SELECT seq FROM seq_1_to_200',
    'CREATE TABLE m (id INT PRIMARY KEY, v INT) ENGINE=MyISAM',
    'INSERT INTO m SELECT seq, seq FROM seq_1_to_20',
    'CREATE TABLE a (id INT PRIMARY KEY, v INT) ENGINE=Aria',
    'INSERT INTO a SELECT seq, seq FROM seq_1_to_20',
    'CREATE TABLE mem (id INT PRIMARY KEY, v INT) ENGINE=MEMORY',
    'INSERT INTO mem SELECT seq, seq FROM seq_1_to_20',
    `CREATE TABLE ${other.name}.m2 (id INT PRIMARY KEY, v INT) ENGINE=MyISAM`,
    `INSERT INTO ${other.name}.m2 SELECT seq, seq FROM seq_1_to_20`,
    `CREATE TABLE ${other.name}.i2 (id INT PRIMARY KEY, v INT) ENGINE=InnoDB`,
    `INSERT INTO ${other.name}.i2 SELECT seq, seq FROM seq_1_to_20`,
    'CREATE TABLE mlog (id INT AUTO_INCREMENT PRIMARY KEY, msg VARCHAR(20)) ENGINE=MyISAM',
    'CREATE TABLE ti (id INT PRIMARY KEY, v INT) ENGINE=InnoDB',
    'INSERT INTO ti SELECT seq, seq FROM seq_1_to_20',
    "CREATE TRIGGER ti_log AFTER DELETE ON ti FOR EACH ROW INSERT INTO mlog (msg) VALUES ('deleted')",
    'CREATE SEQUENCE sq NOCACHE',
    'CREATE VIEW vm AS SELECT id, v FROM m',
    // The function: writes a MyISAM table behind a SELECT.
    'CREATE FUNCTION f() RETURNS INT BEGIN INSERT INTO m VALUES (1000, 1); RETURN 1; END',
    // Declared READS SQL DATA, but changes a global variable (no transaction undoes that).
    'CREATE FUNCTION g() RETURNS INT READS SQL DATA BEGIN SET GLOBAL slow_launch_time = 17; RETURN 1; END',
    // A reader and an InnoDB writer: both may still be analysed.
    'CREATE FUNCTION fr() RETURNS INT READS SQL DATA RETURN (SELECT COUNT(*) FROM i)',
    'CREATE FUNCTION fw() RETURNS INT MODIFIES SQL DATA BEGIN UPDATE ti SET v = v + 1 WHERE id = 1; RETURN 1; END',
    'CREATE PROCEDURE p() DELETE FROM m',
  ]);
  baseline = await snapshotMysql(MYSQL_BASE, [db.name, other.name]);
}, 120_000);

afterAll(async () => {
  await mysqlExec(MYSQL_BASE, [`SET GLOBAL slow_launch_time = ${slowLaunchTime}`]).catch(() => {});
  await db?.drop();
  await other?.drop();
});

const CASES: HostileCase[] = [
  // The three bypasses.
  { name: 'issue: executable comment on MyISAM', sql: '/*!DELETE*/ FROM m', expect: 'plan-only' },
  {
    name: 'issue: table in another schema',
    sql: () => `DELETE FROM ${other.name}.m2`,
    expect: 'plan-only',
  },
  { name: 'issue: stored function writing MyISAM', sql: 'SELECT f()', expect: 'error' },
  { name: 'versioned executable comment', sql: '/*!50000 DELETE */ FROM m', expect: 'plan-only' },
  { name: 'MariaDB executable comment', sql: '/*M!100000 DELETE FROM m */', expect: 'plan-only' },
  { name: 'executable comment with the table', sql: 'DELETE /*!FROM m*/', expect: 'plan-only' },
  { name: 'version-glued table name', sql: 'DELETE FROM /*!50000m*/', expect: 'plan-only' },
  { name: 'backquoted MyISAM', sql: 'DELETE FROM `m` WHERE id < 5', expect: 'plan-only' },
  { name: 'Aria table', sql: 'DELETE FROM a', expect: 'plan-only' },
  { name: 'MEMORY table', sql: 'UPDATE mem SET v = 0', expect: 'plan-only' },
  { name: 'REPLACE into MyISAM', sql: 'REPLACE INTO m VALUES (1, 5)', expect: 'plan-only' },
  { name: 'INSERT into MyISAM', sql: 'INSERT INTO m VALUES (99, 9)', expect: 'plan-only' },
  {
    name: 'multi-table DELETE',
    sql: () => `DELETE i, x FROM i JOIN ${other.name}.m2 x ON x.id = i.id`,
    expect: 'plan-only',
  },
  { name: 'updatable view over MyISAM', sql: 'DELETE FROM vm WHERE id = 1', expect: 'plan-only' },
  { name: 'trigger writing MyISAM', sql: 'DELETE FROM ti WHERE id = 1', expect: 'plan-only' },
  { name: 'function with SET GLOBAL', sql: 'SELECT g()', expect: 'error' },
  { name: 'sequence', sql: 'SELECT NEXTVAL(sq)', expect: 'plan-only' },
  {
    name: 'INTO OUTFILE',
    sql: () => `SELECT * FROM i INTO OUTFILE '${outfile}'`,
    expect: 'plan-only',
  },
  { name: 'user lock', sql: "SELECT GET_LOCK('rl_dbsafety_lock', 0)", expect: 'plan-only' },
  {
    name: 'backslash-escaped quote is one string',
    sql: "SELECT 'a\\'; COMMIT; DROP TABLE i; --'",
    expect: 'analyzed',
  },
  {
    name: 'escaped backslash ends the string',
    sql: "SELECT 'a\\\\'; COMMIT; DROP TABLE i; --'",
    expect: 'error',
  },
  { name: '# comment', sql: 'SELECT 1 # 2; COMMIT; DROP TABLE i', expect: 'analyzed' },
  { name: '--1 is not a comment', sql: 'SELECT 1 --1; DELETE FROM i', expect: 'error' },
  { name: 'double-quoted string', sql: 'SELECT "a\\"; DROP TABLE i; --"', expect: 'analyzed' },
  { name: 'two statements', sql: 'SELECT 1; DROP TABLE i', expect: 'error' },
  { name: 'DELETE then COMMIT', sql: 'DELETE FROM i; COMMIT', expect: 'error' },
  { name: 'COMMIT', sql: 'COMMIT', expect: 'error' },
  { name: 'ROLLBACK', sql: 'ROLLBACK', expect: 'error' },
  { name: 'SAVEPOINT', sql: 'SAVEPOINT x', expect: 'error' },
  { name: 'RELEASE SAVEPOINT', sql: 'RELEASE SAVEPOINT x', expect: 'error' },
  { name: 'START TRANSACTION', sql: 'START TRANSACTION', expect: 'error' },
  { name: 'XA START', sql: "XA START 'rl'", expect: 'error' },
  { name: 'LOCK TABLES', sql: 'LOCK TABLES m WRITE', expect: 'error' },
  { name: 'DROP TABLE', sql: 'DROP TABLE m', expect: 'error' },
  { name: 'TRUNCATE', sql: 'TRUNCATE m', expect: 'error' },
  { name: 'CREATE TABLE', sql: 'CREATE TABLE x (a INT)', expect: 'error' },
  { name: 'ALTER TABLE', sql: 'ALTER TABLE m ENGINE=InnoDB', expect: 'error' },
  { name: 'RENAME TABLE', sql: 'RENAME TABLE m TO m3', expect: 'error' },
  { name: 'TABLE statement', sql: 'TABLE m', expect: 'error' },
  { name: 'ANALYZE TABLE', sql: 'ANALYZE TABLE m', expect: 'error' },
  { name: 'CALL', sql: 'CALL p()', expect: 'error' },
  { name: 'DO', sql: 'DO f()', expect: 'error' },
  { name: 'LOAD DATA', sql: "LOAD DATA INFILE '/etc/hostname' INTO TABLE m", expect: 'error' },
  { name: 'SET GLOBAL', sql: 'SET GLOBAL slow_launch_time = 18', expect: 'error' },
  { name: 'SET @@global', sql: 'SET @@global.slow_launch_time = 19', expect: 'error' },
  { name: 'PREPARE', sql: "PREPARE s FROM 'DELETE FROM m'", expect: 'error' },
  { name: 'EXECUTE', sql: 'EXECUTE s', expect: 'error' },
  { name: 'HANDLER', sql: 'HANDLER m OPEN', expect: 'error' },
  { name: 'FLUSH', sql: 'FLUSH TABLES', expect: 'error' },
  { name: 'reader function', sql: 'SELECT fr()', expect: 'analyzed' },
  { name: 'InnoDB writer function', sql: 'SELECT fw()', expect: 'analyzed' },
  {
    name: 'INSERT into InnoDB (AUTO_INCREMENT)',
    sql: 'INSERT INTO i (v) VALUES (7)',
    expect: 'analyzed',
  },
  { name: 'UPDATE InnoDB', sql: 'UPDATE i SET v = v + 1', expect: 'analyzed' },
  { name: 'DELETE InnoDB', sql: 'DELETE FROM i WHERE id < 50', expect: 'analyzed' },
  {
    name: 'DELETE InnoDB in another schema',
    sql: () => `DELETE FROM ${other.name}.i2 WHERE id < 5`,
    expect: 'analyzed',
  },
  { name: 'SELECT FOR UPDATE', sql: 'SELECT * FROM i WHERE id < 5 FOR UPDATE', expect: 'analyzed' },
  {
    name: 'parameter carrying SQL',
    sql: 'SELECT * FROM i WHERE v = ?',
    expect: 'analyzed',
    options: { params: ["1' OR 1=1; DROP TABLE i; -- \\"] },
  },
];

async function expectUnchanged(report: ExplainReport | undefined, label: string): Promise<void> {
  const now = await snapshotMysql(MYSQL_BASE, [db.name, other.name]);
  // Each case is judged on its own: the next one compares with what this one left.
  const before = baseline;
  baseline = now;
  expect(now.data, `${label}: table contents`).toEqual(before.data);
  expect(now.catalog, `${label}: catalog`).toEqual(before.catalog);
  expect(now.globals, `${label}: global variables`).toEqual(before.globals);
  for (const [name, value] of Object.entries(now.autoIncrement)) {
    if (value === before.autoIncrement[name]) continue;
    const caveats = report?.safety?.caveats.join('\n') ?? '';
    expect(caveats, `${label}: AUTO_INCREMENT of ${name} moved without a warning`).toMatch(
      /AUTO_INCREMENT/,
    );
  }
  const written = existsSync(outfile);
  rmSync(outfile, { force: true });
  expect(written, `${label}: no file written`).toBe(false);
}

const ENV: HostileEnv = {
  url: () => db.url,
  // Nothing may linger on the connection: no user lock, no open transaction.
  sessionState: async (session: DbSession) =>
    (
      await session.query<{ lock: unknown; tx: number | string }>(
        "SELECT IS_USED_LOCK('rl_dbsafety_lock') AS `lock`, @@in_transaction AS tx",
      )
    ).rows[0],
  expectUnchanged,
};

describe('db explain on MariaDB never changes data (hostile statements)', () => {
  hostileCaseTests(CASES, ENV);

  it('property: quoting, comment and executable-comment tricks never change data', async () => {
    await checkTrickCombinations(
      ENV,
      {
        prefix: [
          "SELECT 'a\\'",
          "SELECT 'a\\\\'",
          'SELECT "a\\"',
          'SELECT 1 #',
          'SELECT 1 --',
          'SELECT 1 -- ',
          'SELECT 1 /*',
          'SELECT 1 /*!',
          '/*!',
          '/*!50000',
          '/*M!100000',
          'SELECT `a``',
        ],
        separator: [';', ';\n', '*/', "';", '\n', ' ', '"; ', '`;'],
        control: ['', 'COMMIT;', 'ROLLBACK;', 'SAVEPOINT x;', 'START TRANSACTION;'],
        payload: [
          'DELETE FROM m',
          () => `DELETE FROM ${other.name}.m2`,
          'UPDATE a SET v = 0',
          'DROP TABLE m',
          'TRUNCATE mem',
          'INSERT INTO m VALUES (500, 1)',
          'SELECT f()',
          'SELECT g()',
          'SET GLOBAL slow_launch_time = 20',
        ],
        suffix: ['', "; --'", " -- '", "'", '*/', ' #', ';', '"'],
      },
      60,
    );
  }, 300_000);
});
