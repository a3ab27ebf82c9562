/**
 * One shard of a quick-mode run: N keep-alive connections hammering one URL (HTTP/1.1
 * connections, or HTTP/2 connections with `streams` concurrent streams each: both are
 * {@link LoadConnection}s and record through the same path), closed model
 * (each connection sends the next request as soon as a response completes) or open model
 * (requests start on a fixed schedule: slot i is due at base + phase + i × period, computed from
 * the start, never from the previous slot). Records straight into the shard's registry.
 *
 * Open model bookkeeping needs no queue: slots are numbered, `#nextSlot` is the first slot not
 * yet started, a due slot waits for a free connection at most `maxQueueMs`, then it is dropped
 * (`dropped_iterations`). Latency is recorded from the actual send (`http_req_duration`) and from
 * the intended start (`http_req_duration_corrected`).
 *
 * Every request sent is accounted for: answered, failed with a class, or, when the test ends
 * before its response did, `interrupted` (`timeout` when its timeout had already elapsed). A
 * request the connection hands back after a keep-alive close (see connection.ts) is resent on
 * the same connection slot once it reconnects, before any new request, and counted in
 * `http_req_retries`; it stays in flight (`#inFlight`) meanwhile.
 */

import type { ConnectionOwner } from '../../http/connection.js';
import { HttpConnection, SendFlags } from '../../http/connection.js';
import type { ClassifiedError } from '../../http/errors.js';
import {
  interruptedConnecting,
  interruptedRequest,
  isIdempotentMethod,
  unfinishedAtEnd,
} from '../../http/errors.js';
import { Http2Connection } from '../../http/h2-connection.js';
import {
  fitsOneHeadersFrame,
  Http2FastConnection,
  http2Implementation,
} from '../../http/h2-fast-connection.js';
import { DEFAULT_EXPECTED_STATUS, HttpSeriesCache } from '../../http/http-metrics.js';
import type { LoadConnection } from '../../http/load-connection.js';
import { BUILTIN_METRICS } from '../../metrics/builtin.js';
import { MetricRegistry } from '../../metrics/registry.js';
import type { CounterSeries, GaugeSeries } from '../../metrics/series.js';
import { epochToLocal, ShardClock } from '../shard-clock.js';
import type { ShardHandle, ShardReport } from '../shard-report.js';
import type { QuickShardConfig } from './quick-config.js';

const READ_BUFFER_BYTES = 64 * 1024;
const MAX_BACKOFF_MS = 1000;
/** After the deadline, in-flight requests get this long (at most their timeout) to complete. */
const DRAIN_GRACE_MS = 2000;

/** Runs one shard; see the file comment. */
export class QuickShard implements ConnectionOwner<LoadConnection>, ShardHandle {
  readonly done: Promise<void>;
  readonly #config: QuickShardConfig;
  readonly #request: Buffer;
  /** {@link SendFlags} of every request of this run (HEAD, idempotent). */
  readonly #flags: number;
  readonly #registry: MetricRegistry;
  #clock!: ShardClock;
  readonly #emit: (report: ShardReport) => void;
  readonly #series: HttpSeriesCache;
  readonly #iterations: CounterSeries;
  readonly #dropped: CounterSeries;
  readonly #dataSent: CounterSeries;
  readonly #dataReceived: CounterSeries;
  readonly #vus: GaugeSeries;
  readonly #connections: LoadConnection[] = [];
  readonly #failures: Int32Array;
  readonly #wantedSince: Float64Array;
  /** Per connection: requests waiting to be resent once it reconnects, as [tag, queuedAt] pairs. */
  readonly #retries: Array<number[] | undefined>;
  readonly #openModel: boolean;
  #t0 = 0;
  #loadStart = 0;
  #deadline = Number.POSITIVE_INFINITY;
  readonly #period: number;
  #remaining: number;
  #sending = false;
  #stopping = false;
  #inFlight = 0;
  #nextSlot = 0;
  #idle: LoadConnection[] = [];
  readonly #isIdle: Uint8Array;
  #finished = false;
  #resolveDone!: () => void;
  #timers: NodeJS.Timeout[] = [];
  #slotTimer: NodeJS.Timeout | null = null;
  #drainTimer: NodeJS.Timeout | null = null;
  #warmupPending: boolean;

  readonly #local: boolean;

