/**
 * The count-per-list finding names the statement's real aggregate and gives advice in the
 * statement's dialect (never PostgreSQL's catalog for MySQL/MariaDB). Rendered by the real
 * renderer from aggregates as the store keeps them; the real apps are in
 * test/db/probe-round-trips.test.ts (pg) and test/db/probe-count-mysql.test.ts (MariaDB).
 */
import { describe, expect, it } from 'vitest';
import type { AggregatedDetection } from '../findings-store.js';
import type { DriverName } from '../state.js';
import { countAggregateOf, renderCountPerList } from './count-per-list.js';

function render(query: string, driver?: DriverName) {
  const item: AggregatedDetection = {
    id: 'probe.count-per-list',
    route: 'GET /articles',
    query,
    requests: 10,
    executions: 10,
    totalMs: 50,
    maxMs: 8,
    detail: {},
    firstSeen: 0,
    lastSeen: 1,
    ...(driver ? { driver } : {}),
  };
  return renderCountPerList(item, { routeRequests: 10, routeMs: 200 });
}

describe('count-per-list advice per dialect', () => {
  it('PostgreSQL (pg, pglite): the catalog estimate pg_class.reltuples', () => {
    for (const driver of ['pg', 'pglite'] as const) {
      const text = render('SELECT count(*) FROM orders', driver).recommendation.text;
      expect(text).toContain('pg_class.reltuples');
      expect(text).not.toMatch(/TABLE_ROWS|MariaDB/);
    }
  });

  it('MySQL/MariaDB (mysql2): information_schema TABLE_ROWS, never pg_class', () => {
    const text = render('SELECT count(*) FROM `orders`', 'mysql2').recommendation.text;
    expect(text).toContain('information_schema.TABLES.TABLE_ROWS');
    expect(text).not.toMatch(/pg_class|reltuples|PostgreSQL/);
  });

  it('no driver named: advice of neither database', () => {
    const text = render('SELECT count(*) FROM orders').recommendation.text;
    expect(text).not.toMatch(/pg_class|reltuples|PostgreSQL|TABLE_ROWS|MySQL/);
    expect(text).toMatch(/EXPLAIN/);
  });
});

describe('the title names the aggregate the statement runs', () => {
  it('count(*) for a plain count', () => {
    expect(render('SELECT count(*) FROM orders', 'pg').title).toMatch(/^count\(\*\) on 100% of/);
  });

  it('count(DISTINCT …) for a distinct count, as written (Sequelize findAndCountAll)', () => {
    const sql =
      'SELECT count(DISTINCT(`Article`.`id`)) AS `count` FROM `Articles` AS `Article` LEFT OUTER JOIN `Users` AS `author` ON `Article`.`authorId` = `author`.`id`';
    const title = render(sql, 'mysql2').title;
    expect(title).toMatch(/^count\(DISTINCT\(`Article`\.`id`\)\) on 100% of list requests/);
    expect(title).not.toContain('count(*)');
  });

  it('count(1), count(col), and a long argument cut with an ellipsis', () => {
    expect(countAggregateOf('select COUNT( 1 ) from t')).toBe('count(1)');
    expect(countAggregateOf('SELECT count("o"."id") FROM "orders" AS "o"')).toBe('count("o"."id")');
    const long = countAggregateOf(
      'SELECT count(DISTINCT "a_very_long_table_name"."a_very_long_column_name") FROM x',
    );
    expect(long).toMatch(/^count\(DISTINCT "a_very_long_table_name"\."a_\w*…\)$/);
    expect(long.length).toBeLessThanOrEqual('count()'.length + 40);
  });
});
