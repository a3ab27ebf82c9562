// `redline mcp --http 127.0.0.1:0` end to end with the SDK's Streamable HTTP client: the same tools,
// progress and cancellation as over stdio, plus the HTTP server's own protections.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CLI,
  callTool,
  cancelRunMidway,
  connectHttp,
  createWorkspace,
  readCallLog,
  startCounter,
} from './helpers.js';

const built = existsSync(join(CLI, '../../dist/mcp/serve.js'));

let workspace: { dir: string; cleanup: () => void };
let session: Awaited<ReturnType<typeof connectHttp>>;

beforeAll(async () => {
  if (!built) return;
  workspace = createWorkspace('limits: { maxDuration: 1m, maxConnections: 10 }\n');
  session = await connectHttp(workspace.dir);
});
afterAll(async () => {
  await session?.close();
  workspace?.cleanup();
});

/** A raw POST to the server with chosen Host/Origin headers. */
function rawPost(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((done, fail) => {
    const req = request(
      url,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          ...headers,
        },
      },
      (res) => {
        res.resume();
        done(res.statusCode ?? 0);
      },
    );
    req.on('error', fail);
    req.end(
      JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: {
          protocolVersion: '2025-06-18',
          capabilities: {},
          clientInfo: { name: 'x', version: '1' },
        },
      }),
    );
  });
}

describe.skipIf(!built)('redline mcp over Streamable HTTP (needs npm run build)', () => {
  it('serves the same tools', async () => {
    const { tools } = await session.client.listTools();
    expect(tools.map((t) => t.name)).toEqual(
      expect.arrayContaining([
        'run_load_test',
        'profile_service',
        'explain_query',
        'validate_script',
        'search_docs',
      ]),
    );
    expect(session.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
  });

  it('runs a load test with progress notifications over SSE', async () => {
    const server = await startCounter();
    try {
      const run = await callTool(session.client, 'run_load_test', {
        url: `${server.url}/`,
        duration: '2s',
        connections: 2,
      });
      expect(run.result.isError, run.text).toBeFalsy();
      expect(run.data['status']).toBe('completed');
      expect((run.data['requests'] as { count: number }).count).toBeGreaterThan(0);
      expect(
        run.progress.filter((p) => /req\/s · p99/.test(p.message ?? '')).length,
      ).toBeGreaterThanOrEqual(1);
    } finally {
      await server.close();
    }
  });

  it('cancels a run midway; the partial result is kept', async () => {
    const server = await startCounter();
    try {
      const entry = await cancelRunMidway(session.client, `${server.url}/`);
      expect(entry).toMatchObject({ status: 'interrupted' });
      const report = await callTool(session.client, 'read_report', { id: entry['id'] });
      expect(report.data['reason']).toBe('interrupted');
      expect((report.data['requests'] as { count: number }).count).toBeGreaterThan(0);
    } finally {
      await server.close();
    }
  });

  it('refuses over the guard rails, and logs the calls of every session', async () => {
    const refused = await callTool(session.client, 'run_load_test', {
      url: 'http://192.0.2.10/',
      duration: '1s',
    });
    expect(refused.result.isError).toBe(true);
    expect(refused.text).toContain(
      'refused by the guard rails: url: 192.0.2.10 is not an allowed target',
    );
    const tooMany = await callTool(session.client, 'run_load_test', {
      url: 'http://127.0.0.1:9/',
      connections: 11,
    });
    expect(tooMany.text).toContain('connections: 11, over the limit of 10');
    const log = readCallLog(workspace.dir);
    expect(log.filter((l) => l['outcome'] === 'refused')).toHaveLength(2);
    for (const line of log) expect(line['session']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-/);
  });

  it('answers only requests addressed to its loopback name (DNS-rebinding protection)', async () => {
    const { port } = new URL(session.url);
    expect(await rawPost(session.url, { host: `evil.example:${port}` })).toBe(403);
    expect(await rawPost(session.url, { origin: 'http://evil.example' })).toBe(403);
    expect(await rawPost(session.url, { origin: `http://127.0.0.1:${port}` })).toBe(200);
  });

  it('will not listen on a non-loopback address', () => {
    const run = spawnSync(process.execPath, [CLI, 'mcp', '--http', '0.0.0.0:0'], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--http must listen on a loopback address, not 0.0.0.0');
  });
});
