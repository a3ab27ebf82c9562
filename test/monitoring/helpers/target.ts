/** Test helper: a tiny HTTP target on 127.0.0.1 (port 0) that answers every request with 200. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Starts the target; a few milliseconds of work per request give latencies a spread. */
export async function startTarget(): Promise<Server> {
  const server = createServer((req, res) => {
    const delay = req.url?.includes('slow') ? 5 : 0;
    setTimeout(() => res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n'), delay);
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

/** The URL of a started target. */
export function targetUrl(server: Server, path = '/'): string {
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`;
}
