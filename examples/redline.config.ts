/**
 * `redline audit` config in TypeScript (bundled with esbuild; imports work). The flow is a script:
 * examples/native/login-flow.ts, run with the audit's users and durations (its own stages are
 * replaced). From the repository root:
 *   npx redline audit examples/redline.config.ts --plan-only
 *   npx redline audit examples/redline.config.ts --sizing compact --skip spike
 * Every key is described in docs/audit.md.
 */

/** Seconds of the soak step: longer in CI nightly runs. */
const soak = process.env['CI_NIGHTLY'] ? '30m' : '2m';

export default {
  name: 'demo shop (TypeScript config)',
  target: {
    url: 'http://127.0.0.1:{port}',
    command: ['node', 'dist/demo/main.js', '--port', '{port}', '--data-dir', '{workDir}/pgdata'],
    cwd: '..',
    ready: { path: '/health', timeout: '2m' },
  },
  database: { url: 'pglite:{workDir}/pgdata' },
  // Stricter than the defaults on latency; the other rows keep the default values.
  criteria: {
    p95: { target: '300ms', acceptable: '500ms' },
    p99: { target: '400ms', acceptable: '700ms' },
  },
  flow: { script: './native/login-flow.ts' },
  users: 5,
  steps: {
    soak: { duration: soak, heapCheck: '5s' },
    profile: { duration: '30s' },
  },
  out: 'redline-report',
};
