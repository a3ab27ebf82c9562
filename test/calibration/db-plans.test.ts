// Calibration: plan rules on real PostgreSQL and MariaDB, one throw-away database per engine.
// Cases: test/fixtures/calibration/{pg-*,mariadb-*}/ (setup.sql, query.sql, truth.json).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { explainQuery } from '../../src/db/index.js';
import { listPlanNodes } from '../../src/db/plan/plan-node.js';
import type { Finding } from '../../src/findings/finding.js';
import { createMysqlDatabase, createPgDatabase, mysqlExec, pgExec } from '../db/pg-scratch.js';
import { type CaseTruth, CORPUS_DIR, readTruth } from './truth.js';

const read = (name: string, file: string): string =>
  readFileSync(join(CORPUS_DIR, name, file), 'utf8').trim();
const statements = (name: string): string[] =>
  read(name, 'setup.sql')
    .split(/;\s*\n/)
    .map((s) => s.replace(/;\s*$/, '').trim())
    .filter(Boolean);

const PG_CASES = ['pg-top-n-join', 'pg-correlated-columns'];
const MARIADB_CASES = [
  'mariadb-top-n-join',
  'mariadb-unindexed-filter',
  'mariadb-unindexed-rare-filter',
  'mariadb-skewed-join',
];

const serious = (findings: readonly Finding[]): Finding[] =>
  findings.filter((f) => ['critical', 'high', 'medium'].includes(f.severity));

/** Checks a report against a case's truth (`plan` is shown when it fails). */
function judge(truth: CaseTruth, findings: readonly Finding[], plan: string): void {
  const ids = findings.map((f) => f.id);
  if (truth.expected === 'healthy')
    expect(
      serious(findings).map((f) => f.id),
      plan,
    ).toEqual([]);
  else for (const id of truth.expected) expect(ids, plan).toContain(id);
  for (const id of truth.mustNotRaise ?? []) expect(ids, plan).not.toContain(id);
  const text = JSON.stringify(findings);
  for (const phrase of truth.mustNotSay ?? []) expect(text, plan).not.toContain(phrase);
}

function describePlan(report: Awaited<ReturnType<typeof explainQuery>>): string {
  return listPlanNodes(report.plan.root)
    .map(
      (n) =>
        `${n.id} ${n.label} est=${n.estimatedRows} act=${n.actualRows} loops=${n.loops} ${JSON.stringify(n.mysql ?? {})}`,
    )
    .concat(
      report.findings.map(
        (f) => `FINDING ${f.id} ${f.severity} ${f.title} :: ${f.recommendation.text}`,
      ),
    )
    .join('\n');
}

describe('PostgreSQL plan rules on the calibration corpus', () => {
  const dbs = new Map<string, { url: string; drop: () => Promise<void> }>();
  beforeAll(async () => {
    for (const name of PG_CASES) {
      const db = await createPgDatabase('rl_cal');
      dbs.set(name, db);
      await pgExec(db.url, statements(name));
    }
  }, 120_000);
  afterAll(async () => {
    for (const db of dbs.values()) await db.drop();
  });
  for (const name of PG_CASES) {
    it(name, async () => {
      const truth = readTruth(name);
      const report = await explainQuery(read(name, 'query.sql'), {
        db: dbs.get(name)?.url as string,
      });
      judge(truth, report.findings, describePlan(report));
    });
  }
});

describe('MariaDB plan rules on the calibration corpus', () => {
  const dbs = new Map<string, { url: string; drop: () => Promise<void> }>();
  beforeAll(async () => {
    for (const name of MARIADB_CASES) {
      const db = await createMysqlDatabase('rl_cal');
      dbs.set(name, db);
      await mysqlExec(db.url, statements(name));
    }
  }, 120_000);
  afterAll(async () => {
    for (const db of dbs.values()) await db.drop();
  });
  for (const name of MARIADB_CASES) {
    it(name, async () => {
      const truth = readTruth(name);
      const report = await explainQuery(read(name, 'query.sql'), {
        db: dbs.get(name)?.url as string,
      });
      judge(truth, report.findings, describePlan(report));
    });
  }
});
