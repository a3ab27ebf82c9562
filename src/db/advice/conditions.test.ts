/** Index advice from printed filter conditions (PostgreSQL and MySQL forms). */
import { describe, expect, it } from 'vitest';
import { parseIndexableColumns } from './conditions.js';
import { buildSuggestion, resolveTableAliases } from './index-advice.js';

describe('parseIndexableColumns', () => {
  it('reads PostgreSQL filters with casts, equality first', () => {
    expect(
      parseIndexableColumns("((created_at > now()) AND ((status)::text = 'paid'::text))"),
    ).toEqual({ equality: ['status'], range: ['created_at'] });
    expect(parseIndexableColumns('(customer_id = $1)')).toEqual({
      equality: ['customer_id'],
      range: [],
    });
    expect(parseIndexableColumns("(lower(email) = 'a@b.c'::text)")).toEqual({
      equality: ['(lower(email))'],
      range: [],
    });
    expect(parseIndexableColumns("(id = ANY ('{1,2,3}'::integer[]))")).toEqual({
      equality: ['id'],
      range: [],
    });
  });

  it('reads MySQL conditions (backticks, BETWEEN, IN)', () => {
    expect(
      parseIndexableColumns('`test`.`o`.`customer_id` = 42 and o.total between 1 and 5'),
    ).toEqual({ equality: ['customer_id'], range: ['total'] });
    expect(parseIndexableColumns("o.status in ('a','b')")).toEqual({
      equality: ['status'],
      range: [],
    });
  });

  it('gives up on OR, LIKE and column-to-column comparisons', () => {
    expect(parseIndexableColumns('((a = 1) OR (b = 2))')).toBeUndefined();
    expect(parseIndexableColumns("((name)::text ~~ '%x%'::text)")).toBeUndefined();
    expect(parseIndexableColumns('(a.x = b.y)')).toBeUndefined();
  });
});

describe('index suggestions', () => {
  it('quotes identifiers and names the index like PostgreSQL does', () => {
    const s = buildSuggestion('postgres', 'Orders', 'sales', ['customer_id', '(lower(email))']);
    expect(s.createSql).toBe(
      'CREATE INDEX CONCURRENTLY "Orders_customer_id_lower_email_idx" ON sales."Orders" (customer_id, (lower(email)));',
    );
    expect(s.verifySql).not.toContain('CONCURRENTLY');
  });

  it('resolves aliases from FROM and JOIN clauses', () => {
    const map = resolveTableAliases(
      'SELECT * FROM shop.orders AS o JOIN customers c ON c.id = o.customer_id, items i WHERE 1 = 1',
    );
    expect(map.get('o')).toBe('orders');
    expect(map.get('c')).toBe('customers');
    expect(map.get('i')).toBe('items');
  });
});