  /**
   * `local`: the controller runs in this thread and merges the reports here (one shard), so the
   * per-second snapshots skip the histogram encoding (see ShardClock).
   */
  constructor(config: QuickShardConfig, emit: (report: ShardReport) => void, local = false) {
    this.#local = local;
    this.#config = config;
    this.#request = Buffer.from(
      config.request.buffer,
      config.request.byteOffset,
      config.request.byteLength,
    );
    this.#flags =
      (config.method === 'HEAD' ? SendFlags.Head : 0) |
      (isIdempotentMethod(config.method) ? SendFlags.Idempotent : 0);
    this.#emit = emit;
    this.#registry = new MetricRegistry(() => performance.now() - this.#t0);
    this.#openModel = config.rate > 0;
    this.#period = this.#openModel ? 1000 / config.rate : 0;
    this.#remaining = config.requests;
    this.#warmupPending = config.warmupMs > 0;
    const baseTags = {
      ...config.tags,
      method: config.method,
      url: config.target.href,
      name: config.target.href,
      scenario: 'default',
      proto: config.http2 ? 'HTTP/2.0' : 'HTTP/1.1',
    };
    this.#series = new HttpSeriesCache(
      this.#registry,
      baseTags,
      DEFAULT_EXPECTED_STATUS,
      this.#openModel,
    );
    const m = BUILTIN_METRICS;
    const scenarioTags = { ...config.tags, scenario: 'default' };
    this.#iterations = this.#registry.counter(m.iterations, scenarioTags);
    this.#dropped = this.#registry.counter(m.dropped_iterations, scenarioTags);
    this.#dataSent = this.#registry.counter(m.data_sent, scenarioTags);
    this.#dataReceived = this.#registry.counter(m.data_received, scenarioTags);
    this.#vus = this.#registry.gauge(m.vus);
    this.#registry.gauge(m.vus_max).add(config.connections);
    this.#failures = new Int32Array(config.connections);
    this.#wantedSince = new Float64Array(config.connections);
    this.#retries = new Array(config.connections);
    this.#isIdle = new Uint8Array(config.connections);
    const readBuffer = Buffer.allocUnsafe(READ_BUFFER_BYTES);
    const h2 = config.http2;
    // The lean HTTP/2 client unless REDLINE_H2_IMPL=node (h2-fast-connection.ts says why) or the
    // request's headers need more than one frame, which only node:http2 splits.
    const useNode =
      http2Implementation() === 'node' || (h2 !== null && !fitsOneHeadersFrame(h2.headers));
    const H2 = useNode ? Http2Connection : Http2FastConnection;
    for (let i = 0; i < config.connections; i++) {
      this.#connections.push(
        h2
          ? new H2(i, config.target, this, {
              streams: h2.streams,
              insecure: config.insecure,
              mode: h2.mode,
              request: { headers: h2.headers, body: h2.body },
              readBuffer,
            })
          : new HttpConnection(i, config.target, this, {
              pipelining: config.pipelining,
              insecure: config.insecure,
              resumeTlsSessions: true,
              readBuffer,
              keepHeaders: false,
              keepBody: false,
            }),
      );
    }
    this.done = new Promise((resolve) => {
      this.#resolveDone = resolve;
    });
  }

  /** Starts the load at `loadStartEpochMs` (warm-up first, then the measured window). */
  start(loadStartEpochMs: number): void {
    const config = this.#config;
    this.#loadStart = epochToLocal(loadStartEpochMs);
    this.#t0 = this.#loadStart + config.warmupMs;
    this.#deadline =
      config.durationMs >= 0 ? this.#t0 + config.durationMs : Number.POSITIVE_INFINITY;
    this.#clock = new ShardClock(
      this.#registry,
      config.shard,
      this.#t0,
      config.intervalMs,
      this.#emit,
      this.#local,
    );
    if (config.durationMs >= 0) this.#clock.setEnd(config.durationMs);
    this.#after(this.#loadStart, () => this.#begin());
    if (this.#warmupPending) {
      this.#after(this.#t0, () => {
        this.#warmupPending = false;
        this.#registry.discard();
      });
    }
    if (Number.isFinite(this.#deadline)) this.#after(this.#deadline, () => this.#stopSending());
  }

  /** Ctrl-C: stop now, abandon in-flight requests, report what was measured. */
  stop(): void {
    if (this.#finished) return;
    if (this.#clock === undefined) {
      this.#finished = true;
      this.#resolveDone();
      return;
    }
    this.#sending = false;
    this.#finish(true);
  }

  #after(localTime: number, fn: () => void): void {
    this.#timers.push(setTimeout(fn, Math.max(0, localTime - performance.now())));
  }

  #begin(): void {
    if (this.#finished) return;
    this.#sending = true;
    this.#clock.start();
    const now = performance.now();
    for (const conn of this.#connections) {
      this.#wantedSince[conn.id] = now;
      conn.connect();
    }
    this.#updateVus();
    if (this.#openModel) this.#scheduleSlots();
    const sweepEvery = Math.max(5, Math.min(100, this.#config.timeoutMs / 10));
    this.#timers.push(setInterval(() => this.#sweepTimeouts(), sweepEvery));
    this.#timers.push(setInterval(() => this.#updateVus(), 250));
  }

  // ---- closed model ----

  /** Takes one request from the budget; false when the run should not send more. */
  #takeBudget(now: number): boolean {
    if (!this.#sending) return false;
    if (now >= this.#deadline) {
      this.#stopSending();
      return false;
    }
    return this.#takeCount();
  }

  /** Takes one request from the count budget (-1 = unbounded); stops sending when it is spent. */
  #takeCount(): boolean {
    if (!this.#sending) return false;
    if (this.#remaining === 0) {
      this.#stopSending();
      return false;
    }
    if (this.#remaining > 0) this.#remaining--;
    return true;
  }

  #fillClosed(conn: LoadConnection, queuedAt: number, now: number): void {
    while (conn.canSend && this.#takeBudget(now)) {
      conn.send(this.#request, this.#flags, queuedAt, queuedAt);
      this.#inFlight++;
    }
  }

  /** Resends the requests handed back by `conn` before it reconnected (they are in flight). */
  #sendRetries(conn: LoadConnection): void {
    const pending = this.#retries[conn.id];
    if (pending === undefined) return;
    this.#retries[conn.id] = undefined;
    // At most `pipelining` requests were handed back, so they all fit on the new connection.
    for (let i = 0; i < pending.length; i += 2)
      conn.send(this.#request, this.#flags | SendFlags.Retry, pending[i + 1]!, pending[i]!);
  }

  /** Fails the requests waiting on `conn` to be resent (they were in flight). */
  #failRetries(conn: LoadConnection, error: ClassifiedError): void {
    const pending = this.#retries[conn.id];
    if (pending === undefined) return;
    this.#retries[conn.id] = undefined;
    for (let i = 0; i < pending.length; i += 2) {
      this.#inFlight--;
      this.#recordUnsent(conn, pending[i]!, pending[i + 1]!, error);
    }
  }

  /**
   * Records a request that failed without being written on a connection (a dial error, a retry
   * whose reconnect failed, the end of the test); `conn.trail` describes it.
   */
  #recordUnsent(conn: LoadConnection, tag: number, queuedAt: number, error: ClassifiedError): void {
    const trail = conn.trail;
    const now = performance.now();
    trail.blocked = trail.connecting = trail.tlsHandshaking = 0;
    trail.sending = trail.waiting = trail.receiving = trail.duration = 0;
    trail.queuedAt = queuedAt;
    trail.sendStart = now;
    trail.endAt = now;
    trail.tag = tag;
    trail.bytesSent = 0;
    trail.bytesReceived = 0;
    this.#recordFailure(conn, error);
  }

  // ---- open model ----

  #slotTime(slot: number): number {
    return this.#loadStart + this.#config.phaseMs + slot * this.#period;
  }

  #scheduleSlots(): void {
    if (this.#slotTimer) clearTimeout(this.#slotTimer);
    this.#slotTimer = null;
    if (!this.#sending) return;
    const next = this.#slotTime(this.#nextSlot);
    const wake = this.#idle.length > 0 ? next : next + this.#config.maxQueueMs;
    this.#slotTimer = setTimeout(
      () => this.#dispatchSlots(performance.now()),
      Math.max(0, wake - performance.now()),
    );
  }

  /** Drops expired slots, gives due slots to free connections, and sets the next wake-up. */
  #dispatchSlots(now: number): void {
    if (!this.#sending) return;
    const firstAlive = Math.ceil(
      (now - this.#config.maxQueueMs - this.#loadStart - this.#config.phaseMs) / this.#period,
    );
    if (firstAlive > this.#nextSlot) this.#dropSlots(firstAlive - this.#nextSlot);
    while (this.#idle.length > 0 && this.#slotTime(this.#nextSlot) <= now) {
      const due = this.#slotTime(this.#nextSlot);
      // The schedule decides: a slot due before the deadline may still start a little late.
      if (due >= this.#deadline || !this.#takeCount()) break;
      const conn = this.#idle.pop()!;
      this.#isIdle[conn.id] = 0;
      this.#nextSlot++;
      conn.send(this.#request, this.#flags, due, due);
      this.#inFlight++;
      if (conn.canSend) this.#markIdle(conn);
    }
    this.#scheduleSlots();
  }

  #dropSlots(count: number): void {
    let n = count;
    if (this.#remaining >= 0) n = Math.min(n, this.#remaining);
    if (this.#remaining > 0) this.#remaining -= n;
    this.#nextSlot += count;
    if (n > 0 && !this.#warmupPending) this.#dropped.add(n);
  }

  #markIdle(conn: LoadConnection): void {
    if (this.#isIdle[conn.id] === 1) return;
    this.#isIdle[conn.id] = 1;
    this.#idle.push(conn);
  }

  // ---- connection owner ----

  onConnectionReady(conn: LoadConnection): void {
    this.#failures[conn.id] = 0;
    if (this.#retries[conn.id] !== undefined) this.#sendRetries(conn);
    if (!conn.canSend) return;
    if (this.#openModel) {
      this.#markIdle(conn);
      this.#dispatchSlots(performance.now());
    } else {
      this.#fillClosed(conn, this.#wantedSince[conn.id] as number, performance.now());
    }
  }

  onResponse(conn: LoadConnection): void {
    const trail = conn.trail;
    this.#inFlight--;
    this.#series.forStatus(conn.statusCode).record(trail, trail.tag);
    this.#iterations.add(1);
    this.#dataSent.add(trail.bytesSent);
    this.#dataReceived.add(trail.bytesReceived);
    if (!conn.canSend) return this.#checkDrained();
    this.#refill(conn, trail.endAt);
    this.#checkDrained();
  }

  /** `conn` can take requests again (at `at`): the open model's idle list, or the closed model's next ones. */
  #refill(conn: LoadConnection, at: number): void {
    if (this.#openModel) {
      this.#markIdle(conn);
      this.#dispatchSlots(at);
    } else {
      this.#fillClosed(conn, at, at);
    }
  }

  onRequestFailed(conn: LoadConnection, error: ClassifiedError): void {
    this.#inFlight--;
    const trail = conn.trail;
    this.#recordFailure(
      conn,
      error.errorClass === 'interrupted'
        ? unfinishedAtEnd(trail.endAt - trail.sendStart, this.#config.timeoutMs)
        : error,
    );
    // A failed HTTP/1.1 request closes its connection (onConnectionClosed reconnects and refills).
    // An HTTP/2 stream fails alone (RST_STREAM, its timeout) on a connection that stays open: its
    // slot is refilled as after a response, or the load stalls once every stream of a connection
    // failed (a server resetting or never answering every stream got c x streams requests, then
    // none until the end of the test).
    if (error.errorClass === 'interrupted' || !conn.isOpen) return;
    if (conn.canSend) this.#refill(conn, trail.endAt);
    this.#checkDrained();
  }

  onRequestRetry(conn: LoadConnection, error: ClassifiedError): void {
    const trail = conn.trail;
    if (this.#finished) {
      this.#inFlight--;
      this.#recordFailure(conn, error);
      return;
    }
    // Still in flight: resent first thing when this connection is up again.
    const pending = this.#retries[conn.id] ?? [];
    pending.push(trail.tag, trail.endAt);
    this.#retries[conn.id] = pending;
    if (!this.#warmupPending) this.#series.countRetry();
  }

  onConnectionClosed(
    conn: LoadConnection,
    error: ClassifiedError | null,
    duringConnect: boolean,
  ): void {
    if (this.#isIdle[conn.id] === 1) {
      this.#isIdle[conn.id] = 0;
      this.#idle = this.#idle.filter((c) => c !== conn);
    }
    if (error && duringConnect && !this.#finished && this.#retries[conn.id] !== undefined) {
      // The reconnect for requests handed back failed: they fail with it (no budget is taken).
      this.#failRetries(conn, error);
    } else if (error && duringConnect && !this.#finished) {
      // The request that wanted this connection failed with it (k6 counts dial errors as requests).
      const wanted = this.#wantedSince[conn.id] as number;
      if (this.#openModel || this.#takeBudget(performance.now()))
        this.#recordUnsent(conn, wanted, wanted, error);
      if (error.errorClass === 'other' && /open files/.test(error.message))
        this.#clock.warn(`connections fail: ${error.message}`);
    }
    if (this.#finished) return;
    // After the deadline only requests handed back for a retry reconnect (they are in flight).
    if (!this.#sending && this.#retries[conn.id] === undefined) return this.#checkDrained();
    const failures = error && duringConnect ? ++this.#failures[conn.id]! : 0;
    const delay = failures === 0 ? 0 : Math.min(MAX_BACKOFF_MS, 10 * 2 ** (failures - 1));
    this.#wantedSince[conn.id] = performance.now();
    if (delay === 0) conn.connect();
    else
      this.#timers.push(
        setTimeout(
          () => (this.#sending || this.#retries[conn.id] !== undefined) && conn.connect(),
          delay,
        ),
      );
    this.#checkDrained();
  }

  #recordFailure(conn: LoadConnection, error: ClassifiedError): void {
    const trail = conn.trail;
    if (this.#warmupPending) return;
    this.#series.forError(error).record(trail, trail.tag);
    // k6 counts complete iterations only: a request cut by the end of the test is not one.
    if (error.errorClass !== 'interrupted') this.#iterations.add(1);
    this.#dataSent.add(trail.bytesSent);
    this.#dataReceived.add(trail.bytesReceived);
  }

  #sweepTimeouts(): void {
    const limit = performance.now() - this.#config.timeoutMs;
    for (const conn of this.#connections) {
      conn.expireBefore(limit);
    }
  }

  #updateVus(): void {
    let open = 0;
    for (const conn of this.#connections) if (conn.isOpen) open++;
    this.#vus.add(open);
  }

  // ---- ending ----

  #stopSending(): void {
    if (!this.#sending || this.#stopping) return;
    this.#stopping = true;
    if (this.#openModel) {
      // Slots due before the deadline whose timer fired late still start if a connection is free.
      if (this.#slotTimer) clearTimeout(this.#slotTimer);
      this.#dispatchSlots(Math.min(performance.now(), this.#deadline - 1e-6));
    }
    this.#sending = false;
    if (this.#slotTimer) clearTimeout(this.#slotTimer);
    if (this.#openModel) {
      // Due slots that never found a connection before the end are dropped.
      const lastDue = Math.ceil(
        (Math.min(performance.now(), this.#deadline) - this.#loadStart - this.#config.phaseMs) /
          this.#period,
      );
      if (lastDue > this.#nextSlot) this.#dropSlots(lastDue - this.#nextSlot);
    }
    if (Number.isFinite(this.#deadline)) this.#clock.holdCurrentInterval();
    const grace = Math.min(DRAIN_GRACE_MS, this.#config.timeoutMs);
    this.#drainTimer = setTimeout(() => {
      this.#finish(true);
    }, grace);
    this.#checkDrained();
  }

  #checkDrained(): void {
    if (!this.#sending && this.#inFlight <= 0 && !this.#finished) this.#finish(false);
  }

  /**
   * Ends the shard: requests still in flight (or waiting to be resent) are counted as
   * `interrupted` (`timeout` when their timeout had elapsed). When the end cut the run short
   * (`cut`: Ctrl-C, or the drain grace expired), a closed-model connection still connecting
   * counts for the request it was opened for; after a clean drain it was opened for nothing.
   */
  #finish(cut: boolean): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#sending = false;
    for (const t of this.#timers) clearTimeout(t);
    if (this.#slotTimer) clearTimeout(this.#slotTimer);
    if (this.#drainTimer) clearTimeout(this.#drainTimer);
    for (const conn of this.#connections) {
      if (this.#retries[conn.id] !== undefined) this.#failRetries(conn, interruptedRequest());
      else if (cut && conn.isConnecting && !this.#openModel && this.#remaining !== 0) {
        const wanted = this.#wantedSince[conn.id] as number;
        this.#recordUnsent(conn, wanted, wanted, interruptedConnecting());
      }
      conn.destroy(interruptedRequest());
    }
    this.#clock.finish();
    this.#resolveDone();
  }
}
