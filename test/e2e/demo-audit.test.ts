/**
 * End to end (each audit up to about 4 minutes on a busy machine: the soak may go on until it
 * served enough requests): a compact audit of the bundled demo service finds the five planted
 * bottlenecks with their evidence; an audit of the `--fixed` demo raises none of them and, with the first audit as
 * its baseline, verifies the improvements. No password or token reaches any output file.
 * Needs `npm run build` (the demo, the probe and the engine's workers run from dist/).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type AuditConfig, type AuditRun, runAudit } from '../../src/audit/index.js';
import { normalizeSql } from '../../src/db/index.js';
import { createDemoAuditConfig } from '../../src/demo/audit-config.js';
import { DEMO_PASSWORD, locateDemoBottleneck, SELLER_BY_ID_SQL } from '../../src/demo/index.js';
import type { Finding } from '../../src/findings/finding.js';
import { findReportDefects } from '../helpers/report-defects.js';

const root = mkdtempSync(join(tmpdir(), 'redline-e2e-audit-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const PLANTED = [
  'cpu.sync-crypto',
  'probe.n-plus-one',
  'db.missing-index',
  'probe.no-pagination',
  'memory.leak',
];
// A demo bearer token: `<userId>.<expires>.<43 base64url chars>` (src/demo/web/auth.ts).
const TOKEN = /\b\d{1,10}\.\d{10}\.[A-Za-z0-9_-]{43}\b/;

/** The demo's own config (compact sizing: what `redline demo` runs, about two minutes). */
function config(outDir: string, fixed: boolean): AuditConfig {
  return createDemoAuditConfig({ fixed, outDir });
}

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  });
}

function byId(run: AuditRun, id: string): Finding[] {
  return run.result.findings.filter((f) => f.id === id);
}

let unfixed: AuditRun | undefined;

