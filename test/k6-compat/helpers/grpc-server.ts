/**
 * A real @grpc/grpc-js server for the k6/net/grpc tests (hello.proto): a greeting with header
 * and trailer metadata, an error status, a call that never answers (deadlines), the three
 * streaming kinds, the standard health service, and server reflection; and a peer that resets the TCP connection mid-call.
 */
import { createServer as createSecureless } from 'node:http2';
import type { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';

/** The proto file the tests and scripts use. */
export const HELLO_PROTO = fileURLToPath(new URL('../scripts/grpc/hello.proto', import.meta.url));
/** The standard health service the server also implements. */
const HEALTH_PROTO = fileURLToPath(new URL('../scripts/grpc/health.proto', import.meta.url));

/** The running server. */
export interface GrpcTestServer {
  /** `127.0.0.1:<port>`. */
  addr: string;
  /** Calls received per method name. */
  calls(method: string): number;
  /** The `x-token` metadata of every reflection call received ('' when absent). */
  reflectionTokens(): string[];
  close(): Promise<void>;
}

interface HelloRequest {
  name: string;
  big: string;
  blob: Buffer;
}

/** Starts the server on a port chosen by the OS. */
export async function startGrpcServer(): Promise<GrpcTestServer> {
  const definition = protoLoader.loadSync(HELLO_PROTO, { longs: String, enums: String, defaults: true });
  const proto = grpc.loadPackageDefinition(definition) as unknown as {
    hello: { Greeter: grpc.ServiceClientConstructor };
  };
  const counts = new Map<string, number>();
  const seen = (method: string): void => {
    counts.set(method, (counts.get(method) ?? 0) + 1);
  };
  const pending = new Set<grpc.ServerUnaryCall<unknown, unknown>>();
  // Records the x-token metadata of each reflection call (k6's reflectMetadata).
  const reflectionTokens: string[] = [];
  const recordReflection: grpc.ServerInterceptor = (descriptor, call) =>
    new grpc.ServerInterceptingCall(call, {
      start: (next) =>
        next({
          onReceiveMetadata: (metadata, nextMetadata) => {
            if (descriptor.path.includes('ServerReflection'))
              reflectionTokens.push(String(metadata.get('x-token')[0] ?? ''));
            nextMetadata(metadata);
          },
        }),
    });
  const server = new grpc.Server({ interceptors: [recordReflection] });
  server.addService(proto.hello.Greeter.service, {
    SayHello: (
      call: grpc.ServerUnaryCall<HelloRequest, unknown>,
      callback: grpc.sendUnaryData<unknown>,
    ) => {
      seen('SayHello');
      const headers = new grpc.Metadata();
      headers.set('x-server', 'redline-test');
      headers.set('x-token-seen', String(call.metadata.get('x-token')[0] ?? ''));
      call.sendMetadata(headers);
      const trailers = new grpc.Metadata();
      trailers.set('x-trailer', 'done');
      callback(
        null,
        {
          message: `Hello ${call.request.name}`,
          big: call.request.big,
          mood: 'HAPPY',
          size: call.request.blob.length,
        },
        trailers,
      );
    },
    Fail: (_call: grpc.ServerUnaryCall<unknown, unknown>, callback: grpc.sendUnaryData<unknown>) => {
      seen('Fail');
      callback({ code: grpc.status.NOT_FOUND, details: 'no such user' });
    },
    Slow: (call: grpc.ServerUnaryCall<unknown, unknown>) => {
      seen('Slow');
      pending.add(call); // never answered: the client's deadline ends the call
      call.on('cancelled', () => pending.delete(call));
    },
    Count: (call: grpc.ServerWritableStream<{ to: number }, unknown>) => {
      seen('Count');
      for (let n = 1; n <= call.request.to; n++) call.write({ n });
      call.end();
    },
    Sum: (call: grpc.ServerReadableStream<{ n: number }, unknown>, callback: grpc.sendUnaryData<unknown>) => {
      seen('Sum');
      let total = 0;
      let count = 0;
      call.on('data', (m: { n: number }) => {
        total += m.n;
        count++;
      });
      call.on('end', () => callback(null, { total, count }));
    },
    Chat: (call: grpc.ServerDuplexStream<HelloRequest, unknown>) => {
      seen('Chat');
      call.on('data', (m: HelloRequest) => call.write({ message: `echo ${m.name}` }));
      call.on('end', () => call.end());
    },
  });
  // The standard health service: the server and hello.Greeter serve, down.Service does not,
  // any other name is unknown (NOT_FOUND, as grpc-go's health server answers).
  const health = grpc.loadPackageDefinition(
    protoLoader.loadSync(HEALTH_PROTO, { enums: String, defaults: true }),
  ) as unknown as { grpc: { health: { v1: { Health: grpc.ServiceClientConstructor } } } };
  server.addService(health.grpc.health.v1.Health.service, {
    Check: (
      call: grpc.ServerUnaryCall<{ service: string }, unknown>,
      callback: grpc.sendUnaryData<unknown>,
    ) => {
      seen('Check');
      const service = call.request.service;
      if (service === '' || service === 'hello.Greeter') callback(null, { status: 'SERVING' });
      else if (service === 'down.Service') callback(null, { status: 'NOT_SERVING' });
      else callback({ code: grpc.status.NOT_FOUND, details: 'unknown service' });
    },
  });
  // Server reflection (grpc.reflection.v1 and v1alpha), for connect(addr, { reflect: true }).
  new ReflectionService(definition).addToServer(server);
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    );
  });
  return {
    addr: `127.0.0.1:${port}`,
    calls: (method) => counts.get(method) ?? 0,
    reflectionTokens: () => [...reflectionTokens],
    close: () =>
      new Promise<void>((resolve) => {
        server.tryShutdown(() => resolve());
        setTimeout(() => server.forceShutdown(), 2000).unref();
      }),
  };
}

