/**
 * Synthetic AuditResultFile builder for report tests: every step, a breaking point, a profile, a
 * worst query, findings with diffs, and hostile strings (`<script>`, secrets) in the places
 * target-controlled text can reach. Clearly synthetic: no number here was measured.
 */

import { createSyntheticFindings } from '../../report/__fixtures__/synthetic-findings.js';
import type { AuditResultFile, AuditStep, AuditStepKind } from '../audit-result.js';
import { DEFAULT_SUCCESS_CRITERIA } from '../criteria.js';
import { createSyntheticRun, type SyntheticRunOptions } from './synthetic-run.js';

/** Secret values planted in the synthetic audit; none may appear in any output. */
export const SYNTHETIC_SECRETS = [
  'SECRET_TOKEN_123',
  'hunter2-SECRET',
  'SECRET_BEARER_456',
  'sessid-SECRET-789',
];

/** A hostile string planted where target text goes (bodies, check names, URLs). */
export const HOSTILE_SCRIPT = '<script>window.__pwned=1</script>';

const TARGET = `http://127.0.0.1:3000/shop/${HOSTILE_SCRIPT}?token=SECRET_TOKEN_123`;

function step(
  kind: AuditStepKind,
  users: number,
  run: SyntheticRunOptions,
  extra: Partial<AuditStep> = {},
): AuditStep {
  const cpu = Math.min(98, 8 + users * 0.2);
  return {
    kind,
    users,
    run: createSyntheticRun({
      target: TARGET,
      users,
      checkName: `${HOSTILE_SCRIPT} body ok`,
      ...run,
    }),
    valid: true,
    targetCpuPercent: cpu,
    targetMemoryPercent: 35 + users * 0.02,
    targetRssBytes: (180 + users * 0.4) * 1024 * 1024,
    generatorCpuPercent: 20 + users * 0.1,
    ...extra,
  };
}

function stressSteps(): AuditStep[] {
  const ramp: Array<[number, number, number, number]> = [
    // users, rps, p50 ms, error rate
    [50, 420, 60, 0],
    [100, 800, 75, 0.0002],
    [200, 1150, 140, 0.001],
    [300, 1180, 420, 0.03],
    [400, 1100, 900, 0.12],
  ];
  return ramp.map(([users, rps, p50, errorRate], i) =>
    step(
      'stress',
      users,
      { seed: 40 + i, seconds: 20, rps, p50, errorRate },
      { label: `stress ${i + 1}/5` },
    ),
  );
}

