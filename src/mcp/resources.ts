/**
 * MCP resources: the latest run and every saved result, report and profile (read from the
 * results folder, secrets redacted), the script API's type definitions, the script best
 * practices, every documentation file, and the guard-rail configuration in force.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type McpServer, ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { ReadResourceResult } from '@modelcontextprotocol/sdk/types.js';
import { createReportModel, RENDERERS } from '../report/index.js';
import { readResultFile } from '../results/read-result.js';
import { redactText } from '../util/redact.js';
import { compiledModuleUrl } from '../util/runtime-path.js';
import { describeMcpConfig } from './config.js';
import { DOCS_DIR, docFiles } from './docs-index.js';
import type { ResultEntry } from './results.js';
import { summarizeRun } from './run-summary.js';
import type { ToolDeps } from './tools/define.js';

/** The best-practices guide served as a resource (also searchable by search_docs). */
export const BEST_PRACTICES_FILE = join(DOCS_DIR, 'script-best-practices.md');

/** Files re-exported by the native script module, in the order the type resource lists them. */
const SCRIPT_API_DTS = [
  'script/modules/redline.d.ts',
  'script/api/http-api.d.ts',
  'script/vu-http/response.d.ts',
  'script/vu-http/vu-http.d.ts',
  'script/api/checks.d.ts',
  'script/api/flow.d.ts',
  'script/api/custom-metrics.d.ts',
  'script/api/execution.d.ts',
  'script/api/shared-data.d.ts',
];

/** The script API's type definitions: types/globals.d.ts and the native module's declarations. */
export function scriptApiTypes(): string {
  const globals = fileURLToPath(new URL('../../types/globals.d.ts', import.meta.url));
  const parts = [
    `// ===== types/globals.d.ts (redline/globals) =====\n${readFileSync(globals, 'utf8')}`,
  ];
  const redline = dirname(
    fileURLToPath(compiledModuleUrl('../script/modules/redline.js', import.meta.url)),
  );
  const dist = join(redline, '..', '..');
  for (const file of SCRIPT_API_DTS) {
    const path = join(dist, file);
    if (existsSync(path))
      parts.push(`// ===== ${file} (import from 'redline') =====\n${readFileSync(path, 'utf8')}`);
  }
  return parts.join('\n\n');
}

function text(uri: URL, body: string, mimeType = 'text/plain'): ReadResourceResult {
  return { contents: [{ uri: uri.href, mimeType, text: body }] };
}

async function entryView(deps: ToolDeps, entry: ResultEntry): Promise<Record<string, unknown>> {
  const dir = deps.store.dirOf(entry.id);
  const resultFile = entry.files['result'] ? join(dir, entry.files['result']) : undefined;
  if (entry.kind === 'profile') {
    const path = join(dir, 'profile.json');
    const profile = existsSync(path)
      ? (JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>)
      : undefined;
    return {
      ...entry,
      ...(profile ? { findings: profile['findings'], files: profile['files'] } : {}),
    };
  }
  if (!resultFile || !existsSync(resultFile)) return { ...entry };
  const parsed = await readResultFile(resultFile);
  if (parsed.kind === 'run') return { ...entry, summary: summarizeRun(parsed.run) };
  return {
    ...entry,
    findings: parsed.audit.findings,
    steps: parsed.audit.steps.map((s) => ({ kind: s.kind, valid: s.valid })),
  };
}

