/**
 * k6's `k6/net/grpc` client on @grpc/grpc-js and @grpc/proto-loader: `load()` parses .proto
 * files in the init context (or `connect(addr, { reflect: true })` asks the server), `connect()`
 * opens one HTTP/2 connection per VU (a script's single
 * top-level `new grpc.Client()` is shared by the VUs of a thread, so connections are kept per
 * VU, as each k6 VU has its own client), `invoke()` makes a unary call and returns k6's response
 * shape (`status`, `message`, `error`, `headers`, `trailers`) without throwing on a non-OK
 * status, and records `grpc_req_duration` with k6's tags (`url`, `service`, `method`, `name`,
 * `status`). Messages are plain objects in protobuf's JSON form (lowerCamelCase fields, 64-bit
 * integers as strings, enums by name, defaults filled in).
 */
import { readFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { isAbsolute, resolve } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { ExitCode } from '../../errors/exit-codes.js';
import { RedlineError } from '../../errors/redline-error.js';
import { BUILTIN_METRICS } from '../../metrics/builtin.js';
import type { MetricRegistry } from '../../metrics/registry.js';
import type { TrendSeries } from '../../metrics/series.js';
import { parseDurationMs } from '../../util/duration.js';
import { hasKeys } from '../../util/has-keys.js';
import { contextKey, contextTags } from '../api/sample-tags.js';
import { threadRuntime } from '../runtime/thread-runtime.js';
import {
  addBackgroundTask,
  currentVu,
  IterationAbort,
  requireVu,
  type VuState,
} from '../runtime/vu-state.js';
import { httpSettings } from '../vu-http/http-settings.js';
import type { WireBytes } from '../vu-http/wire-bytes.js';
import {
  addressFailure,
  type ConnectFailure,
  connectError,
  dialFailure,
  handshakeFailure,
  isResolutionFailure,
  lookupFailure,
} from './connect-failure.js';
import { decodeHealthCheckStatus, encodeHealthCheckRequest, HEALTH_CHECK_PATH } from './health.js';
import { reflectServices } from './reflection.js';

/** k6's default connect timeout. */
const CONNECT_TIMEOUT_MS = 60_000;
/** k6's default call timeout. */
const INVOKE_TIMEOUT_MS = 120_000;

/** How long close() lets a connection's sockets close by themselves before destroying them (ms). */
const CLOSE_WAIT_MS = 1000;

/** What `load()` returns per method (k6's MethodInfo). */
export interface MethodInfo {
  package: string;
  service: string;
  method: string;
  fullMethod: string;
  isClientStream: boolean;
  isServerStream: boolean;
}

/** `connect()` parameters (k6). */
export interface ConnectParams {
  plaintext?: boolean;
  timeout?: string | number;
  reflect?: boolean;
  /** Metadata sent with the reflection requests (k6). */
  reflectMetadata?: InvokeParams['metadata'];
  maxReceiveSize?: number;
  maxSendSize?: number;
  authority?: string;
  tls?: { cacerts?: string | string[]; cert?: string; key?: string };
}

/** `invoke()` parameters (k6). */
export interface InvokeParams {
  metadata?: Record<string, string | ArrayBuffer | Uint8Array>;
  tags?: Record<string, string>;
  timeout?: string | number;
  discardResponseMessage?: boolean;
}

/** What `invoke()` returns (k6's shape). */
export interface InvokeResponse {
  status: number;
  message: unknown;
  error: { code: number; message: string; details: unknown[] } | null;
  headers: Record<string, string[]>;
  trailers: Record<string, string[]>;
}

/** A loaded method: its path and (de)serialisers. */
export interface LoadedMethod {
  info: MethodInfo;
  definition: protoLoader.MethodDefinition<object, object>;
}

/** One VU's connection and the `grpc_req_duration` series of its calls. */
interface VuConnection {
  client: grpc.Client;
  addr: string;
  series: CallSeries;
  /** The TCP sockets grpc-js dialed for this connection (one, or more after reconnections). */
  sockets: Set<Socket>;
}

/** A call made on the channel (grpc-js's `Call` interface, below the surface call objects). */
type ChannelCall = ReturnType<grpc.Channel['createCall']>;

/** `invoke()` without parameters. */
const NO_PARAMS: InvokeParams = Object.freeze({});

/** The call's timeout in ms: k6's default when unset or zero (k6 reads 0 as "no timeout given"). */
function invokeTimeoutMs(timeout: InvokeParams['timeout']): number {
  if (timeout === undefined || timeout === null) return INVOKE_TIMEOUT_MS;
  const ms = parseTimeout(timeout, 'invoke');
  return ms === 0 ? INVOKE_TIMEOUT_MS : ms;
}

/** The unary calls in flight per VU, cancelled together when the VU is stopped. */
const callsInFlight = new WeakMap<VuState, { signal: AbortSignal; calls: Set<ChannelCall> }>();

/**
 * The set of `vu`'s calls in flight. One abort listener per VU signal (not one added and removed
 * per call): stopping the VU cancels each call with status Canceled, as `call.cancel()` did.
 */
function inFlightCalls(vu: VuState): Set<ChannelCall> {
  let entry = callsInFlight.get(vu);
  if (entry === undefined || entry.signal !== vu.signal) {
    const calls = new Set<ChannelCall>();
    entry = { signal: vu.signal, calls };
    vu.signal.addEventListener(
      'abort',
      () => {
        for (const call of calls)
          call.cancelWithStatus(grpc.status.CANCELLED, 'Cancelled on client');
      },
      { once: true },
    );
    callsInFlight.set(vu, entry);
  }
  return entry.calls;
}

/** Status code constants (`grpc.StatusOK` …), as k6 exports them. */
export const STATUS_CODES = {
  StatusOK: grpc.status.OK,
  StatusCanceled: grpc.status.CANCELLED,
  StatusUnknown: grpc.status.UNKNOWN,
  StatusInvalidArgument: grpc.status.INVALID_ARGUMENT,
  StatusDeadlineExceeded: grpc.status.DEADLINE_EXCEEDED,
  StatusNotFound: grpc.status.NOT_FOUND,
  StatusAlreadyExists: grpc.status.ALREADY_EXISTS,
  StatusPermissionDenied: grpc.status.PERMISSION_DENIED,
  StatusResourceExhausted: grpc.status.RESOURCE_EXHAUSTED,
  StatusFailedPrecondition: grpc.status.FAILED_PRECONDITION,
  StatusAborted: grpc.status.ABORTED,
  StatusOutOfRange: grpc.status.OUT_OF_RANGE,
  StatusUnimplemented: grpc.status.UNIMPLEMENTED,
  StatusInternal: grpc.status.INTERNAL,
  StatusUnavailable: grpc.status.UNAVAILABLE,
  StatusDataLoss: grpc.status.DATA_LOSS,
  StatusUnauthenticated: grpc.status.UNAUTHENTICATED,
} as const;

/** Options of proto-loader that give protobuf's JSON mapping (protojson with defaults). */
export const PROTO_OPTIONS: protoLoader.Options = {
  keepCase: false,
  longs: String,
  enums: String,
  bytes: String,
  defaults: true,
  oneofs: true,
};

/** Channel TLS checks when the test skips certificate verification (k6's insecureSkipTLSVerify). */
const INSECURE_VERIFY: grpc.VerifyOptions = {
  rejectUnauthorized: false,
  checkServerIdentity: () => undefined,
};

/** What the connector saw of a channel's latest TLS handshake (for connect()'s error). */
interface HandshakeRecord {
  /** The latest handshake's error; undefined once a handshake succeeded or none failed. */
  error: unknown;
}

/**
 * `base` whose connections' TCP sockets are counted in `wire` (the VU's `data_sent` /
 * `data_received`, as k6's dialer counts gRPC connections): grpc-js hands the TCP socket it dialed
 * to the credentials' connector, which wraps it in TLS when the channel is secure; the counters
 * of that socket are the bytes on the wire. Nothing is added per call. The outcome of each
 * handshake is kept in `handshake`, so that connect() can say why an attempt failed.
 */
function countingCredentials(
  base: grpc.ChannelCredentials,
  wire: WireBytes,
  sockets: Set<Socket>,
  handshake: HandshakeRecord,
): grpc.ChannelCredentials {
  const counting = Object.create(base) as grpc.ChannelCredentials;
  counting._createSecureConnector = (target, options, callCredentials) => {
    const connector = base._createSecureConnector(target, options, callCredentials);
    return {
      connect(socket) {
        wire.track(socket);
        sockets.add(socket);
        socket.once('close', () => sockets.delete(socket));
        return connector.connect(socket).then(
          (result) => {
            handshake.error = undefined;
            return result;
          },
          (error: unknown) => {
            handshake.error = error ?? new Error('TLS handshake failed');
            throw error;
          },
        );
      },
      waitForReady: () => connector.waitForReady(),
      getCallCredentials: () => connector.getCallCredentials(),
      destroy: () => connector.destroy(),
    };
  };
  return counting;
}

/**
 * grpc-js's account of the channel's last connection failure: the details of a call picked
 * while the channel is in TRANSIENT_FAILURE ("No connection established. Last error: …"). The
 * call is made without waitForReady, so the pick (synchronous in `start`, the channel being in
 * TRANSIENT_FAILURE now) fails it at once: nothing is sent, no connection is made.
 */
function lastConnectionError(
  channel: ReturnType<grpc.Client['getChannel']>,
  done: (lastError: string) => void,
): void {
  const call = channel.createCall('/redline.connect/LastError', Date.now() + 1000, null, null, 0);
  call.start(new grpc.Metadata(), {
    onReceiveMetadata: () => call.cancelWithStatus(grpc.status.CANCELLED, 'not a probe'),
    onReceiveMessage: () => {},
    onReceiveStatus: (status: grpc.StatusObject) => {
      const match = /Last error: (.*?)(?:\. Resolution note:.*)?$/s.exec(status.details);
      done(match?.[1] ?? status.details);
    },
  });
}

/**
 * Waits until `client`'s channel is ready, as k6's blocking dial does: a permanent failure
 * (`connect-failure.ts`: a refused dial, a name that does not exist, a server's TLS alert)
 * rejects at once, other failures are retried by grpc-js until `deadline`,
 * which rejects with the last failure seen; the VU's stop rejects with an IterationAbort.
 */
function awaitReady(
  client: grpc.Client,
  addr: string,
  deadline: number,
  handshake: HandshakeRecord,
  signal: AbortSignal,
): Promise<void> {
  const channel = client.getChannel();
  return new Promise<void>((resolveReady, reject) => {
    let last: ConnectFailure | undefined;
    let done = false;
    const finish = (error?: Error): void => {
      if (done) return;
      done = true;
      signal.removeEventListener('abort', onAbort);
      if (error) reject(error);
      else resolveReady();
    };
    const onAbort = (): void => finish(new IterationAbort('interrupted', true));
    signal.addEventListener('abort', onAbort, { once: true });
    const check = (): void => {
      if (done) return;
      let state: grpc.connectivityState;
      try {
        state = channel.getConnectivityState(true);
      } catch {
        finish(new Error(`grpc.Client.connect(${addr}): the channel has been closed`));
        return;
      }
      if (state === grpc.connectivityState.READY) {
        finish();
        return;
      }
      if (state === grpc.connectivityState.TRANSIENT_FAILURE) {
        lastConnectionError(channel, (lastError) => {
          if (isResolutionFailure(lastError)) {
            // k6's dialer fails at once on a name that does not exist (Go's "no such host").
            void lookupFailure(addr, lastError).then((failure) => {
              if (done) return;
              last = failure;
              if (failure.permanent) finish(connectError(addr, failure, false));
            });
            return;
          }
          const failure =
            dialFailure(lastError) ??
            (handshake.error !== undefined
              ? handshakeFailure(handshake.error)
              : { desc: lastError, permanent: false });
          last = failure;
          if (failure.permanent) finish(connectError(addr, failure, false));
        });
      }
      channel.watchConnectivityState(state, deadline, (error) => {
        if (!error) check();
        else {
          // Timed out: the latest handshake failure, if the last attempt got that far.
          if (
            handshake.error !== undefined &&
            (last === undefined || last.desc.startsWith('transport: authentication'))
          )
            last = handshakeFailure(handshake.error);
          finish(connectError(addr, last, true));
        }
      });
    };
    check();
  });
}

/** `grpc.Client`. */
export class Client {
  readonly #methods = new Map<string, LoadedMethod>();
  /**
   * Methods found by the name a script passes (`'pkg.Service/Method'` or with its leading
   * slash): the script's string constant is looked up as is, without building the path per call.
   */
  readonly #byName = new Map<string, { loaded: LoadedMethod; path: string }>();
  readonly #connections = new WeakMap<VuState, VuConnection>();

  /** Parses `files` (resolved against `importPaths`, default: the script's folder); init context only. */
  load(importPaths: unknown, ...files: string[]): MethodInfo[] {
    const rt = threadRuntime();
    if (currentVu() !== undefined) {
      throw new RedlineError(
        'E_SCRIPT_GRPC_LOAD',
        'grpc.Client.load() must be called in the init context',
        {
          hint: 'call client.load() at the top level of the script',
          exitCode: ExitCode.ScriptException,
        },
      );
    }
    const stack = new Error().stack;
    const base = (path: string): string =>
      rt.resolvePath
        ? rt.resolvePath(path, stack)
        : isAbsolute(path)
          ? path
          : resolve(rt.scriptDir, path);
    const dirs = (Array.isArray(importPaths) ? importPaths : [])
      .map((p) => String(p).replace(/^file:\/\//, ''))
      .map(base);
    if (dirs.length === 0) dirs.push(base('.'));
    let definition: protoLoader.PackageDefinition;
    try {
      definition = protoLoader.loadSync(files, { ...PROTO_OPTIONS, includeDirs: dirs });
    } catch (error) {
      throw new RedlineError(
        'E_SCRIPT_GRPC_PROTO',
        `grpc.Client.load(): cannot load ${files.join(', ')}: ${error instanceof Error ? error.message : String(error)}`,
        {
          hint: 'import paths and proto files are relative to the script file',
          exitCode: ExitCode.ScriptException,
          cause: error,
        },
      );
    }
    return this.addDefinitions(definition);
  }

  /** @internal Adds the services of a package definition (from load() or reflection). */
  addDefinitions(definition: protoLoader.PackageDefinition): MethodInfo[] {
    const infos: MethodInfo[] = [];
    for (const [name, value] of Object.entries(definition)) {
      if (!isServiceDefinition(value)) continue;
      const dot = name.lastIndexOf('.');
      for (const [methodName, method] of Object.entries(value)) {
        const info: MethodInfo = {
          package: dot < 0 ? '' : name.slice(0, dot),
          service: name,
          method: methodName,
          fullMethod: method.path,
          isClientStream: method.requestStream,
          isServerStream: method.responseStream,
        };
        this.#methods.set(method.path, { info, definition: method });
        this.#byName.clear();
        infos.push(info);
      }
    }
    return infos;
  }

  /** Connects the calling VU to `addr` (`host:port`); resolves true, throws when it cannot. */
  async connect(addr: string, params?: ConnectParams | null): Promise<boolean> {
    const vu = requireVu('grpc.Client.connect()');
    if (vu.signal.aborted) throw new IterationAbort('interrupted', true);
    const p = params ?? {};
    const timeoutMs =
      p.timeout === undefined || p.timeout === null
        ? CONNECT_TIMEOUT_MS
        : parseTimeout(p.timeout, 'connect');
    const options: grpc.ChannelOptions = {
      // One connection per VU, as in k6 (grpc-js otherwise shares subchannels between clients).
      'grpc.use_local_subchannel_pool': 1,
      'grpc.primary_user_agent': httpSettings.userAgent,
      // No DNS TXT query for a service config per connect(): k6's dial looks up addresses only.
      'grpc.service_config_disable_resolution': 1,
    };
    if (p.maxReceiveSize) options['grpc.max_receive_message_length'] = Number(p.maxReceiveSize);
    if (p.maxSendSize) options['grpc.max_send_message_length'] = Number(p.maxSendSize);
    if (p.authority) options['grpc.default_authority'] = String(p.authority);
    const tls = p.plaintext
      ? grpc.credentials.createInsecure()
      : grpc.credentials.createSsl(
          p.tls?.cacerts
            ? Buffer.from(Array.isArray(p.tls.cacerts) ? p.tls.cacerts.join('\n') : p.tls.cacerts)
            : null,
          p.tls?.key ? Buffer.from(p.tls.key) : null,
          p.tls?.cert ? Buffer.from(p.tls.cert) : null,
          // k6 builds the channel's TLS from the test's TLS settings: insecureSkipTLSVerify
          // (`--insecure-skip-tls-verify`) skips the server's certificate check here too.
          httpSettings.insecure ? INSECURE_VERIFY : undefined,
        );
    // k6's dialer counts the bytes of gRPC connections in data_sent / data_received too.
    const sockets = new Set<Socket>();
    const handshake: HandshakeRecord = { error: undefined };
    const credentials = countingCredentials(tls, vu.http.wire, sockets, handshake);
    this.#connections.get(vu)?.client.close();
    // Not `host:port`: k6's dialer refuses it on the first attempt (connect-failure.ts).
    const malformed = addressFailure(addr);
    if (malformed) {
      this.#connections.delete(vu);
      throw connectError(addr, malformed, false);
    }
    const client = new grpc.Client(addr, credentials, options);
    const connection: VuConnection = { client, addr, series: new CallSeries(addr), sockets };
    this.#connections.set(vu, connection);
    const ready = awaitReady(client, addr, Date.now() + timeoutMs, handshake, vu.signal);
    await ready.catch((error: unknown) => {
      client.close();
      if (this.#connections.get(vu) === connection) this.#connections.delete(vu);
      throw error;
    });
    if (p.reflect) {
      try {
        this.addDefinitions(
          await reflectServices(
            client,
            PROTO_OPTIONS,
            timeoutMs,
            vu.signal,
            toMetadata(p.reflectMetadata),
          ),
        );
      } catch (error) {
        throw new Error(
          `grpc.Client.connect(${addr}): ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    }
    return true;
  }

  /**
   * Makes a unary call; resolves with k6's response shape (a non-OK status does not throw).
   *
   * The call goes straight to the channel (`Channel.createCall`, grpc-js's public call API)
   * rather than through `Client.makeUnaryRequest`: that wrapper adds, per call, an interceptor
   * chain, an EventEmitter call object with two emitted events, a callback and a captured
   * `new Error()` stack, none of which k6's response needs. The call itself is the same (same
   * channel, same filters, deadline, metadata, status); what the wrapper did that matters is
   * kept here: the response is deserialised once (a parse failure cancels the call with
   * Internal), a second response cancels it with Unimplemented.
   */
  invoke(method: string, request: unknown, params?: InvokeParams | null): Promise<InvokeResponse> {
    const vu = requireVu('grpc.Client.invoke()');
    if (vu.signal.aborted) throw new IterationAbort('interrupted', true);
    const { connection, loaded, path } = this.#prepare(vu, method);
    if (loaded.info.isClientStream || loaded.info.isServerStream) {
      throw new TypeError(`method "${path}" is a streaming method; use grpc.Stream`);
    }
    if (request === null || request === undefined) throw new TypeError('request cannot be nil');
    const p = params ?? NO_PARAMS;
    const timeoutMs = invokeTimeoutMs(p.timeout);
    const metadata = toMetadata(p.metadata);
    const durations = connection.series.durations(vu, path, p.tags);
    const definition = loaded.definition;
    let payload: Buffer;
    try {
      payload = definition.requestSerialize(request as object);
    } catch (error) {
      throw new TypeError(
        `unable to serialise request object to protocol buffer: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    const discard = p.discardResponseMessage === true;
    return new Promise<InvokeResponse>((resolveCall, rejectCall) => {
      let headers: Record<string, string[]> = {};
      let message: unknown = null;
      let received = false;
      let readError: grpc.StatusObject | null = null;
      const started = performance.now();
      const call = connection.client
        .getChannel()
        .createCall(path, Date.now() + timeoutMs, undefined, null, undefined);
      const inFlight = inFlightCalls(vu);
      inFlight.add(call);
      call.start(metadata, {
        onReceiveMetadata(md: grpc.Metadata) {
          headers = metadataRecord(md);
        },
        onReceiveMessage(bytes: Buffer) {
          if (received) {
            call.cancelWithStatus(grpc.status.UNIMPLEMENTED, 'Too many responses received');
            return;
          }
          received = true;
          if (discard) return;
          try {
            message = definition.responseDeserialize(bytes);
          } catch (error) {
            readError = {
              code: grpc.status.INTERNAL,
              details: `Response message parsing error: ${error instanceof Error ? error.message : String(error)}`,
              metadata: new grpc.Metadata(),
            };
            call.cancelWithStatus(readError.code, readError.details);
          }
        },
        onReceiveStatus(arrived: grpc.StatusObject) {
          inFlight.delete(call);
          const status = readError ?? arrived;
          const duration = performance.now() - started;
          durations(status.code).add(duration);
          // Stopped VU: the cancelled call is counted (status Canceled); the iteration ends here.
          if (vu.signal.aborted) {
            rejectCall(new IterationAbort('interrupted', true));
            return;
          }
          const ok = status.code === grpc.status.OK;
          resolveCall({
            status: status.code,
            message: ok ? message : null,
            error: ok ? null : { code: status.code, message: status.details, details: [] },
            headers,
            trailers: metadataRecord(status.metadata),
          });
        },
      });
      call.startRead();
      call.sendMessageWithContext({}, payload);
      call.halfClose();
    });
  }

  /** `invoke()` without blocking: the promise of its response. */
  asyncInvoke(
    method: string,
    request: unknown,
    params?: InvokeParams | null,
  ): Promise<InvokeResponse> {
    try {
      return this.invoke(method, request, params);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Loads a protoset (a serialised FileDescriptorSet, as `protoc --descriptor_set_out
   * --include_imports` writes), resolved against the script's folder; init context only.
   */
  loadProtoset(protosetPath: string): MethodInfo[] {
    const rt = threadRuntime();
    if (currentVu() !== undefined) {
      throw new RedlineError(
        'E_SCRIPT_GRPC_LOAD',
        'grpc.Client.loadProtoset() must be called in the init context',
        {
          hint: 'call client.loadProtoset() at the top level of the script',
          exitCode: ExitCode.ScriptException,
        },
      );
    }
    const path = String(protosetPath).replace(/^file:\/\//, '');
    const full = rt.resolvePath
      ? rt.resolvePath(path, new Error().stack)
      : isAbsolute(path)
        ? path
        : resolve(rt.scriptDir, path);
    let definition: protoLoader.PackageDefinition;
    try {
      definition = protoLoader.loadFileDescriptorSetFromBuffer(readFileSync(full), PROTO_OPTIONS);
    } catch (error) {
      throw new RedlineError(
        'E_SCRIPT_GRPC_PROTO',
        `grpc.Client.loadProtoset(): cannot load ${full}: ${error instanceof Error ? error.message : String(error)}`,
        {
          hint: 'the file must be a binary FileDescriptorSet (protoc --descriptor_set_out=FILE --include_imports)',
          exitCode: ExitCode.ScriptException,
          cause: error,
        },
      );
    }
    return this.addDefinitions(definition);
  }

  /**
   * Asks the server's standard health service (grpc.health.v1.Health/Check) about `service`
   * (default '': the whole server); resolves `{ status }` with the serving status
   * (`grpc.HealthCheckServing` …) as k6 does, throws when the call fails (no health service:
   * Unimplemented). Recorded in `grpc_req_duration` with the VU's tags and the call's status, as
   * k6's connection-level stats handler does.
   */
  async healthCheck(service?: string | null): Promise<{ status: number }> {
    const vu = requireVu('grpc.Client.healthCheck()');
    if (vu.signal.aborted) throw new IterationAbort('interrupted', true);
    const connection = this.#connections.get(vu);
    if (!connection) throw new Error('no gRPC connection, you must call connect first');
    const started = performance.now();
    return new Promise((resolveCall, rejectCall) => {
      let status = 0;
      const call = connection.client.makeUnaryRequest<Buffer, number>(
        HEALTH_CHECK_PATH,
        (b: Buffer) => b,
        decodeHealthCheckStatus,
        encodeHealthCheckRequest(service ? String(service) : ''),
        new grpc.Metadata(),
        { deadline: Date.now() + INVOKE_TIMEOUT_MS },
        (_error, value) => {
          status = value ?? 0;
        },
      );
      const onAbort = (): void => call.cancel();
      vu.signal.addEventListener('abort', onAbort, { once: true });
      call.on('status', (result: grpc.StatusObject) => {
        vu.signal.removeEventListener('abort', onAbort);
        threadRuntime()
          .registry.trend(BUILTIN_METRICS.grpc_req_duration, {
            ...contextTags(undefined, vu),
            status: String(result.code),
          })
          .add(performance.now() - started);
        if (vu.signal.aborted) rejectCall(new IterationAbort('interrupted', true));
        else if (result.code !== grpc.status.OK)
          rejectCall(new Error(`grpc.Client.healthCheck(): ${result.code} ${result.details}`));
        else resolveCall({ status });
      });
    });
  }

  /** Closes the calling VU's connection. */
  close(): void {
    const vu = currentVu();
    if (!vu) return;
    const connection = this.#connections.get(vu);
    if (!connection) return;
    connection.client.close();
    this.#connections.delete(vu);
    // The iteration ends once the connection's sockets closed, so that the bytes of its teardown
    // (GOAWAY) are reported with it, as k6's close() (which closes the connection at once) does.
    // A peer that never closes its side does not hold the iteration: the socket is destroyed
    // after CLOSE_WAIT_MS, as k6 would have closed it at once.
    for (const socket of connection.sockets) {
      addBackgroundTask(vu, {
        done: new Promise((resolve) => {
          const timer = setTimeout(() => socket.destroy(), CLOSE_WAIT_MS);
          timer.unref();
          socket.once('close', () => {
            clearTimeout(timer);
            resolve();
          });
        }),
        stop: () => socket.destroy(),
      });
    }
  }

  /** @internal The VU's connection and the loaded method (for streams). */
  prepare(
    vu: VuState,
    method: string,
  ): { connection: VuConnection; loaded: LoadedMethod; path: string } {
    return this.#prepare(vu, method);
  }

  #prepare(
    vu: VuState,
    method: string,
  ): { connection: VuConnection; loaded: LoadedMethod; path: string } {
    const connection = this.#connections.get(vu);
    if (!connection) throw new Error('no gRPC connection, you must call connect first');
    const { loaded, path } = this.#method(method);
    return { connection, loaded, path };
  }

  #method(method: string): { loaded: LoadedMethod; path: string } {
    let found = this.#byName.get(method);
    if (found === undefined) {
      if (!method) throw new TypeError('method to invoke cannot be empty');
      const path = method.startsWith('/') ? method : `/${method}`;
      const loaded = this.#methods.get(path);
      if (!loaded) throw new TypeError(`method "${path}" not found in file descriptors`);
      found = { loaded, path };
      this.#byName.set(method, found);
    }
    return found;
  }
}

/**
 * The `grpc_req_duration` series of one connection's unary calls. Remembers its last lookup, so a
 * VU repeating the same call in the same context (registry, scenario, group, no call tags, no VU
 * tags) finds its series without building the cache key.
 */
export class CallSeries {
  readonly #addr: string;
  #memo:
    | {
        registry: MetricRegistry;
        scenario: string;
        group: string;
        path: string;
        tags: Record<string, string> | undefined;
        series: (status: number) => TrendSeries;
      }
    | undefined;

  constructor(addr: string) {
    this.#addr = addr;
  }

  /** The series of a call of `path` by `vu` with the call's own `tags`, per status code. */
  durations(
    vu: VuState,
    path: string,
    tags: Record<string, string> | undefined,
  ): (status: number) => TrendSeries {
    const registry = threadRuntime().registry;
    const memo = this.#memo;
    if (
      memo !== undefined &&
      memo.registry === registry &&
      memo.path === path &&
      memo.tags === tags &&
      memo.scenario === vu.scenario.name &&
      memo.group === vu.group &&
      !hasKeys(vu.tags)
    ) {
      return memo.series;
    }
    const series = durationSeries(vu, this.#addr, path, tags);
    // VU tags can change in place (exec.vu.tags), and so can a call's `tags` object a script
    // reuses across calls: only calls without either use the memo.
    this.#memo =
      hasKeys(vu.tags) || tags !== undefined
        ? undefined
        : { registry, scenario: vu.scenario.name, group: vu.group, path, tags, series };
    return series;
  }
}

/** Series caches per registry: call tags are built once per context, method and user tags. */
const durationCaches = new WeakMap<MetricRegistry, Map<string, Map<number, TrendSeries>>>();

/**
 * The `grpc_req_duration` series of a call, per status code (cached: building the tags and the
 * series key on every call would cost more than the rest of the bookkeeping).
 */
export function durationSeries(
  vu: VuState,
  addr: string,
  path: string,
  userTags: Record<string, string> | undefined,
): (status: number) => TrendSeries {
  const registry = threadRuntime().registry;
  let cache = durationCaches.get(registry);
  if (!cache) {
    cache = new Map();
    durationCaches.set(registry, cache);
  }
  const key = `${contextKey(userTags, vu)}\u0001${addr}${path}`;
  let byStatus = cache.get(key);
  if (!byStatus) {
    byStatus = new Map();
    cache.set(key, byStatus);
  }
  const series = byStatus;
  return (status) => {
    let trend = series.get(status);
    if (!trend) {
      const tags = { ...callTags(vu, addr, path, userTags), status: String(status) };
      trend = registry.trend(BUILTIN_METRICS.grpc_req_duration, tags);
      series.set(status, trend);
    }
    return trend;
  };
}

/** k6's tags of a call: context tags, then `url`, `service`, `method` and `name`. */
export function callTags(
  vu: VuState,
  addr: string,
  path: string,
  userTags: Record<string, string> | undefined,
): Record<string, string> {
  const [service = '', method = ''] = path.slice(1).split('/');
  const tags: Record<string, string> = {
    ...contextTags(userTags, vu),
    url: `${addr}${path}`,
    service,
    method,
  };
  if (userTags?.['name'] === undefined) tags['name'] = path;
  return tags;
}

function isServiceDefinition(value: unknown): value is protoLoader.ServiceDefinition {
  if (typeof value !== 'object' || value === null || 'format' in value) return false;
  const first = Object.values(value)[0] as { path?: unknown } | undefined;
  return typeof first?.path === 'string';
}

function parseTimeout(value: string | number, what: string): number {
  const ms = parseDurationMs(value);
  if (ms === undefined) {
    throw new TypeError(`invalid ${what} timeout value: ${String(value)}`);
  }
  return ms;
}

/** `params.metadata` as grpc-js Metadata (keys ending in `-bin` carry bytes). */
export function toMetadata(input: InvokeParams['metadata']): grpc.Metadata {
  const metadata = new grpc.Metadata();
  if (input === undefined || input === null) return metadata;
  for (const [key, value] of Object.entries(input)) {
    if (key.endsWith('-bin')) {
      const bytes =
        typeof value === 'string'
          ? Buffer.from(value)
          : value instanceof ArrayBuffer
            ? Buffer.from(value)
            : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
      metadata.add(key, bytes);
    } else {
      metadata.add(key, String(value));
    }
  }
  return metadata;
}

/** Metadata as k6 reports it: every key with its values (binary values base64). */
export function metadataRecord(md: grpc.Metadata | undefined): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  if (!md) return out;
  // toJSON() hands out grpc-js's own value arrays (no copy); each is copied once here.
  const all = md.toJSON();
  for (const key in all) {
    const values = all[key] as grpc.MetadataValue[];
    const copy = new Array<string>(values.length);
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      copy[i] = Buffer.isBuffer(v) ? v.toString('base64') : String(v);
    }
    out[key] = copy;
  }
  return out;
}
