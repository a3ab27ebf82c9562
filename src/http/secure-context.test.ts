/**
 * Shared client TLS contexts: one per distinct option set, honoured on real handshakes (versions),
 * and sharing one resumes no session by itself (k6 scripts measure full handshakes).
 */
import {
  connect,
  createServer,
  type SecureContext,
  type TLSSocket,
  type Server as TlsServer,
} from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { selfSignedCertificate } from '../../test/helpers/certificates.js';
import { clientSecureContext } from './secure-context.js';

let server: TlsServer | undefined;
const sockets = new Set<TLSSocket>();
afterEach(async () => {
  for (const s of sockets) s.destroy();
  sockets.clear();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/** A TLS 1.2-1.3 server; resolves with its port and, per accepted socket, whether it resumed. */
async function startServer(): Promise<{ port: number; reused: boolean[] }> {
  const reused: boolean[] = [];
  server = createServer({ ...selfSignedCertificate(), minVersion: 'TLSv1.2' }, (socket) => {
    sockets.add(socket);
    reused.push(socket.isSessionReused());
    socket.on('error', () => {});
    socket.end('bye');
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { port: (server!.address() as { port: number }).port, reused };
}

/** Handshakes with `context`; resolves with the negotiated version once the server's bytes came. */
function handshake(port: number, context: SecureContext): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({
      host: '127.0.0.1',
      port,
      rejectUnauthorized: false,
      secureContext: context,
    });
    sockets.add(socket);
    socket.on('error', reject);
    socket.on('data', () => {});
    socket.on('end', () => resolve(socket.getProtocol() ?? ''));
  });
}

describe('clientSecureContext', () => {
  it('returns one context per distinct option set', () => {
    const plain = clientSecureContext(undefined);
    expect(clientSecureContext({})).toBe(plain);
    expect(clientSecureContext({ minVersion: undefined })).toBe(plain);
    const tls12 = clientSecureContext({ maxVersion: 'TLSv1.2' });
    expect(tls12).not.toBe(plain);
    expect(clientSecureContext({ maxVersion: 'TLSv1.2' })).toBe(tls12);
    expect(
      clientSecureContext({ maxVersion: 'TLSv1.2', ciphers: 'ECDHE-RSA-AES128-GCM-SHA256' }),
    ).not.toBe(tls12);
  });

  it('negotiates what each option set allows, on real handshakes', async () => {
    const { port } = await startServer();
    expect(await handshake(port, clientSecureContext({ maxVersion: 'TLSv1.2' }))).toBe('TLSv1.2');
    expect(await handshake(port, clientSecureContext(undefined))).toBe('TLSv1.3');
    expect(await handshake(port, clientSecureContext({ maxVersion: 'TLSv1.2' }))).toBe('TLSv1.2');
  });

  it('resumes no session by itself: connections sharing a context do full handshakes', async () => {
    const { port, reused } = await startServer();
    const context = clientSecureContext(undefined);
    for (let i = 0; i < 3; i++) await handshake(port, context);
    expect(reused).toEqual([false, false, false]);
  });

  it('throws on an invalid cipher list, every time (nothing cached)', () => {
    expect(() => clientSecureContext({ ciphers: 'NO-SUCH-CIPHER' })).toThrow();
    expect(() => clientSecureContext({ ciphers: 'NO-SUCH-CIPHER' })).toThrow();
  });
});
