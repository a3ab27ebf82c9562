/**
 * One TLS connection per connection the run reports, whatever ALPN chose (k6 offers h2 and
 * http/1.1 and uses the negotiated connection either way): scripts' VUs, all starting at once,
 * against real TLS servers that count their handshakes. Against an HTTP/1.1-only server, the
 * socket made for the h2 offer used to be closed and a second one opened for HTTP/1.1: 2
 * handshakes for the first request of each VU, 1 reported.
 */
import { createServer as createHttpsServer } from 'node:https';
import { createSecureServer, type Http2Session } from 'node:http2';
import type { Server } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { selfSignedCertificate } from '../helpers/certificates.js';
import { closeWithSockets, listen, track } from '../helpers/servers.js';
import { checkCounts, metricValue, runCorpus } from './helpers/run-corpus.js';

/** A TLS server on 127.0.0.1 and the ALPN protocol of each handshake it completed. */
interface CountingServer {
  url: string;
  handshakes: string[];
  requests(): number;
  close(): Promise<void>;
}

let server: CountingServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** `none`: an HTTP/1.1 server that answers no ALPN protocol at all (HTTP/1.1 too, as in Go). */
async function start(protocol: 'h2' | 'http/1.1' | 'none'): Promise<CountingServer> {
  const handshakes: string[] = [];
  let requests = 0;
  const tls: Server =
    protocol === 'h2'
      ? createSecureServer({ ...selfSignedCertificate(), allowHTTP1: false }, (_req, res) => {
          requests++;
          res.end('ok');
        }).on('session', (s: Http2Session) => s.on('error', () => {}))
      : createHttpsServer(
          { ...selfSignedCertificate(), ...(protocol === 'none' ? { ALPNProtocols: [] } : {}) },
          (_req, res) => {
            requests++;
            res.end('ok');
          },
        );
  // No idle close during the run (Node's default is 5 s): every connection is made once.
  if (protocol !== 'h2') (tls as ReturnType<typeof createHttpsServer>).keepAliveTimeout = 60_000;
  const { sockets } = track(tls);
  tls.on('secureConnection', (socket: TLSSocket) => {
    handshakes.push(socket.alpnProtocol || 'none');
  });
  const port = await listen(tls);
  return {
    url: `https://127.0.0.1:${port}`,
    handshakes,
    requests: () => requests,
    close: () => closeWithSockets(tls, sockets),
  };
}

describe('HTTP/2 offer over TLS: one handshake per connection', () => {
  for (const [protocol, proto] of [
    ['http/1.1', 'HTTP/1.1'],
    ['none', 'HTTP/1.1'],
    ['h2', 'HTTP/2.0'],
  ] as const)
    for (const workers of [1, 2])
      it(`52 ${protocol} server, 6 VUs at once, ${workers} worker(s): handshakes = connections reported, proto ${proto}`, async () => {
        server = await start(protocol);
        const run = await runCorpus('52-http2-handshakes.js', server.url, { env: [`PROTO=${proto}`] }, workers);
        expect(run.scriptErrors).toEqual([]);
        for (const name of ['status is 200', 'negotiated protocol', 'batch answered'])
          expect(checkCounts(run, name)).toEqual({ passes: 18, fails: 0 });
        expect(run.result.metrics['http_reqs']!.values['count']).toBe(54);
        expect(server.requests()).toBe(54);
        expect(server.handshakes.every((p) => p === protocol)).toBe(true);
        const reported = metricValue(run, 'tls_connections', 'count');
        expect(reported).toBe(server.handshakes.length);
        expect(metricValue(run, 'tcp_connections', 'count')).toBe(server.handshakes.length);
        // HTTP/2: each VU's requests are streams on its one connection. HTTP/1.1: the batch needs
        // a second connection per VU (k6's batchPerHost), made once and kept alive.
        expect(server.handshakes.length).toBe(protocol === 'h2' ? 6 : 12);
      });
});
