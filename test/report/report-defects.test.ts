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
  });

  it('finds each seeded defect', () => {
    const bad = `${md}\nImpact: +-556.6 kB\n0.9× faster\n#### Bottleneck 9: Same\n#### Bottleneck 10: Same\nup to −130% latency`;
    const defects = findReportDefects(bad.replace('- Error threshold:', '- Errors:'), `${html}✅`);
    expect(defects).toEqual([
      'HTML uses an emoji (✅), which needs an emoji font',
      'two signs: "+-556.6"',
      '"0.9× faster" (slower)',
      'duplicate title "Same"',
      'Load Test Results lacks "- Error threshold:"',
      'an improvement of −130%',
    ]);
  });
});
