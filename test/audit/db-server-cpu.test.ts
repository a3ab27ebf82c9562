/**
 * The database server's CPU next to the target's (issue 14): located on this machine's real
 * PostgreSQL and MariaDB, read from /proc while they work, reported beside Node's CPU in an audit
 * of a real Koa + pg app, and said to be unmeasured for a remote server.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAuditConfig, runAudit } from '../../src/audit/index.js';
import { isLocalDbUrl, locateDbServer } from '../../src/audit/target/db-server-process.js';
import { readProcessTree } from '../../src/audit/target/proc-sampler.js';
import { formatPercentValue } from '../../src/report/format.js';
import { MYSQL_BASE, PG_BASE } from '../db/pg-scratch.js';

const ROOT = join(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'redline-db-cpu-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function commOf(pid: number): string {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
}

describe('locating the database server', () => {
  it('PostgreSQL on 127.0.0.1: the postmaster, whose tree’s CPU grows by the work of a query', async () => {
    const found = await locateDbServer(`${PG_BASE}/test`);
    expect(found.measure).toMatchObject({ engine: 'PostgreSQL', measured: true });
    expect(found.measure.scope).toContain('postmaster');
    expect(commOf(found.pid!)).toMatch(/^post/);
    const before = readProcessTree(found.pid!)!;
    const client = new pg.Client({ connectionString: `${PG_BASE}/test` });
    await client.connect();
    const own = Number((await client.query('SELECT pg_backend_pid() AS p')).rows[0].p);
    const t0 = process.cpuUsage();
    // About a CPU-second of server work; other clients of the shared server can only add to it.
    await client.query('SELECT sum(i) FROM generate_series(1, 5000000) AS i');
    const ownCpu = process.cpuUsage(t0);
    // pg_backend_pid() names a child of the postmaster found: our backend is in the tree read.
    const ownStat = readFileSync(`/proc/${own}/stat`, 'utf8');
    expect(Number(ownStat.slice(ownStat.lastIndexOf(')') + 2).split(' ')[1])).toBe(found.pid);
    await client.end();
    // The backend has ended: its CPU is counted in the postmaster's reaped children's time.
    await new Promise((r) => setTimeout(r, 200));
    const after = readProcessTree(found.pid!)!;
    expect(after.cpuSeconds - before.cpuSeconds).toBeGreaterThan(0.1);
    // The reading is the server's, not ours: this process spent far less than the server did.
    expect((ownCpu.user + ownCpu.system) / 1e6).toBeLessThan(after.cpuSeconds - before.cpuSeconds);
  }, 60_000);

  it('MariaDB on 127.0.0.1: the mariadbd process, whose CPU grows by the work of a query', async () => {
    const found = await locateDbServer(`${MYSQL_BASE}/mysql`);
    expect(found.measure).toMatchObject({ engine: 'MariaDB', measured: true });
    expect(commOf(found.pid!)).toMatch(/^(mariadbd|mysqld)$/);
    const before = readProcessTree(found.pid!)!;
    const conn = await mysql.createConnection(`${MYSQL_BASE}/mysql`);
    await conn.query("SELECT BENCHMARK(3000000, MD5('redline')) AS b");
    await conn.end();
    const after = readProcessTree(found.pid!)!;
    expect(after.cpuSeconds - before.cpuSeconds).toBeGreaterThan(0.1);
  }, 60_000);

  it('healthy: a remote server or PGlite is not read and says why, without connecting', async () => {
    expect(await locateDbServer('postgres://app@db.example.invalid:5432/shop')).toEqual({
      measure: { engine: 'PostgreSQL', measured: false, scope: 'not measured (remote database)' },
    });
    expect((await locateDbServer('mysql://root@10.1.2.3:3306/shop')).measure.scope).toBe(
      'not measured (remote database)',
    );
    expect((await locateDbServer('pglite:memory')).measure).toMatchObject({
      engine: 'PGlite',
      measured: false,
    });
    expect(isLocalDbUrl('postgres://u@localhost/db')).toBe(true);
    expect(isLocalDbUrl('postgres://u@[::1]:5432/db')).toBe(true);
    expect(isLocalDbUrl('postgres://u@/db?host=/var/run/postgresql')).toBe(true);
    expect(isLocalDbUrl('postgres://u@127.0.0.2.example.com/db')).toBe(false);
  });
});

async function auditKoa(databaseUrl: string, name: string) {
  const { config, problems } = parseAuditConfig(
    {
      name,
      target: {
        url: 'http://127.0.0.1:{port}',
        command: ['node', join(ROOT, 'test/fixtures/apps/db/db-cpu-koa.mjs')],
        env: { DATABASE_URL: `${PG_BASE}/test` },
        ready: { path: '/health' },
        probe: false,
        inspect: false,
      },
      database: { url: databaseUrl, statements: false },
      flow: { urls: ['/sum'] },
      users: 2,
      steps: {
        baseline: false,
        load: { duration: '3s' },
        peak: false,
        stress: false,
        spike: false,
        soak: false,
        profile: false,
        db: false,
      },
      out: name,
    },
    { baseDir: dir },
  );
  expect(problems).toEqual([]);
  return runAudit({
    config: config!,
    progress: { step() {}, result() {}, note() {}, warn() {} },
  });
}

describe('an audit of a Koa + pg app', () => {
  it('reports the PostgreSQL server’s CPU beside Node’s and grades them together', async () => {
    const run = await auditKoa(`${PG_BASE}/test`, 'local');
    const load = run.result.steps.find((s) => s.kind === 'load')!;
    expect(run.result.dbServer).toMatchObject({ engine: 'PostgreSQL', measured: true });
    expect(load.dbServerCpuPercent).toBeGreaterThan(0);
    const md = readFileSync(join(dir, 'local', 'report.md'), 'utf8');
    expect(md).toContain(`+ DB ${formatPercentValue(load.dbServerCpuPercent)}`);
    expect(md).toMatch(/Node \d+% \+ PostgreSQL server \d+%/);
    expect(md).toContain('Database server CPU');
  }, 120_000);

  it('healthy: a remote database is reported as not measured, and only Node is graded', async () => {
    const run = await auditKoa('postgres://app@db.example.invalid:5432/shop', 'remote');
    const load = run.result.steps.find((s) => s.kind === 'load')!;
    expect(load.dbServerCpuPercent).toBeUndefined();
    const md = readFileSync(join(dir, 'remote', 'report.md'), 'utf8');
    expect(md).toContain('Node only; PostgreSQL server not measured (remote database)');
    expect(md).not.toContain('+ DB');
  }, 120_000);
});
