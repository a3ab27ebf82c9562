/**
 * Serving the MCP server: over stdio (the client starts `redline mcp`), or over Streamable HTTP on
 * a loopback address (`redline mcp --http 127.0.0.1:PORT`, one session per client, endpoint
 * /mcp). The HTTP server has no authentication, so it only binds loopback addresses and refuses
 * requests whose Host or Origin header names another host (DNS-rebinding protection).
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { ExitCode } from '../errors/exit-codes.js';
import { RedlineError } from '../errors/redline-error.js';
import { interruptAllChildren, waitForChildren } from './child/run-cli.js';
import type { McpConfig } from './config.js';
import { docsIndex } from './docs-index.js';
import { normalizeAddress } from './guard/allow-list.js';
import { createMcpServer, createToolDeps } from './server.js';
import type { ToolDeps } from './tools/define.js';

/** Largest request body read (JSON-RPC messages are small). */
const MAX_BODY_BYTES = 4 << 20;

/** Prepares what every transport shares; fails when the call log cannot be written. */
export async function prepareServer(config: McpConfig): Promise<ToolDeps> {
  const deps = createToolDeps(config);
  try {
    await deps.log.check();
  } catch (cause) {
    throw new RedlineError('MCP_LOG', `cannot write the tool-call log ${config.auditLog}`, {
      exitCode: ExitCode.CannotWrite,
      cause,
      hint: 'set auditLog (or results) in the MCP config to a writable path',
    });
  }
  docsIndex();
  return deps;
}

/** Stops the children still running (they write partial results) and waits a little for them. */
async function stopChildren(): Promise<void> {
  if (interruptAllChildren() > 0) await waitForChildren(25_000);
}

/** Serves one session over stdin/stdout until stdin closes. */
export async function serveStdio(config: McpConfig, log: (line: string) => void): Promise<void> {
  const deps = await prepareServer(config);
  // stdout carries the protocol: anything a library logs goes to stderr instead.
  console.log = console.info = console.debug = console.warn;
  const server = createMcpServer(deps);
  const transport = new StdioServerTransport();
  const closed = new Promise<void>((resolve) => {
    transport.onclose = () => resolve();
    process.stdin.once('end', () => resolve());
  });
  await server.connect(transport);
  log(`ready on stdio; guard rails: ${config.source}; results: ${config.resultsDir}`);
  await closed;
  await stopChildren();
  await server.close().catch(() => {});
}

/** A running HTTP server. */
export interface HttpMcpServer {
  url: string;
  close(): Promise<void>;
}

/** Parses `127.0.0.1:PORT`, `[::1]:PORT` or `localhost:PORT`; refuses non-loopback addresses. */
export function parseListenAddress(text: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(text.trim());
  const host = match ? ((match[1] ?? match[2]) as string) : '';
  const port = match ? Number(match[3]) : Number.NaN;
  if (!match || !(port >= 0 && port <= 65535)) {
    throw new RedlineError('E_USAGE_VALUE', `invalid value for --http: "${text}"`, {
      exitCode: ExitCode.Usage,
      hint: 'use --http 127.0.0.1:PORT (PORT 0 picks a free one)',
    });
  }
  const address = normalizeAddress(host);
  const loopback =
    host === 'localhost' || (isIP(address) === 4 ? address.startsWith('127.') : address === '::1');
  if (!loopback) {
    throw new RedlineError(
      'E_USAGE_VALUE',
      `--http must listen on a loopback address, not ${host}`,
      {
        exitCode: ExitCode.Usage,
        hint: 'the HTTP transport has no authentication: use 127.0.0.1 (or ::1) and a local client',
      },
    );
  }
  return { host, port };
}

function readBody(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error('request body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      try {
        resolve(
          chunks.length === 0 ? undefined : JSON.parse(Buffer.concat(chunks).toString('utf8')),
        );
      } catch (error) {
        reject(error);
      }
    });
    req.on('error', reject);
  });
}

function reply(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message }, id: null }));
}

/** Serves Streamable HTTP on `host:port` (loopback only) at /mcp. */
export async function serveHttp(
  config: McpConfig,
  listen: { host: string; port: number },
  log: (line: string) => void,
): Promise<HttpMcpServer> {
  const deps = await prepareServer(config);
  const sessions = new Map<string, StreamableHTTPServerTransport>();
  let allowedHosts = new Set<string>();
  const http: Server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) reply(res, 500, (error as Error).message);
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/mcp') return reply(res, 404, 'not found: the MCP endpoint is /mcp');
    if (!allowedHosts.has(String(req.headers.host ?? '').toLowerCase()))
      return reply(res, 403, 'forbidden: unexpected Host header');
    const origin = req.headers.origin;
    if (origin !== undefined) {
      let host = '';
      try {
        host = new URL(origin).host.toLowerCase();
      } catch {
        host = '';
      }
      if (!allowedHosts.has(host)) return reply(res, 403, 'forbidden: unexpected Origin header');
    }
    const sessionId = req.headers['mcp-session-id'];
    const existing = typeof sessionId === 'string' ? sessions.get(sessionId) : undefined;
    if (req.method === 'POST') {
      const body = await readBody(req);
      if (existing) return existing.handleRequest(req, res, body);
      if (sessionId !== undefined) return reply(res, 404, 'unknown session');
      if (!isInitializeRequest(body))
        return reply(res, 400, 'bad request: no session; send initialize first');
      const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        onsessioninitialized: (id) => {
          sessions.set(id, transport);
        },
      });
      transport.onclose = () => {
        if (transport.sessionId) sessions.delete(transport.sessionId);
      };
      await createMcpServer(deps).connect(transport);
      return transport.handleRequest(req, res, body);
    }
    if (!existing) return reply(res, 400, 'invalid or missing session id');
    return existing.handleRequest(req, res);
  }

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(listen.port, listen.host, () => resolve());
  });
  const address = http.address();
  const port = typeof address === 'object' && address ? address.port : listen.port;
  const shown = isIP(listen.host) === 6 ? `[${listen.host}]` : listen.host;
  allowedHosts = new Set(
    [shown, '127.0.0.1', 'localhost', '[::1]'].map((h) => `${h}:${port}`.toLowerCase()),
  );
  const url = `http://${shown}:${port}/mcp`;
  log(`ready on ${url}; guard rails: ${config.source}; results: ${config.resultsDir}`);
  return {
    url,
    close: async () => {
      await stopChildren();
      for (const transport of sessions.values()) await transport.close().catch(() => {});
      await new Promise<void>((resolve) => {
        http.close(() => resolve());
        http.closeAllConnections();
      });
    },
  };
}