describe('redline demo audit', () => {
  it('finds the planted bottlenecks with their evidence', async () => {
    const out = join(root, 'unfixed');
    unfixed = await runAudit({ config: config(out, false) });
    const r = unfixed.result;

    const hash = locateDemoBottleneck('sync-hash');
    expect(byId(unfixed, 'cpu.sync-crypto').map((f) => f.location)).toContainEqual(
      expect.objectContaining({ file: hash.file, line: hash.line }),
    );

    // The probe skips the demo's driver wrapper (src/demo/database/*.ts: every query passes through it)
    // and names the loop that issues the N+1: the planted line in routes/items.ts.
    const n1 = byId(unfixed, 'probe.n-plus-one')[0];
    const loop = locateDemoBottleneck('n-plus-one');
    expect(n1?.location).toMatchObject({ route: 'GET /items', file: loop.file, line: loop.line });
    expect(normalizeSql(n1?.location?.query ?? '')).toBe(normalizeSql(SELLER_BY_ID_SQL));
    expect(n1?.evidence.find((e) => e.label === 'executions per request (max)')?.value).toBe(20);
    // Recommendations on the user's own code: the loop's lines and their rewrite (issue 13 §3).
    expect(n1?.code).toMatchObject({ file: loop.file, line: loop.line });
    expect(n1?.code?.lines?.some((l) => l.line === loop.line)).toBe(true);
    expect(n1?.recommendation.diff).toMatchObject({ file: loop.file });
    expect(n1?.recommendation.diff?.after).toContain('WHERE id = ANY($1)');
    // Redline's own in-process code (the probe's driver wrappers) is never named as the user's line.
    expect(
      r.findings.filter((f) => /(src|dist)\/probe\//.test(`${f.title} ${f.location?.file ?? ''}`)),
    ).toEqual([]);
    const sync = byId(unfixed, 'cpu.sync-crypto')[0];
    expect(sync?.recommendation.diff?.file).toBe(hash.file);
    expect(sync?.recommendation.diff?.after).toContain('await pbkdf2Async(');
    const pages = byId(unfixed, 'probe.no-pagination')[0];
    expect(pages?.recommendation.diff?.after).toContain('LIMIT $2 OFFSET $3');

    // The planted missing index: its own finding, or folded into the finding of the same statement
    // that took it (merge-root-causes: the top-N sort, whose index leads with the same column).
    const index = r.findings.find(
      (f) => f.id === 'db.missing-index' || f.merged?.includes('db.missing-index'),
    );
    expect(index?.recommendation.sql).toMatch(
      /^CREATE INDEX CONCURRENTLY \S+ ON items \(category_id/,
    );
    const gain = r.gains?.find((g) => g.findingId === 'db.missing-index');
    expect(gain).toMatchObject({ source: 'verify-index', unit: 'ms' });
    expect(gain!.after).toBeLessThan(gain!.before);

    expect(byId(unfixed, 'probe.no-pagination')[0]?.location?.route).toBe('GET /orders');

    const leakCheck = r.steps.find((s) => s.leakCheck)?.leakCheck;
    if (leakCheck?.cannotTell) {
      // A machine so busy that the audit served too few requests to see the planted leak (the
      // soak's time cap came before its minimum of requests, or the second half of the heap
      // checkpoints was too short): the audit says so (never "no leak seen") and raises no leak
      // it did not measure.
      expect(leakCheck.cannotTell).toMatch(/too few requests/);
      expect(leakCheck.leakSuspected).toBe(false);
    } else {
      const leak = byId(unfixed, 'memory.leak')[0];
      expect(leak?.location?.file).toBe(locateDemoBottleneck('memory-leak').file);
      expect(leakCheck?.leakSuspected).toBe(true);
    }

    expect(r.breakingPoint?.maxRps).toBeGreaterThan(0);
    expect(r.steps.filter((s) => s.kind === 'load')[0]?.targetCpuPercent).toBeGreaterThan(0);
    expect(r.profile?.stacks.length).toBeGreaterThan(0);
    expect(r.worstQuery?.plan.nodeType).toBeDefined();
    expect(r.monitoring?.alerts.some((a) => a.ruleName)).toBe(true);
    const md = readFileSync(join(out, 'report.md'), 'utf8');
    for (const section of [
      '## Performance Analysis Report',
      '### Bottleneck Analysis',
      '### Load Test Results',
      '### Optimization Plan',
      '### Expected Improvements',
      '### Monitoring Recommendations',
    ]) {
      expect(md).toContain(section);
    }
    expect(md).toMatch(/measured by verify-index/);
    // The test data: users drawn from the seeded-users file, not one account (issue 13 §3).
    expect(r.config.testData).toMatch(
      /demo-users\.csv \(1,000 records, each a distinct email; one row per iteration, in sequence/,
    );
    expect(md).toMatch(/- Test data: \S*demo-users\.csv \(1,000 records/);
    // One account repeated made GET /users/me a "cache candidate"; distinct users do not.
    expect(
      byId(unfixed, 'probe.cache-candidate').filter((f) => f.location?.route === 'GET /users/me'),
    ).toEqual([]);
    expect(md).toContain(`**Your code** (\`${loop.file}:${loop.line}\`):`);
    // None of the report defects of issue 13 §2-§3 (emoji icons, two signs, "0.9× faster",
    // duplicate titles, seed layout of Load Test Results, improvements above 100 %).
    expect(findReportDefects(md, readFileSync(join(out, 'report.html'), 'utf8'))).toEqual([]);
  }, 300_000);

  it('raises none of them on the fixed demo, and verifies the improvements against the first audit', async () => {
    expect(unfixed, 'the unfixed audit must run first').toBeDefined();
    const out = join(root, 'fixed');
    const fixed = await runAudit({
      config: config(out, true),
      baselineFile: join(root, 'unfixed', 'audit.json'),
    });
    const ids = new Set(fixed.result.findings.flatMap((f) => [f.id, ...(f.merged ?? [])]));
    for (const id of PLANTED) expect(ids.has(id), id).toBe(false);
    expect(fixed.result.steps.find((s) => s.leakCheck)?.leakCheck?.leakSuspected).toBe(false);
    // Nothing of medium or above about the service's code, queries or memory (issue 13: a fixed
    // service raises no alarm). The fixed demo caches its hot reads (the newest-items page, the
    // category lookups and pages: app.ts READ_CACHE_TTL_MS), so no cache candidate is allowed
    // either. Capacity findings grade the ramp against the default criteria's throughput row,
    // which a busy shared machine misses whatever the service; they are left out.
    const serious = fixed.result.findings.filter(
      (f) => ['critical', 'high', 'medium'].includes(f.severity) && f.area !== 'capacity',
    );
    expect(serious.map((f) => `${f.severity} ${f.id}: ${f.title}`)).toEqual([]);
    // Findings on the category route are filed under its template, never a raw path.
    for (const f of fixed.result.findings)
      expect(f.location?.route ?? '', f.title).not.toMatch(/\/categories\/[a-z]+\/items/);

    const v = fixed.result.verification;
    expect(v?.baseline).toBe('audit.json');
    // Both audits' numbers are read and compared. Whether the fixed demo is faster is a timing a
    // busy machine can swing (with distinct users the overall p95 gap is small: 651 vs 675 ms was
    // seen at load 21-24), so it is not asserted here; the demo's own output and bench/ show it.
    const p95 = v?.metrics.find((m) => m.metric === 'p95 latency');
    const items = v?.metrics.find((m) => m.metric.startsWith('GET /items p95'));
    for (const m of [p95, items]) {
      expect(m).toBeDefined();
      expect(m!.before).toBeGreaterThan(0);
      expect(m!.after).toBeGreaterThan(0);
      expect(m!.lowerIsBetter).toBe(true);
    }
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toContain('Improvements verified');
  }, 300_000);

  it('writes no password or token into any output file', () => {
    const files = listFiles(root);
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      expect(text.includes(DEMO_PASSWORD), file).toBe(false);
      expect(TOKEN.test(text), file).toBe(false);
    }
  });
});
