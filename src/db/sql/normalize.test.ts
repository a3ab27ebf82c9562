/** Tests of SQL normalisation and statement classification on real query shapes. */
import { describe, expect, it } from 'vitest';
import { batchLookupSql, isSelectStar, isUnboundedSelect, normalizeSql } from './normalize.js';
import { classifyStatement } from './statement-kind.js';

describe('normalizeSql', () => {
  it('replaces literals and keeps parameters', () => {
    expect(normalizeSql("SELECT * FROM t WHERE a = 42 AND b = 'x''y' -- note\n AND c = $1")).toBe(
      'SELECT * FROM t WHERE a = ? AND b = ? AND c = $1',
    );
  });
  it('folds IN lists and dollar-quoted strings', () => {
    expect(normalizeSql('select x from t where id in (1, 2, 3) and y = $tag$a;b$tag$;')).toBe(
      'select x from t where id IN (...) and y = ?',
    );
  });
  it('keeps identifiers with digits and quoted identifiers', () => {
    expect(normalizeSql('SELECT "col1", t2.c3 FROM `tab9` WHERE e = 1.5e3')).toBe(
      'SELECT "col1", t2.c3 FROM `tab9` WHERE e = ?',
    );
  });
  it('detects unbounded selects and select-star', () => {
    expect(isUnboundedSelect('SELECT id FROM orders WHERE user_id = $1')).toBe(true);
    expect(isUnboundedSelect('SELECT id FROM orders LIMIT 20')).toBe(false);
    expect(isUnboundedSelect('UPDATE orders SET a = 1')).toBe(false);
    expect(isSelectStar('select o.* from orders o')).toBe(true);
    expect(isSelectStar('select count(*) from orders')).toBe(false);
  });
});

describe('classifyStatement', () => {
  it('sees writes, data-modifying CTEs and multiple statements', () => {
    expect(classifyStatement('DELETE FROM t WHERE id = 1')).toMatchObject({
      isWrite: true,
      keyword: 'DELETE',
    });
    expect(
      classifyStatement('WITH d AS (DELETE FROM t RETURNING *) SELECT count(*) FROM d').isWrite,
    ).toBe(true);
    expect(classifyStatement("SELECT 'DELETE' FROM t").isWrite).toBe(false);
    expect(classifyStatement('SELECT 1; DROP TABLE t').statementCount).toBe(2);
    expect(classifyStatement('SELECT 1;').statementCount).toBe(1);
  });
});

describe('batchLookupSql', () => {
  it('turns a lookup by one key into one statement for many keys', () => {
    expect(batchLookupSql('SELECT id, name FROM users WHERE id = $1')).toEqual({
      sql: 'SELECT id, name FROM users WHERE id = ANY($1)',
      column: 'id',
    });
    expect(batchLookupSql('SELECT * FROM books b WHERE b.author_id = ? ORDER BY id')).toEqual({
      sql: 'SELECT * FROM books b WHERE b.author_id IN (?) ORDER BY id',
      column: 'author_id',
    });
  });

  it('leaves other shapes alone', () => {
    expect(batchLookupSql('SELECT * FROM t WHERE a = $10')).toBeUndefined();
    expect(batchLookupSql('SELECT * FROM t WHERE a > $1')).toBeUndefined();
    expect(batchLookupSql('SELECT 1')).toBeUndefined();
  });
});
