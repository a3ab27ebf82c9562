// How connect() words and classifies a failed attempt, as grpc-go (k6's dial) does: dial errors
// that Go does not call temporary, server alerts and resets end connect() at once; verification
// failures, EOF and timeouts are retried until the timeout; a name that does not exist ends it at
// once, other lookup failures are retried.
import { describe, expect, it } from 'vitest';
import {
  addressFailure,
  connectError,
  dialFailure,
  handshakeFailure,
  isResolutionFailure,
  lookupFailure,
  resolveFailure,
  targetHost,
} from './connect-failure.js';

describe('dialFailure', () => {
  it('reads grpc-js last error: refused and unreachable are permanent, a timeout is retried', () => {
    expect(dialFailure('Error: connect ECONNREFUSED 127.0.0.1:1')).toEqual({
      desc: 'transport: error while dialing: dial tcp 127.0.0.1:1: connect: connection refused',
      permanent: true,
    });
    expect(dialFailure('Error: connect EHOSTUNREACH 10.0.0.1:443')?.permanent).toBe(true);
    expect(dialFailure('Error: connect ETIMEDOUT 10.0.0.1:443')?.permanent).toBe(false);
    expect(dialFailure('Error: self-signed certificate')).toBeUndefined();
  });
});

describe('addressFailure', () => {
  it("refuses what Go's SplitHostPort refuses, permanently; accepts host:port, [v6]:port and grpc-js schemes", () => {
    expect(addressFailure('nohost')).toEqual({
      desc: 'transport: error while dialing: address nohost: missing port in address',
      permanent: true,
    });
    expect(addressFailure('[::1]')?.desc).toMatch(/address \[::1\]: missing port in address$/);
    expect(addressFailure('::1:50051')?.desc).toMatch(/too many colons in address$/);
    expect(addressFailure('[::1:50051')?.desc).toMatch(/missing '\]' in address$/);
    expect(addressFailure('[::1]x50051')?.desc).toMatch(/unexpected '\]' in address$/);
    for (const ok of [
      'localhost:50051',
      '127.0.0.1:1',
      '[::1]:50051',
      'api.example.com:443',
      'dns:///api.example.com:443',
      'unix:/tmp/grpc.sock',
      'ipv6:[::1]:50051',
    ])
      expect(addressFailure(ok)).toBeUndefined();
  });
});

describe('name resolution', () => {
  it('finds the host of a target and grpc-js resolution failures', () => {
    expect(targetHost('nohost.invalid:50051')).toBe('nohost.invalid');
    expect(targetHost('dns:///api.example.com:443')).toBe('api.example.com');
    expect(targetHost('dns://10.0.0.53/api.example.com:443')).toBe('api.example.com');
    expect(targetHost('[::1]:50051')).toBe('::1');
    expect(isResolutionFailure('Name resolution failed for target dns:nohost.invalid:50051')).toBe(
      true,
    );
    expect(isResolutionFailure('Error: connect ECONNREFUSED 127.0.0.1:1')).toBe(false);
  });

  it("a name that does not exist is Go's permanent 'no such host'; a temporary failure is retried", () => {
    const notFound = Object.assign(new Error('getaddrinfo ENOTFOUND x.invalid'), {
      code: 'ENOTFOUND',
    });
    expect(resolveFailure('x.invalid', notFound)).toEqual({
      desc: 'transport: error while dialing: lookup x.invalid: no such host',
      permanent: true,
    });
    const again = Object.assign(new Error('getaddrinfo EAI_AGAIN x.example'), {
      code: 'EAI_AGAIN',
    });
    expect(resolveFailure('x.example', again)).toEqual({
      desc: 'transport: error while dialing: lookup x.example: temporary failure in name resolution',
      permanent: false,
    });
    expect(
      resolveFailure('x.example', Object.assign(new Error('f'), { code: 'EAI_FAIL' })).permanent,
    ).toBe(true);
  });

  it('looks a name under .invalid up with the OS resolver: no such host, permanent', async () => {
    const lastError = 'Name resolution failed for target dns:nohost.invalid:50051';
    expect(await lookupFailure('nohost.invalid:50051', lastError)).toEqual({
      desc: 'transport: error while dialing: lookup nohost.invalid: no such host',
      permanent: true,
    });
    // A name that resolves now keeps grpc-js's text and is retried.
    expect(await lookupFailure('localhost:1', lastError)).toEqual({
      desc: lastError,
      permanent: false,
    });
  });
});

describe('handshakeFailure', () => {
  it('an untrusted certificate is a verification failure, retried (temporary for grpc-go)', () => {
    const error = Object.assign(new Error('self-signed certificate'), {
      code: 'DEPTH_ZERO_SELF_SIGNED_CERT',
    });
    expect(handshakeFailure(error)).toEqual({
      desc: 'transport: authentication handshake failed: tls: failed to verify certificate: x509: certificate signed by unknown authority (self-signed certificate)',
      permanent: false,
    });
  });

  it('a server alert and a reset read are permanent; EOF before the handshake ended is retried', () => {
    const alert = Object.assign(new Error('alert'), {
      code: 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED',
    });
    expect(handshakeFailure(alert)).toEqual({
      desc: 'transport: authentication handshake failed: remote error: tls: certificate required',
      permanent: true,
    });
    const reset = Object.assign(new Error('read ECONNRESET'), {
      code: 'ECONNRESET',
      syscall: 'read',
    });
    expect(handshakeFailure(reset).permanent).toBe(true);
    const eof = Object.assign(new Error('Client network socket disconnected'), {
      code: 'ECONNRESET',
    });
    expect(handshakeFailure(eof)).toEqual({
      desc: 'transport: authentication handshake failed: EOF',
      permanent: false,
    });
  });
});

describe('connectError', () => {
  it('words the error as grpc-go does for k6: at once, or at the timeout with the last failure', () => {
    const failure = { desc: 'transport: x', permanent: true };
    expect(connectError('a:1', failure, false).message).toBe(
      'grpc.Client.connect(a:1): connection error: desc = "transport: x"',
    );
    expect(connectError('a:1', failure, true).message).toBe(
      'grpc.Client.connect(a:1): context deadline exceeded: connection error: desc = "transport: x"',
    );
    expect(connectError('a:1', undefined, true).message).toBe(
      'grpc.Client.connect(a:1): context deadline exceeded',
    );
  });
});
