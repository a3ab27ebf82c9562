/**
 * Index advice runs as written on real PostgreSQL and MariaDB: reserved words (`user`), mixed-case
 * and schema-qualified names are quoted, --verify-index builds the index and the plan uses it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { explainQuery, type IndexSuggestion, verifyIndex } from '../../src/db/index.js';
import type { PlanFindingData } from '../../src/db/rules/plan-rule.js';
import { createMysqlDatabase, createPgDatabase, mysqlExec, pgExec } from './pg-scratch.js';

let pgDb: { url: string; drop: () => Promise<void> };
let myDb: { url: string; name: string; drop: () => Promise<void> };

beforeAll(async () => {
  pgDb = await createPgDatabase('rl_quote');
  await pgExec(pgDb.url, [
    `CREATE TABLE favorites ("user" int NOT NULL, article int NOT NULL, note text)`,
    `INSERT INTO favorites SELECT i % 3000, i % 700, 'n' FROM generate_series(1, 60000) AS i`,
    `CREATE TABLE "UserEvents" (id serial PRIMARY KEY, "userId" int NOT NULL, "Kind" text NOT NULL)`,
    `INSERT INTO "UserEvents" ("userId", "Kind") SELECT i % 4000, 'k' || (i % 5) FROM generate_series(1, 60000) AS i`,
    'CREATE SCHEMA shop',
    'CREATE TABLE shop.orders (id serial PRIMARY KEY, customer_id int NOT NULL, total int NOT NULL)',
    'INSERT INTO shop.orders (customer_id, total) SELECT i % 5000, i FROM generate_series(1, 60000) AS i',
    // A same-named table on the search path: the advice must not land on it.
    'CREATE TABLE public.orders (id serial PRIMARY KEY, customer_id int NOT NULL)',
    'ANALYZE',
  ]);
  myDb = await createMysqlDatabase('rl_quote');
  await mysqlExec(myDb.url, [
    'CREATE TABLE favorites (`user` INT NOT NULL, `order` INT NOT NULL, note VARCHAR(10)) ENGINE=InnoDB',
    "INSERT INTO favorites SELECT seq % 3000, seq % 700, 'n' FROM seq_1_to_40000",
    'CREATE TABLE `UserEvents` (id INT PRIMARY KEY AUTO_INCREMENT, `userId` INT NOT NULL) ENGINE=InnoDB',
    'INSERT INTO `UserEvents` (`userId`) SELECT seq % 4000 FROM seq_1_to_40000',
    'ANALYZE TABLE favorites, `UserEvents`',
  ]);
}, 120_000);

afterAll(async () => {
  await pgDb?.drop();
  await myDb?.drop();
});

async function advice(
  sql: string,
  url: string,
  params: unknown[],
): Promise<{ sql: string | undefined; index: IndexSuggestion | undefined }> {
  const report = await explainQuery(sql, { db: url, params: params as string[] });
  const finding = report.findings.find((f) => f.id === 'db.missing-index');
  return {
    sql: finding?.recommendation.sql,
    index: (finding?.data as PlanFindingData | undefined)?.index,
  };
}

describe('index advice on PostgreSQL quotes what needs quoting and verifies', () => {
  const cases = [
    {
      what: 'a reserved-word column (user)',
      sql: 'SELECT note FROM favorites WHERE "user" = $1 AND article = $2',
      params: ['42', '7'],
      ddl: 'CREATE INDEX CONCURRENTLY favorites_user_article_idx ON favorites ("user", article);',
    },
    {
      what: 'a mixed-case table and column',
      sql: 'SELECT id FROM "UserEvents" e WHERE e."userId" = $1',
      params: ['42'],
      ddl: 'CREATE INDEX CONCURRENTLY "UserEvents_userId_idx" ON "UserEvents" ("userId");',
    },
    {
      what: 'a schema-qualified table shadowed on the search path',
      sql: 'SELECT id, total FROM shop.orders o WHERE o.customer_id = $1',
      params: ['42'],
      ddl: 'CREATE INDEX CONCURRENTLY orders_customer_id_idx ON shop.orders (customer_id);',
    },
  ];
  for (const c of cases) {
    it(`${c.what}: the DDL is exact and --verify-index builds and uses it`, async () => {
      const { sql, index } = await advice(c.sql, pgDb.url, c.params);
      expect(sql).toBe(c.ddl);
      const result = await verifyIndex(c.sql, index!, { db: pgDb.url, params: c.params });
      expect(result.used).toBe(true);
      expect(result.speedup).toBeGreaterThan(1);
    });
  }

  it('the production DDL itself runs (CONCURRENTLY, outside a transaction) on every case', async () => {
    for (const c of cases) {
      const { sql } = await advice(c.sql, pgDb.url, c.params);
      await pgExec(pgDb.url, [sql as string]);
    }
    const [rows] = await pgExec(pgDb.url, [
      `SELECT schemaname || '.' || indexname AS name FROM pg_indexes WHERE indexname LIKE '%_idx' ORDER BY 1`,
    ]);
    expect(rows?.map((r) => r['name'])).toEqual([
      'public.UserEvents_userId_idx',
      'public.favorites_user_article_idx',
      'shop.orders_customer_id_idx',
    ]);
  });

  it('healthy: plain lower-case names stay bare', async () => {
    const { buildSuggestion } = await import('../../src/db/index.js');
    expect(
      buildSuggestion('postgres', 'orders', undefined, ['customer_id', 'status']).createSql,
    ).toBe(
      'CREATE INDEX CONCURRENTLY orders_customer_id_status_idx ON orders (customer_id, status);',
    );
  });
});

describe('index advice on MariaDB runs as written', () => {
  it('a reserved-word column (`user`, `order`): backticked DDL that MariaDB executes', async () => {
    const { sql } = await advice(
      'SELECT note FROM favorites f WHERE f.`user` = ? AND f.`order` = ?',
      myDb.url,
      [42, 7],
    );
    expect(sql).toBe('CREATE INDEX `favorites_user_order_idx` ON `favorites` (`user`, `order`);');
    await mysqlExec(myDb.url, [sql as string]);
    const [rows] = (await mysqlExec(myDb.url, ['SHOW INDEX FROM favorites'])) as Array<
      Array<Record<string, unknown>>
    >;
    expect(rows?.map((r) => r['Column_name'])).toEqual(['user', 'order']);
  });

  it('a schema-qualified, mixed-case table keeps its schema and case', async () => {
    const { sql } = await advice(
      `SELECT id FROM ${myDb.name}.\`UserEvents\` WHERE \`userId\` = ?`,
      myDb.url,
      [42],
    );
    expect(sql).toBe(
      `CREATE INDEX \`UserEvents_userId_idx\` ON \`${myDb.name}\`.\`UserEvents\` (\`userId\`);`,
    );
    await mysqlExec(myDb.url, [sql as string]);
    const after = await advice(
      `SELECT id FROM \`UserEvents\` WHERE \`userId\` = ?`,
      myDb.url,
      [42],
    );
    expect(after.sql).toBeUndefined();
  });
});