/** Registers every resource. */
export function registerResources(server: McpServer, deps: ToolDeps): void {
  const secrets = { secrets: deps.config.secrets };
  const json = (uri: URL, value: unknown) =>
    text(uri, redactText(JSON.stringify(value, null, 2), secrets), 'application/json');
  const listOf =
    (kind?: ResultEntry['kind'], scheme = 'results') =>
    async () => ({
      resources: deps.store
        .list()
        .filter((e) => !kind || e.kind === kind)
        .slice(0, 50)
        .map((e) => ({
          uri: `redline://${scheme}/${e.id}`,
          name: e.id,
          description: `${e.kind} ${e.status}: ${e.target}`,
          mimeType: scheme === 'reports' ? 'text/markdown' : 'application/json',
        })),
    });

  server.registerResource(
    'latest-run',
    'redline://results/latest',
    {
      title: 'Latest load test',
      description: 'The newest load test saved by run_load_test (summary figures, status, files)',
      mimeType: 'application/json',
    },
    async (uri) => {
      const latest = deps.store.list().find((e) => e.kind === 'run');
      return latest
        ? json(uri, await entryView(deps, latest))
        : text(uri, 'no load test has run yet');
    },
  );

  server.registerResource(
    'result',
    new ResourceTemplate('redline://results/{id}', { list: listOf() }),
    {
      title: 'Saved result',
      description: 'A saved load test, audit, profile or validation by id',
      mimeType: 'application/json',
    },
    async (uri, { id }) => json(uri, await entryView(deps, deps.store.get(String(id)))),
  );

  server.registerResource(
    'report',
    new ResourceTemplate('redline://reports/{id}', { list: listOf(undefined, 'reports') }),
    {
      title: 'Report',
      description: 'The Markdown report of a saved load test or audit',
      mimeType: 'text/markdown',
    },
    async (uri, { id }) => {
      const entry = deps.store.get(String(id));
      const file = entry.files['result']
        ? join(deps.store.dirOf(entry.id), entry.files['result'])
        : undefined;
      if (!file || !existsSync(file))
        return text(uri, `${entry.id} (${entry.kind}, ${entry.status}) has no report`);
      const model = createReportModel(await readResultFile(file), secrets);
      return text(uri, RENDERERS.md.render(model), 'text/markdown');
    },
  );

  server.registerResource(
    'profile',
    new ResourceTemplate('redline://profiles/{id}', { list: listOf('profile', 'profiles') }),
    {
      title: 'Profile analysis',
      description: 'The analysis of a profile_service capture: findings, hot lines, tables',
      mimeType: 'application/json',
    },
    async (uri, { id }) => {
      const entry = deps.store.get(String(id));
      const path = join(deps.store.dirOf(entry.id), 'profile.json');
      return existsSync(path)
        ? json(uri, JSON.parse(readFileSync(path, 'utf8')))
        : text(uri, `${entry.id} has no analysis`);
    },
  );

  server.registerResource(
    'script-api-types',
    'redline://types/script-api.d.ts',
    {
      title: 'Script API type definitions',
      description:
        "TypeScript declarations of Redline's script API: the globals (__ENV, __VU, __ITER, open) and the native module 'redline' (http, check, group, sleep, metrics, exec). k6 scripts use k6/* modules as documented in docs/k6-compatibility.md.",
      mimeType: 'text/plain',
    },
    async (uri) => text(uri, scriptApiTypes()),
  );

  server.registerResource(
    'best-practices',
    'redline://docs/best-practices',
    {
      title: 'Load-test script best practices',
      description:
        'How to write Redline/k6 scripts that measure what you mean: structure, checks, thresholds, think time, data, scenarios',
      mimeType: 'text/markdown',
    },
    async (uri) => text(uri, readFileSync(BEST_PRACTICES_FILE, 'utf8'), 'text/markdown'),
  );

  server.registerResource(
    'doc',
    new ResourceTemplate('redline://docs/file/{name}', {
      list: async () => ({
        resources: docFiles().map(([name]) => ({
          uri: `redline://docs/file/${encodeURIComponent(name)}`,
          name,
          mimeType: 'text/markdown',
        })),
      }),
    }),
    {
      title: 'Documentation file',
      description: "A file of Redline's documentation",
      mimeType: 'text/markdown',
    },
    async (uri, { name }) => {
      const wanted = decodeURIComponent(String(name));
      const found = docFiles().find(([n]) => n === wanted);
      return found
        ? text(uri, readFileSync(found[1], 'utf8'), 'text/markdown')
        : text(uri, `no document ${wanted}`);
    },
  );

  server.registerResource(
    'guard-rails',
    'redline://config',
    {
      title: 'Guard rails in force',
      description:
        'The MCP guard-rail configuration: allowed targets, limits, allowed commands, database permissions',
      mimeType: 'application/json',
    },
    async (uri) => json(uri, describeMcpConfig(deps.config)),
  );
}
