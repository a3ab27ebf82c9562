#!/usr/bin/env node
// Call sites on old ORMs (docs/realapps.md): knex 0.19 runs queries inside bluebird callbacks and
// TypeORM 0.2 inside tslib's generator awaiter, so the driver's stack has no application frame.
// Each app here runs an N+1 (one query per author) under the built probe; the check passes when
// the N+1 finding names the application's line (`// N+1 HERE`), not "an unknown call site".
// Usage: npm run build, then (once) `npm install` in this folder, then
//   node bench/realapps/origins/check.mjs      (PostgreSQL on 127.0.0.1:5432; exit 1 on failure)
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, '../../../dist/probe');
const { createProbeEnv, readProbeReport } = await import(join(dist, 'index.js'));
const DB = 'ra_origins';
const DATABASE_URL = `postgres://postgres@127.0.0.1:5432/${DB}`;

function psql(db, sql) {
  const r = spawnSync(
    'psql',
    ['-h', '127.0.0.1', '-U', 'postgres', '-d', db, '-q', '-v', 'ON_ERROR_STOP=1'],
    { input: sql },
  );
  if (r.status !== 0) throw new Error(`psql: ${r.stderr}`);
}

async function run(app) {
  const dir = mkdtempSync(join(tmpdir(), 'redline-origins-'));
  const reportFile = join(dir, 'probe.ndjson');
  const env = { ...createProbeEnv({ reportFile, flushMs: 200 }), DATABASE_URL };
  env.NODE_OPTIONS = `--import=${join(dist, 'register.js')}`;
  const child = spawn(process.execPath, [join(here, app)], {
    cwd: here,
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${app} did not start in 30 s`)), 30_000);
    child.stdout.on('data', (chunk) => {
      const m = /listening (\d+)/.exec(String(chunk));
      if (!m) return;
      clearTimeout(timer);
      resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`${app} exited ${code}`)));
  });
  for (let i = 0; i < 3; i++) {
    const r = await fetch(`http://127.0.0.1:${port}/books`);
    if (r.status !== 200)
      throw new Error(`${app}: GET /books answered ${r.status}: ${await r.text()}`);
  }
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
  try {
    return await readProbeReport(reportFile);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

psql('postgres', `DROP DATABASE IF EXISTS ${DB}; CREATE DATABASE ${DB};`);
psql(
  DB,
  `CREATE TABLE ra_authors (id int PRIMARY KEY);
CREATE TABLE ra_books (id int PRIMARY KEY, author_id int NOT NULL, title text NOT NULL);
INSERT INTO ra_authors SELECT g FROM generate_series(1, 8) g;
INSERT INTO ra_books SELECT g, 1 + g % 8, 'book ' || g FROM generate_series(1, 40) g;`,
);
let failed = 0;
try {
  for (const app of ['knex-app.js', 'typeorm-app.js']) {
    const line =
      readFileSync(join(here, app), 'utf8')
        .split('\n')
        .findIndex((l) => l.includes('N+1 HERE')) + 1;
    const report = await run(app);
    const n1 = report.findings.filter((f) => f.id === 'probe.n-plus-one');
    const sites = n1.map((f) =>
      f.location?.file ? `${f.location.file}:${f.location.line}` : 'unknown',
    );
    const ok = n1.length > 0 && sites.every((s) => s === `${app}:${line}`);
    if (!ok) failed++;
    console.log(
      `${ok ? 'ok  ' : 'FAIL'} ${app}: N+1 call site ${sites.join(', ') || '(no N+1 finding)'}, expected ${app}:${line}`,
    );
  }
} finally {
  psql('postgres', `DROP DATABASE IF EXISTS ${DB};`);
}
process.exit(failed ? 1 : 0);
