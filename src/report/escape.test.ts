// Tests of escaping for HTML, XML and Markdown with hostile inputs.
import { describe, expect, it } from 'vitest';
import { escapeHtml, escapeMarkdown, escapeXml, markdownCode, markdownFence } from './escape.js';

describe('escape', () => {
  const hostile = `<script>alert("x")</script> & 'q'`;

  it('escapes HTML', () => {
    expect(escapeHtml(hostile)).toBe(
      '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;q&#39;',
    );
  });

  it('escapes XML and drops characters XML cannot hold', () => {
    expect(escapeXml('a\u0000b\u001Bc<d>')).toBe('a\uFFFDb\uFFFDc&lt;d&gt;');
    expect(escapeXml('😀')).toBe('😀');
  });

  it('escapes Markdown prose so tables and HTML stay inert', () => {
    const out = escapeMarkdown('a|b <script>x</script>\n*bold*');
    expect(out).not.toContain('<script>');
    expect(out).not.toMatch(/(?<!\\)\|/);
    expect(out).toBe('a\\|b &lt;script&gt;x&lt;/script&gt; \\*bold\\*');
  });

  it('builds code spans and fences that their content cannot close', () => {
    expect(markdownCode('a`b')).toBe('``a`b``');
    expect(markdownFence('x\n```\ny', 'diff')).toBe('````diff\nx\n```\ny\n````');
  });
});
