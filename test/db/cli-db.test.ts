/** `redline db explain` / `db top` through the built CLI: output, JSON, exit codes, masked secrets. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgDatabase, pgExec } from './pg-scratch.js';
import { ROOT } from './probe-harness.js';

const cli = (args: string[]) =>
  spawnSync(process.execPath, [join(ROOT, 'bin/redline.js'), ...args], {
    encoding: 'utf8',
    timeout: 60_000,
  });
let db: { url: string; drop: () => Promise<void> };

beforeAll(async () => {
  db = await createPgDatabase('rl_cli');
  await pgExec(db.url, [
    'CREATE TABLE t (id serial PRIMARY KEY, c int NOT NULL, s text NOT NULL)',
    'INSERT INTO t (c, s) SELECT i % 1000, md5(i::text) FROM generate_series(1, 100000) AS i',
    'ANALYZE t',
  ]);
}, 60_000);

afterAll(async () => {
  await db?.drop();
});

describe('redline db', () => {
  it('explains a query: plan tree, ranked findings, CREATE INDEX and a verified gain', () => {
    const out = cli([
      'db',
      'explain',
      'SELECT * FROM t WHERE c = $1',
      '-p',
      '5',
      '--db',
      db.url,
      '--verify-index',
    ]);
    expect(out.status, out.stderr).toBe(0);
    expect(out.stdout).toMatch(/Seq Scan on t\s+⚑ missing-index/);
    expect(out.stdout).toContain('CREATE INDEX CONCURRENTLY t_c_idx ON t (c);');
    expect(out.stdout).toMatch(/verify-index t_c_idx: .* faster, index used\); rolled back/);
    expect(out.stderr).toContain('SHARE lock');
  });

  it('--no-analyze-writes runs reads but only plans a write, which changes nothing', async () => {
    const count = 'SELECT count(*)::int AS n, max(c)::int AS m FROM t';
    const before = await pgExec(db.url, [count]);
    const write = cli([
      'db',
      'explain',
      'UPDATE t SET c = c + 1 WHERE id < 10',
      '--db',
      db.url,
      '--no-analyze-writes',
      '--json',
    ]);
    expect(write.status, write.stderr).toBe(0);
    const planned = JSON.parse(write.stdout) as {
      executed: boolean;
      isWrite: boolean;
      safety: { mode: string; refused: string[] };
    };
    expect(planned).toMatchObject({ executed: false, isWrite: true });
    expect(planned.safety.mode).toBe('plan-only');
    expect(planned.safety.refused.join(' ')).toMatch(/writes.*not allowed/);
    const read = cli([
      'db',
      'explain',
      'SELECT * FROM t WHERE c = 5',
      '--db',
      db.url,
      '--no-analyze-writes',
      '--json',
    ]);
    expect(read.status, read.stderr).toBe(0);
    expect(JSON.parse(read.stdout)).toMatchObject({ executed: true, isWrite: false });
    expect(await pgExec(db.url, [count])).toEqual(before);
  });

  it('analyses a saved plan as JSON', () => {
    const out = cli([
      'db',
      'explain',
      '--plan',
      join(ROOT, 'src/db/postgres/__fixtures__/sort-spill.json'),
      '--json',
    ]);
    expect(out.status, out.stderr).toBe(0);
    const report = JSON.parse(out.stdout) as {
      findings: Array<{ id: string }>;
      plan: { engine: string };
    };
    expect(report.plan.engine).toBe('postgres');
    expect(report.findings.map((f) => f.id)).toContain('db.sort-spill');
  });

  it('exits 72 for an unreachable database without printing its password', () => {
    const out = cli(['db', 'explain', 'SELECT 1', '--db', 'postgres://app:hunter2@127.0.0.1:1/x']);
    expect(out.status).toBe(72);
    expect(out.stderr).toMatch(/postgres:\/\/\S*@127\.0\.0\.1:1\/x/);
    expect(out.stderr + out.stdout).not.toContain('hunter2');
  });

  it('exits 2 on bad flags and on more than one statement', () => {
    expect(cli(['db', 'explain', 'SELECT 1', '--db', db.url, '--timeout', 'soon']).status).toBe(2);
    const multi = cli(['db', 'explain', 'SELECT 1; DROP TABLE t', '--db', db.url]);
    expect(multi.status).toBe(2);
    expect(multi.stderr).toContain('exactly one SQL statement');
  });

  it('db top says how to enable pg_stat_statements when it is missing (exit 72)', () => {
    const out = cli(['db', 'top', '--db', db.url]);
    expect(out.status).toBe(72);
    expect(out.stderr).toContain('CREATE EXTENSION pg_stat_statements');
  });
});
