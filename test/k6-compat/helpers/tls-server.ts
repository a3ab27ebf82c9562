/** An HTTPS server on 127.0.0.1 with a fresh self-signed certificate (made by the openssl CLI). */
import { createServer } from 'node:https';
import type { Socket } from 'node:net';
import { selfSignedCertificate } from '../../helpers/certificates.js';

/** A started HTTPS server answering `ok` on every path. */
export interface TlsServer {
  url: string;
  close(): Promise<void>;
}

/** Starts the server on port 0. */
export async function startTlsServer(): Promise<TlsServer> {
  const server = createServer(selfSignedCertificate(), (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('ok');
  });
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `https://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
