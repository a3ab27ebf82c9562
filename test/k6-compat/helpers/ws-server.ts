/**
 * Real WebSocket peers for the protocol tests: the `ws` package's server behind a node:http
 * server, with one path per behaviour (echo, an echo 40 ms late, an echo behind an authorization header, server-initiated close codes, abrupt reset, a TCP
 * reset in the middle of a frame, a reader that never reads, silence, a server ping, fragmented messages, a refused
 * handshake), plus a raw TCP peer that completes the handshake and then never answers a close
 * frame.
 */
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import { WebSocketServer } from 'ws';

/** The running peers. */
export interface WsTestServer {
  /** `ws://127.0.0.1:<port>` of the `ws` server. */
  url: string;
  /** `ws://127.0.0.1:<port>` of the raw peer that ignores close frames. */
  deafUrl: string;
  /** Close frames the deaf peer received (it answers none). */
  deafCloseFrames(): number;
  /** Sessions the `ws` server accepted, per path. */
  sessions(path: string): number;
  /** Messages the `ws` server received on `/echo` and `/slow-echo`, per path. */
  messages(path: string): number;
  close(): Promise<void>;
}

function listen(server: Server | TcpServer): Promise<number> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : 0);
    });
  });
}

/** Starts both peers on ports chosen by the OS. */
export async function startWsServer(): Promise<WsTestServer> {
  const http = createServer((_req, res) => {
    res.writeHead(426).end('upgrade required');
  });
  const wss = new WebSocketServer({ noServer: true });
  const counts = new Map<string, number>();
  const messages = new Map<string, number>();
  const received = (path: string): void => {
    messages.set(path, (messages.get(path) ?? 0) + 1);
  };
  const sockets = new Set<Socket>();
  http.on('connection', (s) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  http.on('upgrade', (req, socket, head) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    // '/auth' echoes once the handshake carries `authorization: Bearer t`, refuses it otherwise.
    if (path === '/auth' && req.headers.authorization !== 'Bearer t') {
      socket.end('HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    if (path === '/refuse') {
      socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 9\r\nX-Reason: test\r\n\r\nforbidden');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      counts.set(path, (counts.get(path) ?? 0) + 1);
      switch (path) {
        case '/echo':
        case '/auth':
          ws.on('message', (data, isBinary) => {
            received(path);
            ws.send(data, { binary: isBinary });
          });
          break;
        case '/slow-echo':
          // Echoes each message 40 ms after it arrived: a connection does at most 25 round trips/s.
          ws.on('message', (data, isBinary) => {
            received(path);
            setTimeout(() => {
              if (ws.readyState === ws.OPEN) ws.send(data, { binary: isBinary });
            }, 40);
          });
          break;
        case '/close-4000':
          ws.send('bye soon');
          ws.close(4000, 'going');
          break;
        case '/close-normal':
          ws.close(1000);
          break;
        case '/reset':
          ws.send('about to break');
          setTimeout(() => socket.destroy(), 20);
          break;
        case '/reset-mid-message':
          // A text frame announcing 100 bytes, 10 of them sent, then a TCP RST (not a FIN).
          socket.write(Buffer.concat([Buffer.from([0x81, 100]), Buffer.alloc(10, 0x61)]), () =>
            setTimeout(() => (socket as Socket).resetAndDestroy(), 20),
          );
          break;
        case '/slow-reader':
          // Never reads: what the client sends piles up in the kernel buffers, then in its own.
          (socket as Socket).pause();
          ws.removeAllListeners('message');
          break;
        case '/fragmented':
          // One text message in three frames (text + two continuations), one binary message in
          // two, then a normal close: each must reach the script once, whole.
          ws.send('frag', { fin: false });
          ws.send('ment', { fin: false });
          ws.send('ed', { fin: true });
          ws.send(Buffer.from([1, 2]), { binary: true, fin: false });
          ws.send(Buffer.from([3]), { binary: true, fin: true }, () => ws.close(1000));
          break;
        case '/server-ping':
          ws.ping('srv');
          ws.on('pong', () => ws.close(1000));
          break;
        default: // '/silent': accepts and never sends anything
          break;
      }
    });
  });
  const port = await listen(http);

  let deafCloses = 0;
  const deafSockets = new Set<Socket>();
  const deaf = createTcpServer((socket) => {
    deafSockets.add(socket);
    socket.once('close', () => deafSockets.delete(socket));
    socket.on('error', () => {});
    let buffered = '';
    let upgraded = false;
    socket.on('data', (chunk: Buffer) => {
      if (upgraded) {
        // A client frame; opcode 0x8 is a close frame, which this peer never answers.
        if ((chunk[0]! & 0x0f) === 0x8) deafCloses++;
        return;
      }
      buffered += chunk.toString('latin1');
      if (!buffered.includes('\r\n\r\n')) return;
      const key = /sec-websocket-key:\s*(\S+)/i.exec(buffered)?.[1] ?? '';
      const accept = createHash('sha1')
        .update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`)
        .digest('base64');
      socket.write(
        `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
      );
      upgraded = true;
      socket.write(Buffer.from([0x81, 0x05, ...Buffer.from('hello')])); // one text frame
    });
  });
  const deafPort = await listen(deaf);

  return {
    url: `ws://127.0.0.1:${port}`,
    deafUrl: `ws://127.0.0.1:${deafPort}`,
    deafCloseFrames: () => deafCloses,
    sessions: (path) => counts.get(path) ?? 0,
    messages: (path) => messages.get(path) ?? 0,
    close: async () => {
      for (const client of wss.clients) client.terminate();
      for (const s of sockets) s.destroy();
      for (const s of deafSockets) s.destroy();
      await Promise.all([
        new Promise<void>((r) => http.close(() => r())),
        new Promise<void>((r) => deaf.close(() => r())),
      ]);
    },
  };
}
