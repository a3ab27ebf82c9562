// Tests of the Markdown renderer on the synthetic audit and run: order, columns, escaping, secrets.
import { describe, expect, it } from 'vitest';
import {
  createSyntheticAudit,
  SYNTHETIC_SECRETS,
} from '../../results/__fixtures__/synthetic-audit.js';
import { createSyntheticRun } from '../../results/__fixtures__/synthetic-run.js';
import { createReportModelFromAudit } from '../model/create-from-audit.js';
import { createReportModelFromRun } from '../model/create-from-run.js';
import { renderMarkdown, SECTION_TITLES } from './render-markdown.js';

describe('renderMarkdown', () => {
  const md = renderMarkdown(createReportModelFromAudit(createSyntheticAudit()));

  it('keeps the report section order', () => {
    const positions = SECTION_TITLES.map((t) => md.indexOf(`\n### ${t}\n`));
    for (const p of positions) expect(p).toBeGreaterThan(0);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(md.startsWith('## Performance Analysis Report\n')).toBe(true);
  });

  it('writes the Current Performance table with the report columns and grades', () => {
    expect(md).toContain('| Metric | Current | Target | Status |');
    expect(md).toMatch(
      /\| p50 Latency \| 6\d(\.\d)?ms \| &lt; 200ms \(acceptable &lt; 300ms\) \| ✅ \|/,
    );
    // The load step's throughput (not the stress ramp's capacity, which is in the note).
    expect(md).toMatch(
      /\| Throughput \| 4\d\d(\.\d)? req\/s \(at normal load; maximum capacity 1,150 req\/s \(stress ramp\)\) .*\| ✅ \|/,
    );
  });

  it('shows bottlenecks with location, impact, root cause and a diff', () => {
    expect(md).toContain('#### Bottleneck 1: Sequential scan on orders for every item listing');
    expect(md).toContain('**Location:** `src/routes/items.ts:42` (listItems, GET /items)');
    expect(md).toContain(
      '```diff\n// Before (an example, not your code)\n- const hash = crypto.pbkdf2Sync(',
    );
    expect(md).toContain('```sql\nCREATE INDEX CONCURRENTLY');
  });

  it('fills load test results, plan, improvements, monitoring and the checklist', () => {
    expect(md).toContain('Maximum capacity: 1,150 req/s');
    expect(md).toContain('Breaking point: 300 users');
    expect(md).toContain('Error threshold: 3.00% at 300 users');
    expect(md).toMatch(/#### Immediate \(High Impact, Low Effort\)\n1\. \*\*Sequential scan/);
    expect(md).toMatch(/#### Long-term \(Architectural Changes\)\n1\. \*\*One process/);
    expect(md).toContain('measured by verify-index');
    expect(md).toContain('(estimate)');
    expect(md).toContain('- [x] Baseline metrics established');
    expect(md).toContain('- [ ] Monitoring configured');
    expect(md).toContain('- [x] Alerts set up');
    expect(md).toContain('- [ ] Documentation updated');
  });

  it('escapes target text and leaks no secret', () => {
    const outsideFences = md.replace(/^(`{3,})[^\n]*\n[\s\S]*?^\1$/gm, '');
    expect(outsideFences).not.toMatch(/<[a-z/!]/i);
    expect(md).toContain('&lt;script&gt;');
    for (const s of SYNTHETIC_SECRETS) expect(md).not.toContain(s);
  });

  it('renders a plain run with unmeasured rows and unchecked audit-only items', () => {
    const run = renderMarkdown(createReportModelFromRun(createSyntheticRun({ errorRate: 0.002 })));
    for (const t of SECTION_TITLES) expect(run).toContain(`\n### ${t}\n`);
    expect(run).toMatch(/\| CPU Usage \| not measured .*\| ❔ \|/);
    expect(run).toMatch(/\| Error Rate \| 0\.\d+% \| &lt; 0\.1% \(acceptable &lt; 0\.5%\) \| ⚠️ \|/);
    expect(run).toContain('- [ ] Profiling completed');
    // A plain run's best second is not a capacity: not measured, the sustained rate with its CI.
    expect(run).toMatch(
      /- Maximum capacity: not measured \(a single run at fixed load is not a stress ramp \(use redline audit\); it sustained [\d.]+ req\/s \(95% CI [\d.]+–[\d.]+ over \d+ s, best second [\d.]+\)\)/,
    );
  });
});
