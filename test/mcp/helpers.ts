/** Starting `redline mcp` (the built CLI) with a config in a temp workspace, and the SDK's own client. */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult, Progress } from '@modelcontextprotocol/sdk/types.js';

/** The repository root. */
export const ROOT = resolve(import.meta.dirname, '../..');
/** The built CLI. */
export const CLI = join(ROOT, 'bin/redline.js');
/** The fixture folder. */
export const FIXTURES = join(import.meta.dirname, 'fixtures');

/** A temp workspace with a guard-rail config (YAML text) and the fixtures copied in. */
export function createWorkspace(configYaml: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'redline-mcp-e2e-'));
  writeFileSync(join(dir, 'redline.mcp.yaml'), configYaml);
  copyFileSync(join(FIXTURES, 'hot-app.mjs'), join(dir, 'hot-app.mjs'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A connected client and how to stop everything. */
export interface Session {
  client: Client;
  close(): Promise<void>;
  /** What the server printed on stderr so far. */
  stderr(): string;
}

/** Starts `redline mcp` over stdio in `cwd` and connects the SDK client. */
export async function connectStdio(cwd: string): Promise<Session> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [CLI, 'mcp'],
    cwd,
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const client = new Client({ name: 'redline-e2e', version: '1.0.0' });
  await client.connect(transport);
  return { client, close: () => client.close(), stderr: () => stderr };
}

/** Starts `redline mcp --http 127.0.0.1:0` in `cwd` and connects over Streamable HTTP. */
export async function connectHttp(cwd: string): Promise<Session & { url: string }> {
  const child = spawn(process.execPath, [CLI, 'mcp', '--http', '127.0.0.1:0'], {
    cwd,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  const url = await new Promise<string>((done, fail) => {
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const match = /ready on (http:\/\/\S+?\/mcp)/.exec(stderr);
      if (match) done(match[1] as string);
    });
    child.once('exit', (code) => fail(new Error(`redline mcp exited ${code}: ${stderr}`)));
  });
  const client = new Client({ name: 'redline-e2e-http', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(url)));
  return {
    client,
    url,
    stderr: () => stderr,
    close: async () => {
      await client.close();
      const exited = new Promise((done) => child.once('exit', done));
      child.kill('SIGINT');
      await exited;
    },
  };
}

/** A tool call's result with the progress notifications it sent. */
export interface CallOutcome {
  result: CallToolResult;
  progress: Progress[];
  text: string;
  data: Record<string, unknown>;
}

/** Calls a tool, collecting progress notifications. */
export async function callTool(
  client: Client,
  name: string,
  args: Record<string, unknown>,
  options: { signal?: AbortSignal; onProgress?: (p: Progress) => void } = {},
): Promise<CallOutcome> {
  const progress: Progress[] = [];
  const result = (await client.callTool({ name, arguments: args }, undefined, {
    onprogress: (p) => {
      progress.push(p);
      options.onProgress?.(p);
    },
    timeout: 180_000,
    ...(options.signal ? { signal: options.signal } : {}),
  })) as CallToolResult;
  const content = result.content as Array<{ type: string; text: string }>;
  const text = content.map((c) => c.text).join('\n');
  const data = (result.structuredContent ?? {}) as Record<string, unknown>;
  return { result, progress, text, data };
}

/** A local HTTP server counting requests (port 0, 127.0.0.1 unless `host`). */
export async function startCounter(
  handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.end('ok'),
  host = '127.0.0.1',
): Promise<{ url: string; requests: () => number; close: () => Promise<void> }> {
  let requests = 0;
  const server = createServer((req, res) => {
    requests++;
    handler(req, res);
  });
  await new Promise<void>((done) => server.listen(0, host, done));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://${host}:${port}`,
    requests: () => requests,
    close: () =>
      new Promise((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

/** The lines of the tool-call log. */
export function readCallLog(dir: string): Array<Record<string, unknown>> {
  return readFileSync(join(dir, 'redline-results', 'mcp-calls.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** Polls list_results until the newest entry is no longer running. */
export async function waitUntilSettled(client: Client): Promise<Record<string, unknown>> {
  for (let i = 0; i < 300; i++) {
    const { data } = await callTool(client, 'list_results', { limit: 1 });
    const entry = (data['results'] as Array<Record<string, unknown>>)[0];
    if (entry && entry['status'] !== 'running') return entry;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the newest result is still running after 30 s');
}

/**
 * Starts a 30 s load test on `url` and cancels it at its first live progress notification; the
 * call must reject (no response follows a cancelled request). Returns the settled entry.
 */
export async function cancelRunMidway(
  client: Client,
  url: string,
): Promise<Record<string, unknown>> {
  const controller = new AbortController();
  const call = callTool(
    client,
    'run_load_test',
    { url, duration: '30s', connections: 2 },
    {
      signal: controller.signal,
      onProgress: (p) => {
        if (/req\/s/.test(p.message ?? '')) controller.abort('enough');
      },
    },
  );
  await call.then(
    () => {
      throw new Error('the cancelled call answered');
    },
    () => undefined,
  );
  return waitUntilSettled(client);
}