/** Builds a complete synthetic audit (X = 50 users). */
export function createSyntheticAudit(): AuditResultFile {
  const steps: AuditStep[] = [
    step('baseline', 1, { seed: 10, seconds: 20, rps: 20, p50: 12 }),
    step('load', 50, { seed: 11, seconds: 60, rps: 420, p50: 62, errorRate: 0.0004 }),
    step('peak', 150, { seed: 12, seconds: 40, rps: 1000, p50: 110, errorRate: 0.002 }),
    ...stressSteps(),
    step(
      'spike',
      400,
      { seed: 13, seconds: 20, rps: 900, p50: 700, errorRate: 0.08 },
      {
        valid: false,
        invalidReason: 'generator saturated (CPU 97%)',
        generatorCpuPercent: 97,
      },
    ),
    step(
      'soak',
      50,
      { seed: 14, seconds: 120, rps: 410, p50: 64, errorRate: 0.0004 },
      {
        leakCheck: {
          startRssBytes: 190 * 1024 * 1024,
          endRssBytes: 236 * 1024 * 1024,
          rssSlopeBytesPerMin: 23 * 1024 * 1024,
          leakSuspected: true,
          note: 'RSS grew steadily at 23 MiB/min with flat load',
        },
      },
    ),
  ];
  steps[1]!.run.meta.tags = {
    authorization: 'Bearer SECRET_BEARER_456',
    cookie: 'sid=sessid-SECRET-789',
  };
  return {
    format: 'redline-audit',
    version: 1,
    redlineVersion: '0.1.0',
    startedAtMs: Date.UTC(2025, 0, 1, 12, 0, 0),
    durationMs: 900_000,
    config: {
      systemName: 'synthetic shop',
      target: TARGET,
      flow: [
        'POST /auth/login {"email":"test@example.com","password":"hunter2-SECRET"}',
        'GET /users/me (Authorization: Bearer SECRET_BEARER_456)',
        `GET /items?limit=20 ${HOSTILE_SCRIPT}`,
      ],
      baseUsers: 50,
      // The load step (50 users, ~420 req/s) is graded: a 400 req/s target at that load.
      criteria: { ...DEFAULT_SUCCESS_CRITERIA, throughput: { target: 400, acceptable: 300 } },
      plannedDurationsMs: {
        baseline: 20_000,
        load: 60_000,
        peak: 40_000,
        stress: 100_000,
        spike: 20_000,
        soak: 120_000,
      },
      tools: ['redline 0.1.0 (load)', 'V8 inspector (CPU profile)', 'EXPLAIN ANALYZE (PostgreSQL)'],
    },
    environment: {
      hostname: 'synthetic-host',
      platform: 'linux x64',
      cores: 2,
      cpuModel: 'Synthetic CPU @ 2.0GHz',
      memoryBytes: 24 * 1024 ** 3,
      node: 'v20.20.0',
      target: { name: 'synthetic-shop', version: '1.4.2' },
      database: { engine: 'PostgreSQL', version: '15.8' },
    },
    steps,
    breakingPoint: { maxRps: 1150, users: 300, errorRate: 0.03, kneeIndex: 3, reason: 'latency' },
    profile: {
      durationMs: 30_000,
      sampleCount: 30_000,
      unit: 'ms',
      stacks: [
        {
          frames: [
            '(root)',
            'processTicksAndRejections',
            'login (src/auth/login.ts:17)',
            'pbkdf2Sync',
          ],
          value: 9300,
        },
        {
          frames: [
            '(root)',
            'processTicksAndRejections',
            'listItems (src/routes/items.ts:42)',
            'query',
          ],
          value: 4100,
        },
        {
          frames: [
            '(root)',
            'processTicksAndRejections',
            'listItems (src/routes/items.ts:42)',
            'JSON.stringify',
          ],
          value: 2600,
        },
        { frames: ['(root)', 'parserOnHeadersComplete', `route ${HOSTILE_SCRIPT}`], value: 1200 },
        { frames: ['(root)', '(garbage collector)'], value: 640 },
        { frames: ['(root)', '(idle)'], value: 12_000 },
      ],
    },
    worstQuery: {
      engine: 'PostgreSQL 15.8',
      query: 'SELECT * FROM orders WHERE user_id = $1 ORDER BY created_at DESC LIMIT 20',
      totalMs: 48.2,
      callsPerRequest: 1,
      plan: {
        nodeType: 'Limit',
        selfMs: 0.1,
        totalMs: 48.2,
        rowsEstimated: 20,
        rowsActual: 20,
        flags: [],
        children: [
          {
            nodeType: 'Sort',
            selfMs: 6.3,
            totalMs: 48.1,
            rowsEstimated: 1000,
            rowsActual: 180,
            flags: ['top-N heapsort'],
            children: [
              {
                nodeType: 'Seq Scan',
                relation: 'orders',
                selfMs: 41.8,
                totalMs: 41.8,
                rowsEstimated: 1000,
                rowsActual: 180,
                loops: 1,
                flags: ['seq-scan', 'rows removed by filter 199800'],
                children: [],
              },
            ],
          },
        ],
      },
    },
    findings: createSyntheticFindings(HOSTILE_SCRIPT),
    gains: [
      {
        findingId: 'db.missing-index',
        metric: 'query time',
        before: 48.2,
        after: 0.4,
        unit: 'ms',
        source: 'verify-index',
      },
    ],
    verification: {
      baseline: 'audit-2024-12-01.json',
      metrics: [
        {
          metric: 'p95 latency',
          unit: 'ms',
          before: 310,
          after: 124,
          lowerIsBetter: true,
          verdict: 'improvement',
        },
        {
          metric: 'error rate',
          unit: '%',
          before: 0.05,
          after: 0.04,
          lowerIsBetter: true,
          verdict: 'no-change',
        },
      ],
    },
    monitoring: {
      metrics: ['http_req_duration p95/p99 by route', 'error ratio by route', 'event loop lag p99'],
      alerts: [
        {
          name: 'Error budget burn (fast)',
          condition: 'burn rate > 14.4 over 1h and 5m',
          severity: 'page',
          ruleName: 'ShopErrorBudgetBurnFast',
        },
        { name: 'p99 latency above target', condition: 'p99 > 500ms for 10m', severity: 'ticket' },
      ],
      dashboards: ['Service overview: RPS, latency percentiles, errors, VUs'],
      files: [{ kind: 'rules', path: 'monitoring/shop-slo.rules.yml' }],
    },
  };
}
