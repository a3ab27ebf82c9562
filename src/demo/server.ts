/** The node:http server of the demo: routing, JSON replies and errors, and the per-request history hook. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { DemoApp } from './app.js';
import { DEMO_ROUTE_TABLE } from './routes/index.js';
import { isHttpError } from './web/http-error.js';
import { createRouter, type Router } from './web/router.js';

/** Called with unexpected (non-HTTP) errors; the client gets a generic 500. */
export type DemoErrorLogger = (error: unknown, req: IncomingMessage) => void;

/** Creates the HTTP server (not yet listening). */
export function createDemoHttpServer(app: DemoApp, logError: DemoErrorLogger): Server {
  const router = createRouter(DEMO_ROUTE_TABLE);
  return createServer((req, res) => {
    void handleRequest(app, router, logError, req, res);
  });
}

async function handleRequest(
  app: DemoApp,
  router: Router<DemoApp>,
  logError: DemoErrorLogger,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const started = performance.now();
  let status: number;
  let payload: string | undefined;
  try {
    const url = new URL(req.url ?? '/', 'http://demo.invalid');
    const { route, params } = router.match(req.method ?? 'GET', url.pathname);
    const reply = await route.handler({ req, url, params, app });
    status = reply.status ?? 200;
    const sent = sendJson(res, status, reply.body, reply.headers);
    if (!reply.private) payload = sent;
  } catch (error) {
    status = sendError(res, error, req, logError);
  }
  app.requestLog.remember(req, status, performance.now() - started, payload);
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): string | undefined {
  if (res.headersSent) return undefined;
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(payload),
  });
  res.end(payload);
  return payload;
}

function sendError(
  res: ServerResponse,
  error: unknown,
  req: IncomingMessage,
  logError: DemoErrorLogger,
): number {
  if (isHttpError(error)) {
    const body = { error: { code: error.code, message: error.message } };
    sendJson(res, error.status, body, error.headers);
    return error.status;
  }
  logError(error, req);
  sendJson(res, 500, { error: { code: 'internal', message: 'internal server error' } });
  return 500;
}
