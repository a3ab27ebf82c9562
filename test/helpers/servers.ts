/** Test servers on 127.0.0.1 port 0 with controlled behaviour (real sockets, no mocks). */
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import { createServer as createNetServer, type Server, type Socket } from 'node:net';

/** A started server: its base URL and a close function that also drops open connections. */
export interface TestServer {
  url: string;
  port: number;
  /** Requests (or connections, for raw servers) seen so far. */
  count(): number;
  close(): Promise<void>;
}

/** The open connections of `server` (TCP sockets, TLS servers' too). */
export function track(server: Server): { sockets: Set<Socket> } {
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  return { sockets };
}

/** Listens on 127.0.0.1 port 0; resolves with the port. */
export async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return typeof address === 'object' && address ? address.port : 0;
}

/** An HTTP server running `handler` for every request. */
export async function startHttpServer(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<TestServer> {
  let requests = 0;
  const server = createHttpServer((req, res) => {
    requests++;
    handler(req, res);
  });
  server.keepAliveTimeout = 60_000;
  const { sockets } = track(server);
  const port = await listen(server);
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    count: () => requests,
    close: () => closeWithSockets(server, sockets),
  };
}

/** Closes `server` once its open connections `sockets` (see {@link track}) are destroyed. */
export function closeWithSockets(server: Server, sockets: Set<Socket>): Promise<void> {
  return new Promise((resolve) => {
    for (const s of sockets) s.destroy();
    server.close(() => resolve());
  });
}

/** A {@link TestServer} that counts its requests per path. */
export interface CountingServer extends TestServer {
  /** Requests per path (`/shared` -> 20); tests may clear it between runs. */
  counts: Map<string, number>;
}

/** An HTTP server answering `ok` to every request and counting the requests per path. */
export async function startCountingServer(): Promise<CountingServer> {
  const counts = new Map<string, number>();
  const server = await startHttpServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    counts.set(path, (counts.get(path) ?? 0) + 1);
    res.end('ok');
  });
  return { ...server, counts };
}

/**
 * A raw TCP server: `onRequest(socket, n)` is called for each request head received (n counts
 * from 1 per server), so tests can answer with arbitrary bytes.
 */
export async function startRawServer(
  onRequest: (socket: Socket, n: number) => void,
): Promise<TestServer> {
  let n = 0;
  const server = createNetServer((socket) => {
    let buffered = '';
    socket.on('data', (chunk) => {
      buffered += chunk.toString('latin1');
      let end = buffered.indexOf('\r\n\r\n');
      while (end !== -1) {
        buffered = buffered.slice(end + 4);
        n++;
        onRequest(socket, n);
        end = buffered.indexOf('\r\n\r\n');
      }
    });
    socket.on('error', () => {});
  });
  const { sockets } = track(server);
  const port = await listen(server);
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    count: () => n,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Starts a server script in its own Node process; it must print `listening <port>` when ready. */
export async function startChildServer(script: string, args: string[] = []): Promise<TestServer> {
  const { spawn } = await import('node:child_process');
  const child = spawn(process.execPath, [script, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let text = '';
    const timer = setTimeout(
      () => reject(new Error(`${script} did not start within 10 s`)),
      10_000,
    );
    child.stdout.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const match = /listening (\d+)/.exec(text);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    count: () => Number.NaN,
    close: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
