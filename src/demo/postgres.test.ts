/** The demo service on the real PostgreSQL at 127.0.0.1:5432 (database test): seed once per schema, flow, bottlenecks. */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAsDemoUser, requestJson } from './__fixtures__/test-support.js';
import {
  CATEGORY_ITEMS_EXAMPLE_PARAMS,
  CATEGORY_ITEMS_SQL,
  type DemoServerHandle,
  MISSING_INDEX_NAME,
  startDemoServer,
} from './index.js';

const DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';
const SCHEMA = `redline_demo_test_${process.pid}`;
const SEED = { users: 300, items: 20_000, orders: 5_000 };

let planted: DemoServerHandle;
const progress: string[] = [];

beforeAll(async () => {
  planted = await startDemoServer({
    databaseUrl: DATABASE_URL,
    schema: SCHEMA,
    seed: SEED,
    onProgress: (message) => progress.push(message),
  });
}, 120_000);

afterAll(async () => {
  await planted?.close();
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
  await client.end();
});

describe('demo on PostgreSQL', () => {
  it('seeds its own schema and serves the example k6 flow', async () => {
    expect(planted.database).toBe('postgres');
    expect(progress.some((m) => m.includes('seeding'))).toBe(true);
    const token = await loginAsDemoUser(planted.url, 'form');
    const me = await requestJson(`${planted.url}/users/me`, { token });
    expect(me.body).toMatchObject({ id: 1, email: 'test@example.com' });
    const items = await requestJson(`${planted.url}/items?limit=20`, { token });
    expect((items.body['items'] as unknown[]).length).toBe(20);
    const [row] = await planted.sql.query<{ n: number }>('SELECT count(*)::int AS n FROM items');
    expect(row?.n).toBe(SEED.items);
  });

  it('shows the N+1 and the missing index, then a fixed server on the same schema does not', async () => {
    const token = await loginAsDemoUser(planted.url);
    let before = planted.queries.count;
    await requestJson(`${planted.url}/items?limit=20`, { token });
    expect(planted.queries.count - before).toBe(21);
    const explain = async (server: DemoServerHandle) =>
      (
        await server.sql.query<Record<string, string>>(
          `EXPLAIN (COSTS OFF) ${CATEGORY_ITEMS_SQL}`,
          [...CATEGORY_ITEMS_EXAMPLE_PARAMS],
        )
      )
        .map((r) => Object.values(r)[0])
        .join('\n');
    expect(await explain(planted)).toMatch(/Seq Scan on items/);
    await planted.close();

    const notes: string[] = [];
    const fixed = await startDemoServer({
      databaseUrl: DATABASE_URL,
      schema: SCHEMA,
      seed: SEED,
      fixed: true,
      onProgress: (message) => notes.push(message),
    });
    try {
      expect(notes).toEqual([]); // already seeded: no second seed
      const fixedToken = await loginAsDemoUser(fixed.url, 'json');
      before = fixed.queries.count;
      await requestJson(`${fixed.url}/items?limit=20`, { token: fixedToken });
      expect(fixed.queries.count - before).toBe(1);
      expect(await explain(fixed)).toContain(`Index Scan using ${MISSING_INDEX_NAME}`);
      const orders = await requestJson(`${fixed.url}/orders`, { token: fixedToken });
      expect((orders.body['orders'] as unknown[]).length).toBe(20);
    } finally {
      await fixed.close();
    }
  });

  it('reports an unreachable database as a RedlineError without the password', async () => {
    const failing = startDemoServer({
      databaseUrl: 'postgres://postgres:s3cret@127.0.0.1:1/test',
      schema: SCHEMA,
    });
    await expect(failing).rejects.toMatchObject({
      code: 'DEMO_DATABASE_UNAVAILABLE',
      exitCode: 72,
    });
    await expect(failing).rejects.not.toThrow(/s3cret/);
  });
});
