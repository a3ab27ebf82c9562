/** The target of the k6-compat corpus: one loopback HTTP server with the routes k6 scripts exercise. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import { startHttpServer, type TestServer } from '../../helpers/servers.js';

/** What the server saw of one request (for assertions on headers, bodies and cookies). */
export interface SeenRequest {
  method: string;
  path: string;
  /** Path and query string as sent. */
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
  /** Client port of the connection that carried it (distinct ports = distinct connections). */
  remotePort: number;
}

/** The corpus server: a {@link TestServer} plus per-path counts and the requests it saw. */
export interface K6Server extends TestServer {
  /** Requests to `path` (without the query string) so far. */
  hits(path: string): number;
  /** Every request seen, oldest first (bounded to the last 5000). */
  seen: SeenRequest[];
  /** Distinct client connections that carried the requests seen. */
  connections(): number;
  /** Forgets counts and requests (between tests). */
  reset(): void;
}

const TOKEN = 'tok-corpus-123';
const ITEMS = Array.from({ length: 50 }, (_, i) => ({
  id: i + 1,
  name: `item-${i + 1}`,
  price: (i + 1) * 10,
}));

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string | string[]> = {},
): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const type = typeof body === 'string' ? 'text/plain' : 'application/json';
  res.writeHead(status, { 'content-type': type, ...headers });
  res.end(text);
}

function cookiesOf(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) out[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return out;
}

function fieldsOf(req: IncomingMessage, body: string): Record<string, string> {
  if ((req.headers['content-type'] ?? '').includes('application/json')) {
    try {
      return JSON.parse(body) as Record<string, string>;
    } catch {
      return {};
    }
  }
  return Object.fromEntries(new URLSearchParams(body));
}

function route(req: IncomingMessage, res: ServerResponse, url: URL, body: string): void {
  const path = url.pathname;
  const status = /^\/status\/(\d{3})$/.exec(path);
  if (status) return send(res, Number(status[1]), `status ${status[1]}`);
  const delay = /^\/delay\/(\d+)$/.exec(path);
  if (delay)
    return void setTimeout(() => send(res, 200, { delayed: Number(delay[1]) }), Number(delay[1]));
  switch (path) {
    case '/ok':
      return send(res, 200, 'ok');
    case '/json':
      return send(res, 200, {
        user: { name: 'Ada', roles: ['admin', 'dev'] },
        items: ITEMS.slice(0, 3),
        'dotted.key': 7,
        empty: [],
      });
    case '/echo':
      return send(res, 200, {
        method: req.method,
        url: req.url,
        headers: req.headers,
        body,
        cookies: cookiesOf(req),
      });
    case '/auth/login': {
      const fields = fieldsOf(req, body);
      if (req.method !== 'POST') return send(res, 405, { error: 'method' });
      if (fields['email'] === 'test@example.com' && fields['password'] === 'password123')
        return send(res, 200, { token: TOKEN });
      return send(res, 401, { error: 'invalid_credentials' });
    }
    case '/users/me':
      if (req.headers.authorization !== `Bearer ${TOKEN}`)
        return send(res, 401, { error: 'unauthorized' });
      return send(res, 200, { id: 1, email: 'test@example.com' });
    case '/items': {
      if (req.headers.authorization !== `Bearer ${TOKEN}`)
        return send(res, 401, { error: 'unauthorized' });
      const limit = Math.min(50, Number(url.searchParams.get('limit') ?? 20));
      return send(res, 200, { items: ITEMS.slice(0, limit), total: ITEMS.length });
    }
    case '/set-cookie': {
      const cookies = [...url.searchParams].map(([k, v]) => `${k}=${v}; Path=/`);
      return send(res, 200, 'cookies set', { 'set-cookie': cookies });
    }
    case '/cookies':
      return send(res, 200, cookiesOf(req));
    case '/redirect':
      res.writeHead(302, { location: '/ok' });
      return void res.end();
    case '/gzip': {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      return void res.end(gzipSync(JSON.stringify({ compressed: true })));
    }
    case '/big':
      return send(res, 200, 'x'.repeat(64 * 1024));
    default:
      return send(res, 404, { error: 'not found', path });
  }
}

/** Starts the corpus server on 127.0.0.1, port 0. */
export async function startK6Server(): Promise<K6Server> {
  const hits = new Map<string, number>();
  const seen: SeenRequest[] = [];
  const server = await startHttpServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const body = Buffer.concat(chunks).toString('utf8');
      hits.set(url.pathname, (hits.get(url.pathname) ?? 0) + 1);
      seen.push({
        method: req.method ?? '',
        path: url.pathname,
        url: req.url ?? '',
        headers: req.headers,
        body,
        remotePort: req.socket.remotePort ?? 0,
      });
      if (seen.length > 5000) seen.shift();
      route(req, res, url, body);
    });
  });
  return {
    ...server,
    hits: (path) => hits.get(path) ?? 0,
    seen,
    connections: () => new Set(seen.map((r) => r.remotePort)).size,
    reset: () => {
      hits.clear();
      seen.length = 0;
    },
  };
}
