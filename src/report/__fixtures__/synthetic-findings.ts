/** Synthetic findings for report tests (clearly synthetic: no number here was measured). */
import type { Finding } from '../../findings/finding.js';

/** Five findings of every kind the report shows: located, diff, SQL, no location, info. */
export function createSyntheticFindings(hostile: string): Finding[] {
  return [
    {
      id: 'db.missing-index',
      area: 'database',
      title: 'Sequential scan on orders for every item listing',
      severity: 'high',
      location: {
        file: 'src/routes/items.ts',
        line: 42,
        functionName: 'listItems',
        route: 'GET /items',
      },
      impact: {
        share: 0.46,
        shareOf: 'request latency',
        timeMs: 61,
        description: '46% of request latency under load',
      },
      rootCause: `No index on orders(user_id); the planner reads 200k rows per call. Response body seen: ${hostile}`,
      recommendation: {
        text: 'Add an index on orders(user_id).',
        effort: 'low',
        sql: 'CREATE INDEX CONCURRENTLY orders_user_id_idx ON orders (user_id);',
      },
      evidence: [{ label: 'rows removed by filter', value: 199_800, source: 'EXPLAIN ANALYZE' }],
      code: {
        file: 'src/routes/items.ts',
        line: 42,
        language: 'ts',
        lines: [
          { line: 41, text: 'export async function listItems(userId: number) {' },
          { line: 42, text: '  const rows = await db.query(ORDERS_BY_USER_SQL, [userId]);' },
          { line: 43, text: '  return rows;' },
        ],
      },
    },
    {
      id: 'cpu.sync-crypto',
      area: 'cpu',
      title: 'Synchronous password hashing blocks the event loop',
      severity: 'high',
      location: { file: 'src/auth/login.ts', line: 17, functionName: 'login' },
      impact: {
        share: 0.31,
        shareOf: 'CPU time under load',
        description: '31% of CPU time under load',
      },
      rootCause: 'pbkdf2Sync runs on the main thread for every login.',
      recommendation: {
        text: 'Use the asynchronous pbkdf2 so hashing runs on the libuv pool.',
        effort: 'low',
        diff: {
          before: "const hash = crypto.pbkdf2Sync(password, salt, 100000, 64, 'sha512');",
          after: "const hash = await pbkdf2(password, salt, 100000, 64, 'sha512');",
          language: 'ts',
        },
      },
      evidence: [{ label: 'self time', value: 31, unit: '%', source: 'cpuprofile' }],
      code: {
        file: 'src/auth/login.ts',
        line: 17,
        language: 'ts',
        lines: [
          { line: 16, text: 'export function login(password: string, salt: Buffer) {' },
          {
            line: 17,
            text: "  const hash = crypto.pbkdf2Sync(password, salt, 100000, 64, 'sha512');",
          },
          { line: 18, text: '  return hash;' },
        ],
      },
    },
    {
      id: 'http.no-keepalive',
      area: 'http',
      title: 'Upstream calls open a new connection each time',
      severity: 'medium',
      location: { file: 'src/clients/pricing.ts', line: 8 },
      impact: { share: 0.12, shareOf: 'request latency', description: '12% of request latency' },
      rootCause: 'The pricing client creates a new Agent per call.',
      recommendation: { text: 'Share one keep-alive Agent with a bounded pool.', effort: 'medium' },
      evidence: [{ label: 'connect time p95', value: 9.5, unit: 'ms', source: 'probe' }],
      code: {
        file: 'src/clients/pricing.ts',
        line: 8,
        language: 'ts',
        unreadable: 'cannot read src/clients/pricing.ts (ENOENT)',
      },
    },
    {
      id: 'arch.single-process',
      area: 'capacity',
      title: 'One process serves every request',
      severity: 'medium',
      impact: { description: 'CPU-bound at 2 cores: throughput stops rising at 300 users' },
      rootCause: 'The service runs a single Node process; one core stays idle.',
      recommendation: { text: 'Run one worker per core behind a load balancer.', effort: 'high' },
      evidence: [{ label: 'target CPU at knee', value: 68, unit: '%' }],
    },
    {
      id: 'gc.young-gen',
      area: 'gc',
      title: 'Frequent scavenges',
      severity: 'info',
      rootCause: 'Short-lived JSON objects per request.',
      recommendation: { text: 'No action needed now.' },
      evidence: [{ label: 'GC share', value: 2.1, unit: '%' }],
    },
  ];
}
