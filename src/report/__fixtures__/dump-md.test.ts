import { writeFileSync } from 'node:fs';
import { it } from 'vitest';
import { renderHtml } from '../html/render-html.js';
import { renderJunit } from '../junit/render-junit.js';
import { renderMarkdown } from '../markdown/render-markdown.js';
import { createReportModelFromAudit } from '../model/create-from-audit.js';
import { createReportModelFromRun } from '../model/create-from-run.js';
import { createSyntheticAudit } from './synthetic-audit.js';
import { createSyntheticRun } from './synthetic-run.js';
it('dump', () => {
  const a = createReportModelFromAudit(createSyntheticAudit());
  writeFileSync('/tmp/rl/audit.md', renderMarkdown(a));
  writeFileSync('/tmp/rl/audit.html', renderHtml(a));
  writeFileSync('/tmp/rl/audit.xml', renderJunit(a));
  const r = createReportModelFromRun(createSyntheticRun({ errorRate: 0.002 }));
  writeFileSync('/tmp/rl/run.md', renderMarkdown(r));
  writeFileSync('/tmp/rl/run.html', renderHtml(r));
});
