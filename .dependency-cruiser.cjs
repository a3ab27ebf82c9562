// @ts-check
/**
 * The layering of src/, enforced by dependency-cruiser (`npm run layers`, part of `npm test`).
 * docs/architecture.md explains the layers; this file is where they are checked.
 *
 * How it works: every import between two files of src/ (type-only imports included; tests
 * excluded) must match an `allowed` rule, or the check fails. The allowed rules are
 * generated from LAYERS (a folder may import itself and the folders listed for it, and LAYERS is
 * a DAG, so no cycle between top-level folders can appear); there is no exception. The
 * `forbidden` rules add two more contracts: a domain folder with an index.ts surface is imported
 * only through it, and product code never imports test fixtures.
 */

/**
 * For each top-level folder of src/: the other folders it may import. Listed bottom-up; a new
 * top-level folder must be added here (anything it imports or is imported by fails otherwise).
 */
const LAYERS = {
  // Base: imported by everything, import nothing of src/.
  errors: [],
  util: [],
  // Shared models: the Finding type, metric kinds and aggregates, result file formats.
  findings: ['errors', 'util'],
  metrics: ['errors', 'util'],
  results: ['findings', 'metrics', 'errors', 'util'],
  // Domain libraries.
  http: ['metrics', 'errors', 'util'],
  db: ['findings', 'errors', 'util'],
  profiler: ['findings', 'errors', 'util'],
  probe: ['db', 'findings', 'errors', 'util'],
  compare: ['results', 'errors', 'util'],
  report: ['compare', 'results', 'findings', 'errors', 'util'],
  outputs: ['results', 'metrics', 'http', 'errors', 'util'], // http: sinks classify network errors as the client does
  slo: ['outputs', 'errors', 'util'],
  thresholds: ['outputs', 'results', 'metrics', 'errors', 'util'],
  k8s: ['errors', 'util'], // Kubernetes manifests of a distributed test, and kubectl
  // A test run: the executors, options and plan, user scripts, the run lifecycle.
  executors: ['metrics', 'errors', 'util'],
  config: ['executors', 'thresholds', 'http', 'metrics', 'errors', 'util'],
  script: ['config', 'http', 'metrics', 'errors', 'util'],
  engine: [
    'script',
    'config',
    'executors',
    'thresholds',
    'outputs',
    'http',
    'metrics',
    'results',
    'errors',
    'util',
  ],
  // The performance engineer: runs the domains against one target.
  audit: [
    'engine',
    'report',
    'compare',
    'results',
    'db',
    'probe',
    'profiler',
    'slo',
    'findings',
    'errors',
    'util',
  ],
  // Entry points: the bundled demo service (and its audit config), the MCP server for agents,
  // the command line.
  demo: ['audit', 'results', 'errors', 'util'],
  mcp: [
    'audit',
    'engine',
    'script',
    'config',
    'executors',
    'thresholds',
    'slo',
    'outputs',
    'report',
    'compare',
    'profiler',
    'probe',
    'db',
    'http',
    'results',
    'metrics',
    'findings',
    'errors',
    'util',
  ],
  cli: [
    'k8s',
    'mcp',
    'demo',
    'audit',
    'engine',
    'script',
    'config',
    'executors',
    'thresholds',
    'slo',
    'outputs',
    'report',
    'compare',
    'profiler',
    'probe',
    'db',
    'http',
    'results',
    'metrics',
    'findings',
    'errors',
    'util',
  ],
};

/**
 * Domain folders used as one unit: other folders import them only through index.ts (plus the
 * extra entry files listed; paths relative to the folder).
 */
const SURFACES = {
  audit: [],
  compare: [],
  k8s: [],
  db: ['sql/normalize.ts'], // driver-free SQL normaliser: the probe runs inside the user's app
  engine: ['script-run/run-script.ts'], // scripted runs: loaded lazily by the commands that run scripts
  probe: [],
  profiler: [],
  report: [],
  slo: [],
  thresholds: [],
};

const folders = Object.keys(LAYERS);
const escapeRegExp = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const anyOf = (names) => `^src/(${names.map(escapeRegExp).join('|')})/`;

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  allowed: [
    ...folders.map((folder) => ({
      comment: `layer: ${folder} may import ${LAYERS[folder].join(', ') || 'nothing else'}`,
      from: { path: anyOf([folder]) },
      to: { path: anyOf([folder, ...LAYERS[folder]]) },
    })),
    {
      comment:
        'test fixtures (__fixtures__) may import anything in src/; product code never imports them',
      from: { path: '/__fixtures__/' },
      to: { path: '^src/' },
    },
  ],
  allowedSeverity: 'error',
  forbidden: [
    ...Object.entries(SURFACES).map(([folder, entries]) => ({
      name: `through-${folder}-surface`,
      comment: `other folders import ${folder}/ through ${folder}/index.ts${entries.length ? ` (or ${entries.join(', ')})` : ''}`,
      severity: 'error',
      from: {
        path: '^src/',
        pathNot: [anyOf([folder]), '/__fixtures__/'],
      },
      to: {
        path: anyOf([folder]),
        pathNot: `^src/${escapeRegExp(folder)}/(${['index.ts', ...entries].map(escapeRegExp).join('|')})$`,
      },
    })),
    {
      name: 'no-product-import-of-fixtures',
      comment: 'product code never imports test fixtures',
      severity: 'error',
      from: { path: '^src/', pathNot: '/__fixtures__/' },
      to: { path: '/__fixtures__/' },
    },
  ],
  options: {
    includeOnly: '^src/',
    exclude: { path: '\\.test\\.ts$' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
  },
};
