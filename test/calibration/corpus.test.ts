// The calibration corpus: every case under test/fixtures/calibration with a runnable truth
// (profiler apps under load, database scenarios on real PostgreSQL and MariaDB) is run, judged
// against its truth.json, and summarised in a confusion table per rule. Any false positive (a
// rule raised on a healthy case at medium or above, or a rule a case forbids) fails, and so does
// a planted problem that is missed. Cases of kind profile-file/report have their own tests
// (profile-files.test.ts, src/report/model/report-wording.test.ts) and are listed as such.
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { explainQuery } from '../../src/db/index.js';
import { runQuickTest } from '../../src/engine/index.js';
import type { Finding } from '../../src/findings/finding.js';
import { profileTarget } from '../../src/profiler/index.js';
import { createMysqlDatabase, createPgDatabase, mysqlExec, pgExec } from '../db/pg-scratch.js';
import { allCases, type CaseTruth, CORPUS_DIR, readCaseFile, setupStatements } from './truth.js';

const ROOT = join(CORPUS_DIR, '../../..');
const SERIOUS = new Set(['critical', 'high', 'medium']);

interface Outcome {
  truth: CaseTruth;
  findings: Finding[];
}
const outcomes: Outcome[] = [];

async function trickle(url: string, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    await (await fetch(url)).text();
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function runProfilerCase(truth: CaseTruth): Promise<Finding[]> {
  const run = truth.run ?? { load: 'closed' as const, durationMs: 3000 };
  const result = await profileTarget({
    target: { command: [process.execPath, join(CORPUS_DIR, truth.case, 'app.mjs')] },
    warmup: (url, signal) => runQuickTest({ url, connections: 2, durationMs: 1000, signal }),
    load: (url, signal) =>
      run.load === 'trickle'
        ? trickle(url, run.durationMs)
        : runQuickTest({
            url,
            connections: run.connections ?? 4,
            durationMs: run.durationMs,
            signal,
          }),
    capture: run.capture ?? {},
    cwd: ROOT,
  });
  if (process.env['REDLINE_CORPUS_DEBUG'])
    console.log(
      truth.case,
      JSON.stringify(result.capture.signals.eventLoopDelay),
      JSON.stringify(result.capture.signals.gc.filter((e) => e.forced).map((e) => e.durationMs)),
      JSON.stringify(result.analysis.diagnosis.values),
      JSON.stringify(
        result.findings.map((f) => [f.id, f.severity, f.title, f.impact?.share, f.impact?.timeMs]),
      ),
    );
  return result.findings;
}

async function runDbCase(truth: CaseTruth): Promise<Finding[]> {
  const db =
    truth.kind === 'db-postgres'
      ? await createPgDatabase('rl_corpus')
      : await createMysqlDatabase('rl_corpus');
  try {
    if (truth.kind === 'db-postgres') await pgExec(db.url, setupStatements(truth.case));
    else await mysqlExec(db.url, setupStatements(truth.case));
    const report = await explainQuery(readCaseFile(truth.case, 'query.sql'), { db: db.url });
    return report.findings;
  } finally {
    await db.drop();
  }
}

/** Per rule: true/false positives and negatives over the corpus. */
function confusion(all: readonly Outcome[]) {
  const table = new Map<
    string,
    { tp: number; fp: number; fn: number; tn: number; fpCases: string[] }
  >();
  const row = (id: string) => {
    let r = table.get(id);
    if (!r) {
      r = { tp: 0, fp: 0, fn: 0, tn: 0, fpCases: [] };
      table.set(id, r);
    }
    return r;
  };
  const rules = new Set<string>();
  for (const o of all) {
    for (const f of o.findings) rules.add(f.id);
    if (Array.isArray(o.truth.expected)) for (const id of o.truth.expected) rules.add(id);
    for (const id of o.truth.mustNotRaise ?? []) rules.add(id);
  }
  for (const o of all) {
    const raised = new Set(o.findings.map((f) => f.id));
    const seriousRaised = new Set(
      o.findings.filter((f) => SERIOUS.has(f.severity)).map((f) => f.id),
    );
    const expected = new Set(Array.isArray(o.truth.expected) ? o.truth.expected : []);
    const forbidden = new Set(o.truth.mustNotRaise ?? []);
    const healthy = o.truth.expected === 'healthy';
    for (const id of rules) {
      const r = row(id);
      if (expected.has(id)) {
        if (raised.has(id)) r.tp += 1;
        else r.fn += 1;
      } else if (forbidden.has(id) || healthy) {
        const wrong = forbidden.has(id) ? raised.has(id) : seriousRaised.has(id);
        if (wrong) {
          r.fp += 1;
          r.fpCases.push(o.truth.case);
        } else r.tn += 1;
      }
      // Otherwise the case says nothing about this rule (another true finding, unjudged).
    }
  }
  return table;
}

const cases = allCases();
const runnable = cases.filter((c) => c.kind === 'profiler' || c.kind.startsWith('db-'));
const elsewhere = cases.filter((c) => !runnable.includes(c));

/**
 * False positives the corpus found that are not fixed yet, by rule and case (listed, not hidden:
 * the table prints them; a new one fails the test). Empty: the two it held were fixed by
 * mechanism (see docs/rules.md): cpu.json on heap-check-big-heap (a source line's text explained
 * its callees' time; now only the line's own time) and event-loop.blocked on
 * heap-check-big-heap / idle-service (the machine's run-queue waits and forced GCs were counted
 * as the loop's own delay; now subtracted per stall).
 */
const KNOWN_FALSE_POSITIVES: Record<string, string[]> = {};

describe('calibration corpus', () => {
  for (const truth of runnable) {
    it(`${truth.case} (${truth.kind}): ${truth.expected === 'healthy' ? 'healthy' : truth.expected.join(', ')}`, async () => {
      const findings =
        truth.kind === 'profiler' ? await runProfilerCase(truth) : await runDbCase(truth);
      outcomes.push({ truth, findings });
    }, 120_000);
  }

  afterAll(() => {
    const table = confusion(outcomes);
    const lines = [
      `calibration corpus: ${outcomes.length} cases run, ${elsewhere.length} judged in their own tests (${elsewhere.map((c) => c.case).join(', ')})`,
      `${'rule'.padEnd(24)} ${'TP'.padStart(3)} ${'FP'.padStart(3)} ${'FN'.padStart(3)} ${'TN'.padStart(3)}`,
      ...[...table]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(
          ([id, r]) =>
            `${id.padEnd(24)} ${String(r.tp).padStart(3)} ${String(r.fp).padStart(3)} ${String(r.fn).padStart(3)} ${String(r.tn).padStart(3)}${r.fpCases.length > 0 ? `  false positive in ${r.fpCases.join(', ')}` : ''}`,
        ),
    ];
    console.log(lines.join('\n'));
  });

  it('has no false positive and misses no planted problem', () => {
    // Runs last (vitest keeps declaration order within a file).
    const table = confusion(outcomes);
    expect(outcomes.length).toBe(runnable.length);
    const fps = [...table]
      .filter(([, r]) => r.fp > 0)
      .map(([id, r]) => `${id}: ${r.fpCases.join(', ')}`);
    const known = Object.entries(KNOWN_FALSE_POSITIVES).flatMap(([id, c]) =>
      c.map((name) => `${id}: ${name}`),
    );
    const each = [...table].flatMap(([id, r]) => r.fpCases.map((name) => `${id}: ${name}`));
    // A known one may not show on every run (machine load); a new one fails.
    expect(each.filter((fp) => !known.includes(fp))).toEqual([]);
    expect(fps.length).toBeLessThanOrEqual(known.length);
    const fns = [...table].filter(([, r]) => r.fn > 0).map(([id]) => id);
    expect(fns).toEqual([]);
  });
});
