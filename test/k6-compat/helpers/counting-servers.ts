/**
 * Peers that count the bytes of every TCP connection they accept, from the server's own TCP
 * socket (`bytesRead` / `bytesWritten`, below TLS and HTTP/2): a WebSocket echo server (`ws`,
 * cleartext or TLS) and a @grpc/grpc-js Greeter whose connections are accepted by a node:net
 * server and injected into it. A client that counts the same TCP streams must report the same
 * sums in `data_sent` / `data_received`.
 */
import { createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createTcpServer, type Server, type Socket } from 'node:net';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { WebSocketServer } from 'ws';
import { selfSignedCertificate } from '../../helpers/certificates.js';
import { HELLO_PROTO } from './grpc-server.js';

/** What a counting peer saw. */
export interface CountingServer {
  /** `ws://…/`, `wss://…/` or `127.0.0.1:<port>`. */
  address: string;
  /** Connections accepted. */
  connections(): number;
  /** Resolves once every accepted connection has closed. */
  allClosed(): Promise<void>;
  /** Bytes read and written by the server's sockets (closed and open). */
  bytes(): { read: number; written: number };
  /**
   * WebSocket server only: what the server wrote on its `/k6-ws…` connections after its last
   * echo (the answer to the client's close frame, and over TLS the close_notify), once closed.
   */
  afterLastEcho?(): number;
  close(): Promise<void>;
}

/** Counts the accepted TCP sockets of `server`. */
function counter(server: Server): Omit<CountingServer, 'address' | 'close'> & { sockets: Set<Socket> } {
  const sockets = new Set<Socket>();
  let accepted = 0;
  let read = 0;
  let written = 0;
  let waiters: Array<() => void> = [];
  server.on('connection', (socket: Socket) => {
    accepted++;
    sockets.add(socket);
    socket.once('close', () => {
      read += socket.bytesRead;
      written += socket.bytesWritten;
      sockets.delete(socket);
      if (sockets.size === 0) {
        for (const wake of waiters) wake();
        waiters = [];
      }
    });
  });
  return {
    sockets,
    connections: () => accepted,
    allClosed: () =>
      sockets.size === 0 ? Promise.resolve() : new Promise((resolve) => waiters.push(resolve)),
    bytes: () => {
      let r = read;
      let w = written;
      for (const s of sockets) {
        r += s.bytesRead;
        w += s.bytesWritten;
      }
      return { read: r, written: w };
    },
  };
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : 0);
    });
  });
}

/** A WebSocket echo server (every path echoes), over TLS with a self-signed certificate when `tls`. */
export async function startCountingWsServer(tls: boolean): Promise<CountingServer> {
  const http = tls ? createHttpsServer(selfSignedCertificate()) : createHttpServer();
  const wss = new WebSocketServer({ server: http });
  const counted = counter(http);
  let afterLastEcho = 0;
  wss.on('connection', (ws, request) => {
    // The TCP socket below this connection (below TLS for wss://), found by the client's port.
    const port = request.socket.remotePort;
    const raw = [...counted.sockets].find((s) => s.remotePort === port);
    let echoed = raw?.bytesWritten ?? 0;
    const k6ws = request.url?.startsWith('/k6-ws') === true;
    ws.on('message', (data, isBinary) =>
      ws.send(data, { binary: isBinary }, () => {
        echoed = raw?.bytesWritten ?? 0;
      }),
    );
    if (k6ws) raw?.once('close', () => (afterLastEcho += (raw?.bytesWritten ?? 0) - echoed));
  });
  const port = await listen(http);
  return {
    ...counted,
    afterLastEcho: () => afterLastEcho,
    address: `${tls ? 'wss' : 'ws'}://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        for (const s of counted.sockets) s.destroy();
        wss.close();
        http.close(() => resolve());
      }),
  };
}

/**
 * A Greeter (SayHello, and Chat echoing each message) on a node:net server whose connections are
 * handed to grpc-js, over TLS with a self-signed certificate when `tls`.
 */
export async function startCountingGrpcServer(tls: boolean): Promise<CountingServer> {
  const definition = protoLoader.loadSync(HELLO_PROTO, { longs: String, enums: String, defaults: true });
  const proto = grpc.loadPackageDefinition(definition) as unknown as {
    hello: { Greeter: grpc.ServiceClientConstructor };
  };
  const server = new grpc.Server();
  server.addService(proto.hello.Greeter.service, {
    SayHello: (
      call: grpc.ServerUnaryCall<{ name: string }, unknown>,
      callback: grpc.sendUnaryData<unknown>,
    ) => callback(null, { message: `Hello ${call.request.name}` }),
    Chat: (call: grpc.ServerDuplexStream<{ name: string }, unknown>) => {
      call.on('data', (request: { name: string }) => call.write({ message: `echo ${request.name}` }));
      call.on('end', () => call.end());
    },
  });
  const { key, cert } = selfSignedCertificate();
  const credentials = tls
    ? grpc.ServerCredentials.createSsl(null, [{ private_key: key, cert_chain: cert }])
    : grpc.ServerCredentials.createInsecure();
  const injector = server.createConnectionInjector(credentials);
  const tcp = createTcpServer((socket) => injector.injectConnection(socket));
  const counted = counter(tcp);
  const port = await listen(tcp);
  return {
    ...counted,
    address: `127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        for (const s of counted.sockets) s.destroy();
        injector.destroy();
        server.forceShutdown();
        tcp.close(() => resolve());
      }),
  };
}
