// The user's own lines next to each finding, and their rewrite where the rule knows one: run on
// the demo's real sources (the planted N+1 loop, sync PBKDF2 and unpaginated query), on code of a
// shape no rewrite knows (lines shown, no rewrite), and on unreadable locations (said so).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findPackageRoot } from '../../demo/bottlenecks.js';
import { locateDemoBottleneck, SELLER_BY_ID_SQL } from '../../demo/index.js';
import { ALL_ORDERS_SQL } from '../../demo/routes/orders.js';
import type { Finding } from '../../findings/finding.js';
import { attachSourceCode } from './source-code.js';

const dir = mkdtempSync(join(tmpdir(), 'redline-source-code-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const root = findPackageRoot();

function finding(id: string, area: Finding['area'], location: Finding['location']): Finding {
  return {
    id,
    area,
    title: id,
    severity: 'high',
    location,
    rootCause: 'x',
    recommendation: { text: 'x', diff: { before: 'generic', after: 'example' } },
    evidence: [],
  };
}

describe('attachSourceCode', () => {
  it('rewrites the demo N+1 loop into one query with ANY and a Map lookup', () => {
    const at = locateDemoBottleneck('n-plus-one');
    const [f] = attachSourceCode(
      [finding('probe.n-plus-one', 'database', { ...at, query: SELLER_BY_ID_SQL })],
      root,
    );
    expect(f?.code).toMatchObject({ file: at.file, line: at.line, language: 'ts' });
    expect(f?.code?.lines?.map((l) => l.line)).toEqual([
      at.line - 3,
      at.line - 2,
      at.line - 1,
      at.line,
      at.line + 1,
      at.line + 2,
      at.line + 3,
    ]);
    expect(f?.code?.lines?.find((l) => l.line === at.line)?.text).toContain('SELLER_BY_ID_SQL');
    const diff = f?.recommendation.diff;
    expect(diff).toMatchObject({ file: at.file, language: 'ts' });
    expect(diff?.before).toContain('for (const row of rows) {');
    expect(diff?.after.split('\n').slice(1, 3)).toEqual([
      "  const sellerRows = await app.db.query<{ id: number; name: string }>('SELECT id, name FROM users WHERE id = ANY($1)', [rows.map((row) => row.seller_id)]);",
      '  const sellerById = new Map(sellerRows.map((r) => [r.id, r]));',
    ]);
    expect(diff?.after).toContain('const seller = sellerById.get(row.seller_id);');
    expect(diff?.after).not.toContain('SELLER_BY_ID_SQL, [');
  });

  it('rewrites sync PBKDF2 to the promisified call and the unpaginated query with LIMIT/OFFSET', () => {
    const hash = locateDemoBottleneck('sync-hash');
    const orders = locateDemoBottleneck('unpaginated');
    const [crypto, page] = attachSourceCode(
      [
        finding('cpu.sync-crypto', 'cpu', hash),
        finding('probe.no-pagination', 'database', { ...orders, query: ALL_ORDERS_SQL }),
      ],
      root,
    );
    expect(crypto?.recommendation.diff?.before.split('\n')[0]).toBe(
      '  const derived = pbkdf2Sync(',
    );
    expect(crypto?.recommendation.diff?.after).toContain('const derived = await pbkdf2Async(');
    expect(crypto?.recommendation.diff?.after).toContain('const pbkdf2Async = promisify(pbkdf2);');
    expect(page?.recommendation.diff?.after).toContain(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the rewritten source holds a template literal.
      'await app.db.query<OrderRow>(`${ALL_ORDERS_SQL} LIMIT $2 OFFSET $3`, [userId, limit, offset]);',
    );
  });

  it('shows lines it cannot rewrite, redacted, and keeps the rule example', () => {
    const file = join(dir, 'app.js');
    writeFileSync(
      file,
      [
        'const token = "sk_live_0123456789abcdefABCDEF99";',
        'for (const id of ids) {',
        '  results.push(await fetchOne(id, "hunter22-secret"));',
        '}',
      ].join('\n'),
    );
    const [f] = attachSourceCode(
      [finding('probe.n-plus-one', 'database', { file, line: 3, query: 'SELECT 1' })],
      dir,
      ['hunter22-secret'],
    );
    const text = f?.code?.lines?.map((l) => l.text).join('\n') ?? '';
    expect(f?.code?.lines).toHaveLength(4);
    expect(text).not.toContain('hunter22-secret');
    expect(text).not.toContain('sk_live_0123456789abcdefABCDEF99');
    expect(text).toContain('[REDACTED]');
    expect(f?.recommendation.diff).toEqual({ before: 'generic', after: 'example' });
  });

  it('says why the source is not shown', () => {
    writeFileSync(join(dir, 'short.ts'), 'one line\n');
    const [missing, past, internal] = attachSourceCode(
      [
        finding('cpu.hot', 'cpu', { file: 'src/gone.ts', line: 4 }),
        finding('cpu.hot', 'cpu', { file: 'short.ts', line: 40 }),
        finding('cpu.hot', 'cpu', { file: 'node:internal/fs/utils', line: 4 }),
      ],
      dir,
    );
    expect(missing?.code).toEqual({
      file: 'src/gone.ts',
      line: 4,
      language: 'ts',
      unreadable: 'cannot read src/gone.ts (ENOENT)',
    });
    expect(past?.code?.unreadable).toBe(
      'line 40 is past the end of short.ts (2 lines): the file changed since the run',
    );
    expect(internal?.code).toBeUndefined();
  });
});
