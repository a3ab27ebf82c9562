/**
 * Both HTTP/2 clients over TLS take their SecureContext from secure-context.ts (one per option
 * set, as HTTP/1.1 connections do): the option set's versions and client certificate are honoured
 * on real handshakes with a node:http2 server, and the server name is still sent per connection.
 */
import { once } from 'node:events';
import { createSecureServer, type Http2SecureServer } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { selfSignedCertificate } from '../../test/helpers/certificates.js';
import type { ConnectionOwner } from './connection.js';
import type { ClassifiedError } from './errors.js';
import { Http2Connection } from './h2-connection.js';
import { Http2FastConnection } from './h2-fast-connection.js';
import type { Http2Slot, SlotSession } from './h2-slot.js';
import type { ClientTlsOptions } from './secure-context.js';
import { parseTarget } from './target.js';

type Slot = Http2Slot<SlotSession, Http2Connection | Http2FastConnection>;

let servers: Http2SecureServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  servers = [];
});

/** A TLS 1.2-1.3 HTTP/2 server; `clientCert` makes it require that client certificate. */
async function server(clientCert?: Buffer): Promise<{ port: number; servernames: string[] }> {
  const servernames: string[] = [];
  const s = createSecureServer({
    ...selfSignedCertificate(),
    minVersion: 'TLSv1.2',
    ...(clientCert ? { requestCert: true, rejectUnauthorized: true, ca: [clientCert] } : {}),
  });
  servers.push(s);
  s.on('secureConnection', (socket) => servernames.push(socket.servername || ''));
  s.on('stream', (stream) => {
    stream.respond({ ':status': 200 });
    stream.end('ok');
  });
  s.listen(0, '127.0.0.1');
  await once(s, 'listening');
  return { port: (s.address() as AddressInfo).port, servernames };
}

/** Sends one request on a new connection of `impl`; resolves with its outcome. */
function oneRequest(
  impl: 'node' | 'fast',
  url: string,
  tls: ClientTlsOptions | undefined,
): Promise<{ status: number; error: ClassifiedError | null; protocol: string }> {
  return new Promise((resolve) => {
    let conn: Slot;
    const finish = (status: number, error: ClassifiedError | null) => {
      const protocol = conn.tlsProtocol;
      conn.destroy(null);
      resolve({ status, error, protocol });
    };
    const owner: ConnectionOwner<Http2Connection | Http2FastConnection> = {
      onConnectionReady: (c) => c.send(Buffer.alloc(0), 0, performance.now(), 1),
      onResponse: (c) => finish(c.statusCode, null),
      onRequestFailed: (_c, error) => finish(0, error),
      onRequestRetry: (_c, error) => finish(0, error),
      onConnectionClosed: (_c, error) => {
        if (error !== null) finish(0, error);
      },
    };
    const target = parseTarget(url);
    const options = {
      streams: 1,
      insecure: true,
      mode: 'h2' as const,
      request: {
        headers: {
          ':method': 'GET',
          ':path': target.path,
          ':scheme': 'https',
          ':authority': target.hostHeader,
        },
        body: null,
      },
      ...(tls ? { tls } : {}),
    };
    const Impl = impl === 'node' ? Http2Connection : Http2FastConnection;
    conn = new Impl(0, target, owner as never, options) as unknown as Slot;
    conn.connect();
  });
}

describe.each(['node', 'fast'] as const)('HTTP/2 client (%s) TLS options', (impl) => {
  it('negotiates what the option set allows, and sends the server name each time', async () => {
    const { port, servernames } = await server();
    const url = `https://localhost:${port}/`;
    const capped = await oneRequest(impl, url, { maxVersion: 'TLSv1.2' });
    expect(capped).toMatchObject({ status: 200, error: null, protocol: 'TLSv1.2' });
    const plain = await oneRequest(impl, url, undefined);
    expect(plain).toMatchObject({ status: 200, error: null, protocol: 'TLSv1.3' });
    const again = await oneRequest(impl, url, { maxVersion: 'TLSv1.2' });
    expect(again).toMatchObject({ status: 200, error: null, protocol: 'TLSv1.2' });
    expect(servernames).toEqual(['localhost', 'localhost', 'localhost']);
  });

  it('presents the client certificate of its option set', async () => {
    const client = selfSignedCertificate({ cn: 'redline-client' });
    const { port } = await server(client.cert);
    const url = `https://127.0.0.1:${port}/`;
    const withCert = await oneRequest(impl, url, {
      cert: client.cert.toString(),
      key: client.key.toString(),
    });
    expect(withCert).toMatchObject({ status: 200, error: null });
    const without = await oneRequest(impl, url, undefined);
    expect(without.status).toBe(0);
    // The server's TLS alert, classified as a TLS error (not a timeout, not lost).
    expect(without.error?.errorClass).toBe('tls');
  });
});
