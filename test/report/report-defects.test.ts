// The report-defect finder (used on the demo's generated report in test/e2e/demo-audit.test.ts)
// on the synthetic audit's report, and on a report seeded with each defect.
import { describe, expect, it } from 'vitest';
import { renderHtml } from '../../src/report/html/render-html.js';
import { renderMarkdown } from '../../src/report/markdown/render-markdown.js';
import { createReportModelFromAudit } from '../../src/report/model/create-from-audit.js';
import { createSyntheticAudit } from '../../src/results/__fixtures__/synthetic-audit.js';
import { findReportDefects } from '../helpers/report-defects.js';

describe('findReportDefects', () => {
  const model = createReportModelFromAudit(createSyntheticAudit());
  const md = renderMarkdown(model);
  const html = renderHtml(model);

  it('finds none in the synthetic audit report', () => {
    expect(findReportDefects(md, html)).toEqual([]);
    // It states the test data (the synthetic audit does not: "not stated") and shows the code.
    expect(md).toContain('- Test data: not stated');
    expect(md).toContain('**Your code** (`src/auth/login.ts:17`):');
    expect(md).toContain('> 17 |   const hash = crypto.pbkdf2Sync(');
    expect(md).toContain('**Your code:** not shown: cannot read src/clients/pricing.ts (ENOENT).');
    expect(html).toContain('<pre class="source">');
  });

  it('finds each seeded defect', () => {
    const bad = `${md}\nImpact: +-556.6 kB\n0.9× faster\n#### Bottleneck 9: Same\n#### Bottleneck 10: Same\nup to −130% latency\n#### Bottleneck 11: Loop\n**Location:** \`src/a.ts:3\`\nfor (const a of authors) a.books = await q(a.id);`;
    const outside = html.replace(
      '</body>',
      '<svg viewBox="0 0 100 20"><text x="95" y="12">cut off</text></svg></body>',
    );
    const defects = findReportDefects(
      bad.replace('- Error threshold:', '- Errors:').replace('- Test data:', '- Data:'),
      `${outside}✅`,
    );
    expect(defects).toEqual([
      'HTML uses an emoji (✅), which needs an emoji font',
      'two signs: "+-556.6"',
      '"0.9× faster" (slower)',
      'duplicate title "Same"',
      'Load Test Results lacks "- Test data:"',
      'Load Test Results lacks "- Error threshold:"',
      'an improvement of −130%',
      'Bottleneck 11 is located but shows no code',
      'a canned authors/books example',
      'label outside its chart: chart svg: "cut off" spans x 95..141, y 2..15 outside 0 0 100 20',
    ]);
  });
});
