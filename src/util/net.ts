/** Small network helpers: a free loopback port, waiting until a port answers. */
import { createConnection, createServer } from 'node:net';

/** Asks the OS for a free TCP port on 127.0.0.1. */
export function findFreePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Resolves once a TCP connection to host:port succeeds; rejects after `timeoutMs`.
 * Polls every `intervalMs` (bounded by the timeout).
 */
export async function waitForPort(
  port: number,
  host = '127.0.0.1',
  timeoutMs = 10_000,
  intervalMs = 50,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ port, host });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() >= deadline)
      throw new Error(`nothing answered on ${host}:${port} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** `$PORT` or `${PORT}` in a target URL: the port Redline picks and gives the target as $PORT. */
const PORT_PLACEHOLDER = /\$\{PORT\}|\$PORT\b/g;

/** True when `url` names the started target's port as `$PORT` / `${PORT}` instead of a number. */
export function hasPortPlaceholder(url: string): boolean {
  return url.search(PORT_PLACEHOLDER) !== -1;
}

/**
 * The URL the load goes to for a target Redline starts, and the port to pass it as $PORT:
 * no URL → a free port and `http://127.0.0.1:<port>/`; a URL with `$PORT` → a free port put in
 * its place (`--url 'http://127.0.0.1:$PORT/price'`); any other URL → unchanged, no port.
 */
export async function resolveStartedTargetUrl(
  url: string | undefined,
): Promise<{ url: string; port?: number }> {
  if (url !== undefined && !hasPortPlaceholder(url)) return { url };
  const port = await findFreePort();
  if (url === undefined) return { url: `http://127.0.0.1:${port}/`, port };
  return { url: fillPortPlaceholder(url, port), port };
}

/** `url` with its `$PORT` / `${PORT}` replaced by `port`. */
export function fillPortPlaceholder(url: string, port: number): string {
  return url.replace(PORT_PLACEHOLDER, String(port));
}
