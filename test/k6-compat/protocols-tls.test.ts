/**
 * gRPC and WebSocket over TLS, against real servers with a fresh self-signed certificate (openssl
 * CLI): gRPC verifies the server with the CA the script passes; wss:// connects with
 * insecureSkipTLSVerify.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import type { RunResultFile } from '../../src/results/run-result.js';
import { writeSelfSignedCertificate } from '../helpers/certificates.js';
import { startDocsGrpcServer } from './helpers/docs-grpc-server.js';
import { HELLO_PROTO } from './helpers/grpc-server.js';
import { checkCounts, runCorpus, spawnCli } from './helpers/run-corpus.js';

let dir: string;
let grpcServer: grpc.Server;
let grpcAddr: string;
let wssUrl: string;
let https: ReturnType<typeof createServer>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'redline-protocols-tls-'));
  writeSelfSignedCertificate(dir, { altName: 'DNS:localhost,IP:127.0.0.1' });

  const key = readFileSync(join(dir, 'key.pem'));
  const cert = readFileSync(join(dir, 'cert.pem'));
  const definition = protoLoader.loadSync(HELLO_PROTO, { longs: String, enums: String });
  const proto = grpc.loadPackageDefinition(definition) as unknown as {
    hello: { Greeter: grpc.ServiceClientConstructor };
  };
  grpcServer = new grpc.Server();
  grpcServer.addService(proto.hello.Greeter.service, {
    SayHello: (
      call: grpc.ServerUnaryCall<{ name: string }, unknown>,
      callback: grpc.sendUnaryData<unknown>,
    ) => callback(null, { message: `Hello ${call.request.name}` }),
  });
  const port = await new Promise<number>((resolve, reject) =>
    grpcServer.bindAsync(
      '127.0.0.1:0',
      grpc.ServerCredentials.createSsl(null, [{ private_key: key, cert_chain: cert }]),
      (error, bound) => (error ? reject(error) : resolve(bound)),
    ),
  );
  grpcAddr = `localhost:${port}`;
  https = createServer({ key, cert });
  const wss = new WebSocketServer({ server: https });
  wss.on('connection', (ws) => ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary })));
  await new Promise<void>((r) => https.listen(0, '127.0.0.1', () => r()));
  const address = https.address();
  wssUrl = `wss://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/`;
});

afterAll(async () => {
  grpcServer.forceShutdown();
  https.closeAllConnections();
  await new Promise<void>((r) => https.close(() => r()));
  rmSync(dir, { recursive: true, force: true });
});

describe('protocols over TLS', () => {
  it('35 gRPC verifies the server with the given CA; wss:// with insecureSkipTLSVerify', async () => {
    // Two runs: insecureSkipTLSVerify is global and gRPC honours it, so the CA is proven only without it.
    const grpcRun = await runCorpus('35-protocols-tls.js', 'http://unused', {
      env: [`CA_FILE=${join(dir, 'cert.pem')}`, `GRPC_TLS_ADDR=${grpcAddr}`],
    });
    expect(grpcRun.scriptErrors).toEqual([]);
    expect(checkCounts(grpcRun, 'gRPC over TLS')).toEqual({ passes: 1, fails: 0 });
    const run = await runCorpus('35-protocols-tls.js', 'http://unused', {
      env: [`CA_FILE=${join(dir, 'cert.pem')}`, `WSS_URL=${wssUrl}`],
    });
    expect(run.scriptErrors).toEqual([]);
    expect(checkCounts(run, 'wss handshake')).toEqual({ passes: 1, fails: 0 });
    expect(checkCounts(run, 'wss echo')).toEqual({ passes: 1, fails: 0 });
  });

  it('redline run wss://… --message --insecure: echo round trips over TLS with a self-signed certificate', async () => {
    const json = join(dir, 'wss-echo.json');
    const out = await spawnCli(['run', wssUrl, '--message', 'hi', '-c', '2', '-d', '1s', '--insecure', '-q', '--json', json]).done;
    expect(out.code, out.stderr).toBe(0);
    const result = JSON.parse(readFileSync(json, 'utf8')) as RunResultFile;
    expect(result.echo!.answered).toBeGreaterThan(0);
    expect(result.echo!.sent).toBe(result.echo!.answered + (result.echo!.unanswered['interrupted'] ?? 0));
    // Without --insecure the certificate is refused: no handshake, exit 69.
    const strict = await spawnCli(['run', wssUrl, '--message', 'hi', '-c', '1', '-d', '1s']).done;
    expect(strict.code, strict.stdout).toBe(69);
    expect(strict.stdout + strict.stderr).toMatch(/accepted none of the \d+ WebSocket handshakes/);
  });
});

describe('gRPC and insecureSkipTLSVerify', () => {
  it('44 a self-signed gRPC server: refused by default, reached with --insecure-skip-tls-verify (k6)', async () => {
    const server = await startDocsGrpcServer(true);
    try {
      const refused = await runCorpus('44-grpc-insecure-tls.js', 'http://unused', {
        env: [`GRPC_ADDR=${server.addr}`, 'EXPECT=refused'],
      });
      expect(checkCounts(refused, 'connect refused the unverified server')).toEqual({ passes: 1, fails: 0 });
      expect(server.calls('SayHello')).toBe(0);
      const skipped = await runCorpus('44-grpc-insecure-tls.js', 'http://unused', {
        env: [`GRPC_ADDR=${server.addr}`],
        insecureSkipTLSVerify: true,
      });
      expect(skipped.scriptErrors).toEqual([]);
      expect(checkCounts(skipped, 'call over unverified TLS')).toEqual({ passes: 1, fails: 0 });
      expect(server.calls('SayHello')).toBe(1);
    } finally {
      await server.close();
    }
  });
});
