/** Checks before a run that the target can be reached at all, so a typo fails fast with exit 69. */
import { lookup } from 'node:dns/promises';
import { connect as h2connect } from 'node:http2';
import { createConnection } from 'node:net';
import { type TLSSocket, connect as tlsConnect } from 'node:tls';
import { ExitCode } from '../errors/exit-codes.js';
import { RedlineError } from '../errors/redline-error.js';
import { classifySocketError } from '../http/errors.js';
import type { Target } from '../http/target.js';

/** Resolves the host and opens one TCP connection; throws TargetUnreachable with a hint otherwise. */
export async function checkReachable(target: Target, timeoutMs = 5000): Promise<void> {
  const where = `${target.hostname}:${target.port}`;
  try {
    await lookup(target.hostname);
  } catch (error) {
    throw new RedlineError('E_TARGET_DNS', `cannot resolve host "${target.hostname}"`, {
      hint: 'check the spelling of the URL, or use an IP address',
      exitCode: ExitCode.TargetUnreachable,
      cause: error,
    });
  }
  await new Promise<void>((resolve, reject) => {
    const socket = createConnection({ host: target.hostname, port: target.port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(
        new RedlineError('E_TARGET_TIMEOUT', `no answer from ${where} within ${timeoutMs} ms`, {
          hint: 'is the service running and the port open?',
          exitCode: ExitCode.TargetUnreachable,
        }),
      );
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.destroy();
      resolve();
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      const classified = classifySocketError(error);
      reject(
        new RedlineError(
          'E_TARGET_UNREACHABLE',
          `cannot connect to ${where}: ${classified.message}`,
          {
            hint: 'start the service first, or check the host and port in the URL',
            exitCode: ExitCode.TargetUnreachable,
            cause: error,
          },
        ),
      );
    });
  });
}

/**
 * Checks before an HTTP/2 run that the server speaks it: over TLS it must select `h2` via ALPN,
 * and (TLS or `h2c`) it must send its SETTINGS frame. Throws TargetUnreachable (exit 69) naming
 * what the server did instead, so a run never measures a server that cannot answer.
 */
export async function checkHttp2(
  target: Target,
  mode: 'h2' | 'h2c',
  insecure: boolean,
  timeoutMs = 5000,
): Promise<void> {
  const where = `${target.hostname}:${target.port}`;
  const fail = (message: string, hint: string, cause?: unknown) =>
    new RedlineError('E_TARGET_NO_HTTP2', message, {
      hint,
      exitCode: ExitCode.TargetUnreachable,
      ...(cause ? { cause } : {}),
    });
  await new Promise<void>((resolve, reject) => {
    const socket =
      mode === 'h2'
        ? tlsConnect({
            host: target.hostname,
            port: target.port,
            servername: target.servername,
            rejectUnauthorized: !insecure,
            // http/1.1 too: a server without h2 then names what it speaks instead of an alert.
            ALPNProtocols: ['h2', 'http/1.1'],
          })
        : createConnection({ host: target.hostname, port: target.port });
    const host = target.hostname.includes(':') ? `[${target.hostname}]` : target.hostname;
    const session = h2connect(`${mode === 'h2' ? 'https' : 'http'}://${host}:${target.port}`, {
      createConnection: () => socket,
    });
    let settled = false;
    const done = (error?: RedlineError) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      session.destroy();
      socket.destroy();
      if (error) reject(error);
      else resolve();
    };
    const timer = setTimeout(
      () =>
        done(
          fail(
            `${where} sent no HTTP/2 SETTINGS within ${timeoutMs} ms`,
            mode === 'h2c'
              ? 'the server may not accept cleartext HTTP/2 with prior knowledge; try without --h2c'
              : 'is the service an HTTP/2 server?',
          ),
        ),
      timeoutMs,
    );
    const refuseAlpn = (alpn: string | false) =>
      done(
        fail(
          `${where} does not offer HTTP/2: TLS ALPN selected ${alpn ? `"${alpn}"` : 'no protocol'}, not "h2"`,
          'enable HTTP/2 on the server (nginx: `listen 443 ssl; http2 on;`), or run without --http2 for HTTP/1.1',
        ),
      );
    if (mode === 'h2') {
      (socket as TLSSocket).once('secureConnect', () => {
        const alpn = (socket as TLSSocket).alpnProtocol;
        if (alpn !== 'h2') refuseAlpn(alpn ?? false);
      });
    }
    session.once('remoteSettings', () => done());
    const onError = (error: Error) => {
      const alpn = mode === 'h2' ? (socket as TLSSocket).alpnProtocol : undefined;
      if (typeof alpn === 'string' && alpn !== 'h2') return refuseAlpn(alpn);
      if ((error as NodeJS.ErrnoException).code === 'ERR_SSL_TLSV1_ALERT_NO_APPLICATION_PROTOCOL')
        return refuseAlpn(false);
      const classified = classifySocketError(error);
      done(
        fail(
          `cannot open an HTTP/2 connection to ${where}: ${classified.errorClass === 'other' ? error.message : classified.message}`,
          classified.errorClass === 'tls'
            ? 'use --insecure for a self-signed certificate'
            : mode === 'h2c'
              ? 'the server may not accept cleartext HTTP/2 with prior knowledge; try without --h2c'
              : 'is the service running and speaking HTTP/2?',
          error,
        ),
      );
    };
    socket.once('error', onError);
    session.once('error', onError);
    session.once('close', () =>
      done(
        fail(
          `${where} closed the connection before any HTTP/2 SETTINGS`,
          mode === 'h2c'
            ? 'the server may not accept cleartext HTTP/2 with prior knowledge; try without --h2c'
            : 'is the service an HTTP/2 server?',
        ),
      ),
    );
  });
}
