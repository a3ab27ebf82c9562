/**
 * A real @grpc/grpc-js server for k6's documentation examples (scripts/docs): hello.HelloService
 * (unary) and the route guide's main.RouteGuide / main.FeatureExplorer (server, client and bidi
 * streaming), with server reflection, over plaintext or TLS (a fresh self-signed certificate).
 */
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import { selfSignedCertificate } from '../../helpers/certificates.js';

const DEFINITIONS = fileURLToPath(new URL('../scripts/docs/definitions/', import.meta.url));

/** The running server. */
export interface DocsGrpcServer {
  /** `127.0.0.1:<port>`. */
  addr: string;
  /** Calls received per method name (`SayHello`, `ListFeatures`, ...). */
  calls(method: string): number;
  /** Messages the client streams sent (RecordRoute points, RouteChat notes). */
  streamedIn(): number;
  close(): Promise<void>;
}

interface Point {
  latitude: number;
  longitude: number;
}

/** Features the server knows: three inside k6's example rectangle, one outside. */
const FEATURES = [
  { name: 'north gate', location: { latitude: 410000000, longitude: -745000000 } },
  { name: 'old mill', location: { latitude: 405000000, longitude: -740000000 } },
  { name: 'river bend', location: { latitude: 415000000, longitude: -735000000 } },
  { name: 'far away', location: { latitude: 100000000, longitude: 100000000 } },
];

/** Starts the server on a port chosen by the OS (TLS when `tls`). */
export async function startDocsGrpcServer(tls = false): Promise<DocsGrpcServer> {
  const definition = protoLoader.loadSync(
    [`${DEFINITIONS}hello.proto`, `${DEFINITIONS}route_guide.proto`],
    { defaults: true },
  );
  const loaded = grpc.loadPackageDefinition(definition) as unknown as {
    hello: { HelloService: grpc.ServiceClientConstructor };
    main: { RouteGuide: grpc.ServiceClientConstructor; FeatureExplorer: grpc.ServiceClientConstructor };
  };
  const counts = new Map<string, number>();
  let streamedIn = 0;
  const seen = (method: string): void => {
    counts.set(method, (counts.get(method) ?? 0) + 1);
  };
  const inside = (p: Point, lo: Point, hi: Point): boolean =>
    p.latitude >= Math.min(lo.latitude, hi.latitude) &&
    p.latitude <= Math.max(lo.latitude, hi.latitude) &&
    p.longitude >= Math.min(lo.longitude, hi.longitude) &&
    p.longitude <= Math.max(lo.longitude, hi.longitude);
  const getFeature: grpc.handleUnaryCall<Point, unknown> = (call, callback) => {
    seen('GetFeature');
    callback(null, FEATURES.find((f) => f.location.latitude === call.request.latitude) ?? { name: '', location: call.request });
  };
  const listFeatures: grpc.handleServerStreamingCall<{ lo: Point; hi: Point }, unknown> = (call) => {
    seen('ListFeatures');
    for (const f of FEATURES) if (inside(f.location, call.request.lo, call.request.hi)) call.write(f);
    call.end();
  };
  const server = new grpc.Server();
  server.addService(loaded.hello.HelloService.service, {
    SayHello: (call: grpc.ServerUnaryCall<{ greeting: string }, unknown>, callback: grpc.sendUnaryData<unknown>) => {
      seen('SayHello');
      callback(null, { reply: `hello ${call.request.greeting}` });
    },
  });
  server.addService(loaded.main.FeatureExplorer.service, { GetFeature: getFeature, ListFeatures: listFeatures });
  server.addService(loaded.main.RouteGuide.service, {
    GetFeature: getFeature,
    ListFeatures: listFeatures,
    RecordRoute: (call: grpc.ServerReadableStream<Point, unknown>, callback: grpc.sendUnaryData<unknown>) => {
      seen('RecordRoute');
      const started = Date.now();
      let points = 0;
      let features = 0;
      call.on('data', (p: Point) => {
        streamedIn++;
        points++;
        if (FEATURES.some((f) => f.location.latitude === p.latitude)) features++;
      });
      call.on('end', () =>
        callback(null, {
          point_count: points,
          feature_count: features,
          distance: points * 1000,
          elapsed_time: Math.round((Date.now() - started) / 1000),
        }),
      );
    },
    RouteChat: (call: grpc.ServerDuplexStream<{ location: Point; message: string }, unknown>) => {
      seen('RouteChat');
      call.on('data', (note: { location: Point; message: string }) => {
        streamedIn++;
        call.write({ location: note.location, message: `seen ${note.message}` });
      });
      call.on('end', () => call.end());
    },
  });
  new ReflectionService(definition).addToServer(server);
  const pair = tls ? selfSignedCertificate() : undefined;
  const credentials = pair
    ? grpc.ServerCredentials.createSsl(null, [{ private_key: pair.key, cert_chain: pair.cert }])
    : grpc.ServerCredentials.createInsecure();
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', credentials, (error, bound) => (error ? reject(error) : resolve(bound))),
  );
  return {
    addr: `127.0.0.1:${port}`,
    calls: (method) => counts.get(method) ?? 0,
    streamedIn: () => streamedIn,
    close: () =>
      new Promise<void>((resolve) => {
        server.tryShutdown(() => resolve());
        setTimeout(() => server.forceShutdown(), 2000).unref();
      }),
  };
}
