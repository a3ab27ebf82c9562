import { describe, expect, it } from 'vitest';
import { DocsIndex, docsIndex, splitSections } from './docs-index.js';

describe('docs index', () => {
  it('splits at headings, not at # lines inside code blocks', () => {
    const sections = splitSections(
      'docs/x.md',
      '# Title\nintro\n```sh\n# a comment\n```\n## Part two\nbody\n',
    );
    expect(sections.map((s) => [s.heading, s.anchor])).toEqual([
      ['Title', 'title'],
      ['Title › Part two', 'part-two'],
    ]);
    expect(sections[0]?.text).toContain('# a comment');
  });

  it('ranks the section that is about the words first', () => {
    const index = new DocsIndex([
      ...splitSections('a.md', '# Cats\ncats purr and cats sleep\n# Dogs\ndogs bark'),
      ...splitSections('b.md', '# Misc\na word about dogs among many other words here and there'),
    ]);
    expect(index.search('dogs bark', 2).map((h) => h.heading)).toEqual(['Dogs', 'Misc']);
    expect(index.search('giraffe')).toEqual([]);
    expect(index.read('a.md', 'cats')).toContain('cats purr');
  });

  it("finds answers in Redline's own docs", () => {
    const index = docsIndex();
    const files = new Set(index.sections.map((s) => s.file));
    expect(files).toContain('docs/script-api.md');
    expect(files).toContain('docs/mcp.md');
    expect(files).toContain('README.md');
    // Two sections document `--host` rewrites (the options reference and the k6 guide's "pointing
    // a production script at another host"); either is the right page.
    const hostHit = index.search('hosts rewrite scheme downgrade', 1)[0];
    expect([
      'docs/options.md#pointing-hard-coded-hosts-elsewhere',
      'docs/k6-compatibility.md#pointing-a-production-script-at-another-host',
    ]).toContain(`${hostHit?.file}#${hostHit?.anchor}`);
    expect(index.search('burn rate alerting rules promtool', 1)[0]?.file).toBe(
      'docs/monitoring.md',
    );
    expect(index.search('heapsnapshot baseline growth', 1)[0]?.file).toBe('docs/profiling.md');
  });
});
