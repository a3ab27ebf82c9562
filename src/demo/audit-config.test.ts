// The demo's audit config draws its users from data: every row of the users file is a seeded
// user, rows are distinct, and the flow's plan says so (the report's "Test data:" line).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describeFlowData, prepareFlowScript } from '../audit/flow/flow-script.js';
import { renderAuditPlan } from '../audit/index.js';
import { createDemoAuditConfig, demoUsersFile } from './audit-config.js';
import { DEFAULT_SEED, DEMO_CATEGORIES } from './database/seed.js';

const dir = mkdtempSync(join(tmpdir(), 'redline-demo-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The seeded user id of an email (seed.ts: id 1 is test@example.com, id g is user<g-1>@). */
function seededId(email: string): number | undefined {
  if (email === 'test@example.com') return 1;
  const m = /^user(\d+)@example\.com$/.exec(email);
  return m ? Number(m[1]) + 1 : undefined;
}

describe('demo audit config: test data', () => {
  it('logs in as distinct seeded users, not one account', () => {
    const [header, ...rows] = readFileSync(demoUsersFile(), 'utf8').trim().split('\n');
    expect(header).toBe('email,category');
    const emails = rows.map((row) => row.split(',')[0] ?? '');
    // Every seeded category in turn: one slug for every request made "GET /categories/:slug/items"
    // a cache candidate of the fixed demo (the same result fetched 348 times).
    const categories = rows.map((row) => row.split(',')[1]);
    expect(new Set(categories)).toEqual(new Set(DEMO_CATEGORIES.map(([slug]) => slug)));
    expect(emails.length).toBe(1000);
    expect(new Set(emails).size).toBe(emails.length);
    for (const email of emails) {
      const id = seededId(email);
      expect(id, email).toBeDefined();
      expect(id!).toBeLessThanOrEqual(DEFAULT_SEED.users);
    }
  });

  it('states the data in the flow it runs', async () => {
    const config = createDemoAuditConfig({ outDir: dir });
    const flow = await prepareFlowScript(config.flow, 'http://127.0.0.1:1', dir);
    const plan = readFileSync(flow.scriptPath, 'utf8');
    expect(plan).toContain('{{ email }}');
    expect(plan).toContain('/categories/{{ category }}/items');
    expect(plan).not.toContain('test@example.com');
    expect(describeFlowData(config.flow, 'http://127.0.0.1:1')).toMatch(
      /demo-users\.csv \(1,000 records, each a distinct email; one row per iteration, in sequence over the iterations, shared read-only by the virtual users \(SharedArray\)\)$/,
    );
  });

  it('states the same data in the Load Test Plan (--plan-only), before anything runs', () => {
    const config = createDemoAuditConfig({ outDir: dir });
    expect(renderAuditPlan(config)).toMatch(
      /\nTest data: .*demo-users\.csv \(1,000 records, each a distinct email; one row per iteration/,
    );
  });
});
