/** PGlite with a persistent data dir: seeded on first use, kept across restarts, re-seeded when the volumes change. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loginAsDemoUser, requestJson } from './__fixtures__/test-support.js';
import { startDemoServer } from './index.js';

const dataDir = mkdtempSync(join(tmpdir(), 'redline-demo-test-'));
const seed = { users: 20, items: 500, orders: 50 };

afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

describe('startDemoServer({ dataDir })', () => {
  it('keeps written data across restarts and re-seeds only for other volumes', async () => {
    const notes: string[] = [];
    const first = await startDemoServer({ dataDir, seed, onProgress: (m) => notes.push(m) });
    let orderId: unknown;
    try {
      expect(notes.some((m) => m.includes('seeding'))).toBe(true);
      const token = await loginAsDemoUser(first.url);
      const created = await requestJson(`${first.url}/orders`, { token, json: { itemId: 3 } });
      expect(created.status).toBe(201);
      orderId = created.body['id'];
    } finally {
      await first.close();
    }

    notes.length = 0;
    const second = await startDemoServer({ dataDir, seed, onProgress: (m) => notes.push(m) });
    try {
      expect(notes).toEqual([]);
      const [row] = await second.sql.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM orders WHERE id = $1',
        [orderId],
      );
      expect(row?.n).toBe(1);
    } finally {
      await second.close();
    }

    const third = await startDemoServer({ dataDir, seed: { ...seed, items: 600 } });
    try {
      const [row] = await third.sql.query<{ n: number }>('SELECT count(*)::int AS n FROM items');
      expect(row?.n).toBe(600);
    } finally {
      await third.close();
    }
  }, 300_000);
});
