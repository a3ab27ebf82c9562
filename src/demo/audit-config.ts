/**
 * The demo's own audit configuration, handed to runAudit by `redline demo` (the audit itself knows
 * nothing of the demo): the bundled demo service started on a free loopback port with its own
 * PGlite copy (or `DATABASE_URL`), the user flow of examples/k6/login-flow.js plus the demo's other
 * routes, the default success criteria [ref: success-criteria], and compact steps (about two
 * minutes on two cores).
 */
import { join } from 'node:path';
import {
  type AuditConfig,
  type AuditSizing,
  createDefaultSteps,
  type StepName,
} from '../audit/index.js';
import { DEFAULT_SUCCESS_CRITERIA } from '../results/criteria.js';
import { REDLINE_VERSION } from '../util/version.js';
import { findPackageRoot } from './bottlenecks.js';
import { DEMO_PASSWORD } from './password.js';
import { CATEGORY_ITEMS_EXAMPLE_PARAMS, CATEGORY_ITEMS_SQL } from './routes/categories.js';

/** Options of {@link createDemoAuditConfig}. */
export interface DemoAuditOptions {
  /** Run the demo with every planted bottleneck removed. */
  fixed?: boolean;
  sizing?: AuditSizing;
  outDir: string;
  /** Base load X (default 3 users). */
  users?: number;
  /** PostgreSQL instead of the embedded PGlite (e.g. $DATABASE_URL). */
  databaseUrl?: string;
  /** Steps to skip. */
  skip?: readonly StepName[];
}

const AUTH = { Authorization: 'Bearer {{ token }}' };

/**
 * The users the demo flow logs in as: the first 1,000 seeded users (`test@example.com`, then
 * `user1@example.com` … `user999@example.com`; every seed has at least that many by default), one
 * email per line. Their order counts follow the skew of the seeded data (user 1 has about 1% of all orders,
 * most users a few dozen), so per-user caches and result sizes are those of a real user mix, not
 * of one account repeated.
 */
export function demoUsersFile(): string {
  return join(findPackageRoot(), 'examples', 'data', 'demo-users.csv');
}

/** The demo flow's data: one user per iteration from {@link demoUsersFile}, in sequence. */
export function createDemoPayload(): Array<Record<string, unknown>> {
  return [{ path: demoUsersFile(), order: 'sequence' }];
}

/**
 * The example k6 flow (login → me → items, examples/k6/login-flow.js) plus the category listing
 * and the order history, each iteration as the next user of {@link createDemoPayload}.
 */
export function createDemoFlow(): unknown[] {
  return [
    {
      post: {
        url: '/auth/login',
        name: 'POST /auth/login',
        json: { email: '{{ email }}', password: DEMO_PASSWORD },
        capture: { json: '$.token', as: 'token' },
        check: { status: 200 },
      },
    },
    { get: { url: '/users/me', name: 'GET /users/me', headers: AUTH, check: { status: 200 } } },
    { get: { url: '/items?limit=20', name: 'GET /items', headers: AUTH, check: { status: 200 } } },
    {
      get: {
        url: '/categories/{{ category }}/items?limit=20',
        name: 'GET /categories/:slug/items',
        check: { status: 200 },
      },
    },
    { get: { url: '/orders', name: 'GET /orders', headers: AUTH, check: { status: 200 } } },
    { think: 0.25 },
  ];
}

/** Builds the demo's audit config (paths use `{workDir}`, filled in by runAudit). */
export function createDemoAuditConfig(options: DemoAuditOptions): AuditConfig {
  const root = findPackageRoot();
  const users = options.users ?? 3;
  const db = options.databaseUrl;
  const command = [process.execPath, join(root, 'dist/demo/main.js'), '--port', '{port}'];
  command.push(...(db ? ['--database-url', db] : ['--data-dir', '{workDir}/pgdata']));
  if (options.fixed) command.push('--fixed');
  const steps = createDefaultSteps(users, options.sizing ?? 'compact');
  for (const name of options.skip ?? []) steps[name].enabled = false;
  return {
    name: options.fixed ? 'redline demo shop (fixed)' : 'redline demo shop',
    target: {
      url: 'http://127.0.0.1:{port}',
      command,
      cwd: root,
      readyPath: '/health',
      readyTimeoutMs: 120_000,
      name: `redline demo service${options.fixed ? ' (--fixed)' : ''}`,
      version: REDLINE_VERSION,
      probe: true,
      inspect: true,
    },
    database: {
      url: db ?? 'pglite:{workDir}/pgdata',
      queries: [
        {
          name: 'category listing',
          sql: CATEGORY_ITEMS_SQL,
          params: [...CATEGORY_ITEMS_EXAMPLE_PARAMS],
          route: 'GET /categories/:slug/items',
        },
      ],
      statements: true,
    },
    criteria: { ...DEFAULT_SUCCESS_CRITERIA },
    flow: { kind: 'steps', steps: createDemoFlow(), payload: createDemoPayload() },
    baseUsers: users,
    steps,
    outDir: options.outDir,
    maxGeneratorLagShare: 0.5,
    secrets: [DEMO_PASSWORD],
  };
}