/** A peer that speaks HTTP/2 (so a gRPC connect succeeds) and resets the TCP connection on every call. */
export interface ResettingServer {
  /** `127.0.0.1:<port>`. */
  addr: string;
  /** Calls (HTTP/2 streams) received, each answered with a TCP reset. */
  calls(): number;
  close(): Promise<void>;
}

/** Starts the resetting peer on a port chosen by the OS. */
export async function startResettingServer(): Promise<ResettingServer> {
  const sockets = new Set<Socket>();
  let calls = 0;
  const server = createSecureless();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('stream', (stream) => {
    calls++;
    // The raw socket under this session: reset it (RST, not FIN) with the call in flight.
    for (const socket of sockets) {
      if (socket.remotePort === stream.session?.socket.remotePort) socket.resetAndDestroy();
    }
  });
  server.on('sessionError', () => {});
  const port = await new Promise<number>((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : 0);
    });
  });
  return {
    addr: `127.0.0.1:${port}`,
    calls: () => calls,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** The second package of the per-call test (a service and method named as hello.proto's). */
export const OTHER_PROTO = fileURLToPath(new URL('../scripts/grpc/other.proto', import.meta.url));
/** How long `other.Greeter/Slow` takes to answer (ms). */
export const SLOW_MS = 300;

/**
 * A server of hello.Greeter/SayHello and other.Greeter (SayHello, Slow answering after
 * {@link SLOW_MS}, Garbled answering bytes that do not parse as its reply type). Both SayHello
 * answer the `x-token` metadata they got in the `x-token-seen` header.
 */
export async function startOtherServer(): Promise<{ addr: string; close(): Promise<void> }> {
  const loaded = grpc.loadPackageDefinition(
    protoLoader.loadSync([HELLO_PROTO, OTHER_PROTO], { longs: String, enums: String, defaults: true }),
  ) as unknown as {
    hello: { Greeter: grpc.ServiceClientConstructor };
    other: { Greeter: grpc.ServiceClientConstructor };
  };
  const echoToken = (call: grpc.ServerUnaryCall<unknown, unknown>): void => {
    const headers = new grpc.Metadata();
    headers.set('x-token-seen', String(call.metadata.get('x-token')[0] ?? ''));
    call.sendMetadata(headers);
  };
  const server = new grpc.Server();
  server.addService(loaded.hello.Greeter.service, {
    SayHello: (
      call: grpc.ServerUnaryCall<{ name: string }, unknown>,
      callback: grpc.sendUnaryData<unknown>,
    ) => {
      echoToken(call);
      callback(null, { message: `Hello ${call.request.name}` });
    },
  });
  const other = loaded.other.Greeter.service;
  // A varint cut short: field 1 with its continuation bit set and no byte after it.
  const garbled = { ...other['Garbled'], responseSerialize: () => Buffer.from([0x08, 0xff]) };
  server.addService(
    { ...other, Garbled: garbled } as grpc.ServiceDefinition,
    {
      SayHello: (
        call: grpc.ServerUnaryCall<{ id: string }, unknown>,
        callback: grpc.sendUnaryData<unknown>,
      ) => {
        echoToken(call);
        callback(null, { id: call.request.id, echoed: true });
      },
      Slow: (
        call: grpc.ServerUnaryCall<{ id: string }, unknown>,
        callback: grpc.sendUnaryData<unknown>,
      ) => {
        setTimeout(() => callback(null, { id: call.request.id, echoed: true }), SLOW_MS);
      },
      Garbled: (_call: grpc.ServerUnaryCall<unknown, unknown>, callback: grpc.sendUnaryData<unknown>) =>
        callback(null, {}),
    },
  );
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    );
  });
  return {
    addr: `127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.tryShutdown(() => resolve());
        setTimeout(() => server.forceShutdown(), 2000).unref();
      }),
  };
}
