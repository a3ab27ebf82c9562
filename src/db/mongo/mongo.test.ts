// MongoDB artefacts (no server here): explain output and system.profile exports built from
// MongoDB's documented formats; each planted problem named with an ESR index, healthy ones silent.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeMongoFile, renderMongoAnalysis, suggestMongoIndex } from './index.js';

const FIXTURES = join(import.meta.dirname, '../../../test/fixtures/db/mongo');
const file = (name: string) => join(FIXTURES, name);

describe('MongoDB explain output', () => {
  it('flags a collection scan of a large collection and a blocking sort, with an ESR index', async () => {
    const a = await analyzeMongoFile(file('explain-collscan-sort.json'));
    expect(a.kind).toBe('explain');
    const ids = a.findings.map((f) => f.id);
    expect(ids).toEqual(['mongo.collscan', 'mongo.in-memory-sort']);
    const collscan = a.findings[0]!;
    expect(collscan.severity).toBe('high'); // 250000 read for 120 returned
    expect(collscan.recommendation.sql).toBe(
      'db.orders.createIndex({ status: 1, createdAt: -1, total: 1 })',
    );
    expect(collscan.impact?.timeMs).toBe(412);
  });

  it('names a weak index (documents examined per returned) and a sort that spilled to disk', async () => {
    const a = await analyzeMongoFile(file('explain-weak-index-spill.json'));
    expect(a.findings.map((f) => f.id)).toEqual(['mongo.docs-examined', 'mongo.sort-spill']);
    expect(a.findings[0]?.title).toMatch(
      /^1600 documents examined per document returned on shop\.events/,
    );
    // $in with a sort counts as a range: equality tenant, sort at, then kind.
    expect(a.findings[0]?.recommendation.sql).toBe(
      'db.events.createIndex({ tenant: 1, at: -1, kind: 1 })',
    );
  });

  it('stays silent on a selective index scan', async () => {
    const a = await analyzeMongoFile(file('explain-ixscan-healthy.json'));
    expect(a.findings).toEqual([]);
    expect(renderMongoAnalysis(a)).toContain('IXSCAN customerId_1');
  });

  it('reads the queryPlan wrapper of MongoDB 7 in queryPlanner mode (no counters)', async () => {
    const a = await analyzeMongoFile(file('explain-7.0-queryplanner.json'));
    expect(a.findings[0]).toMatchObject({ id: 'mongo.collscan', severity: 'medium' });
    // The filter's value (an email) never reaches a finding: only the shape.
    expect(JSON.stringify(a.findings)).not.toContain('x@example.com');
    expect(a.findings[0]?.location?.query).toBe('shop.users {"email":1}');
    expect(a.findings[0]?.recommendation.sql).toBe('db.users.createIndex({ email: 1 })');
  });
});

describe('system.profile exports', () => {
  it('ranks shapes by total time and judges the worst', async () => {
    const a = await analyzeMongoFile(file('system-profile.ndjson'));
    if (a.kind !== 'profile') throw new Error('expected a profile');
    const [first, second] = a.digest.shapes;
    expect(first).toMatchObject({
      namespace: 'shop.orders',
      op: 'query',
      count: 8,
      totalMs: 2680,
      plans: ['COLLSCAN'],
    });
    expect(first?.findings.map((f) => f.id)).toEqual(['mongo.collscan', 'mongo.in-memory-sort']);
    expect(first?.findings[0]?.recommendation.sql).toBe(
      'db.orders.createIndex({ status: 1, createdAt: -1 })',
    );
    expect(second).toMatchObject({ namespace: 'shop.sessions', count: 3 });
    expect(second?.findings.map((f) => f.id)).toContain('mongo.sort-spill');
    // 50 _id lookups with different ids are one shape, and cheap.
    const users = a.digest.shapes.find((s) => s.namespace === 'shop.users');
    expect(users).toMatchObject({ count: 50, findings: [] });
    expect(a.digest.operations).toBe(71);
  });

  it('stays silent on a profile of indexed lookups', async () => {
    const a = await analyzeMongoFile(file('system-profile-healthy.json'));
    expect(a.findings).toEqual([]);
  });

  it('refuses a file that is neither, with exit 65', async () => {
    await expect(analyzeMongoFile(join(FIXTURES, '../mysql8-slow.log'))).rejects.toMatchObject({
      exitCode: 65,
    });
  });
});

describe('ESR index suggestions', () => {
  it('orders equality, sort, range; $in is equality without a sort', () => {
    expect(
      suggestMongoIndex('c', { a: 1, b: { $gte: 3 }, c: { $in: [1, 2] } }, undefined)?.keys,
    ).toEqual([
      ['a', 1],
      ['c', 1],
      ['b', 1],
    ]);
    expect(
      suggestMongoIndex('c', { $and: [{ a: { $eq: 1 } }, { b: { $lt: 9 } }] }, { d: -1 })?.keys,
    ).toEqual([
      ['a', 1],
      ['d', -1],
      ['b', 1],
    ]);
    expect(suggestMongoIndex('c', {}, undefined)).toBeUndefined();
    expect(suggestMongoIndex('my-coll', { a: 1 }, undefined)?.command).toBe(
      'db.getCollection("my-coll").createIndex({ a: 1 })',
    );
  });
});
