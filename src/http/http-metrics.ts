/**
 * Records one HTTP request's trail into k6's built-in metrics. Series are created once per
 * distinct tag set (status, error) and cached, so a request costs only additions.
 */
import { BUILTIN_METRICS } from '../metrics/builtin.js';
import type { Tags } from '../metrics/metric-types.js';
import type { MetricRegistry } from '../metrics/registry.js';
import type { CounterSeries, RateSeries, TrendSeries } from '../metrics/series.js';
import type { ClassifiedError } from './errors.js';
import type { TimingTrail } from './timing-trail.js';

/** The series of one tag set. */
export class HttpSeriesSet {
  readonly reqs: CounterSeries;
  readonly failed: RateSeries;
  readonly duration: TrendSeries;
  readonly blocked: TrendSeries;
  readonly connecting: TrendSeries;
  readonly tlsHandshaking: TrendSeries;
  readonly sending: TrendSeries;
  readonly waiting: TrendSeries;
  readonly receiving: TrendSeries;
  readonly corrected: TrendSeries | null;
  readonly isFailure: number;
  /**
   * False for requests cut by the end of the test (`interrupted`): they count in `http_reqs` and
   * `http_req_failed` only, as their timings were cut short, not measured.
   */
  readonly measured: boolean;

  constructor(
    registry: MetricRegistry,
    tags: Tags,
    failure: boolean,
    withCorrected: boolean,
    measured = true,
  ) {
    const m = BUILTIN_METRICS;
    this.reqs = registry.counter(m.http_reqs, tags);
    this.failed = registry.rate(m.http_req_failed, tags);
    this.duration = registry.trend(m.http_req_duration, tags);
    this.blocked = registry.trend(m.http_req_blocked, tags);
    this.connecting = registry.trend(m.http_req_connecting, tags);
    this.tlsHandshaking = registry.trend(m.http_req_tls_handshaking, tags);
    this.sending = registry.trend(m.http_req_sending, tags);
    this.waiting = registry.trend(m.http_req_waiting, tags);
    this.receiving = registry.trend(m.http_req_receiving, tags);
    this.corrected = withCorrected ? registry.trend(m.http_req_duration_corrected, tags) : null;
    this.isFailure = failure ? 1 : 0;
    this.measured = measured;
  }

  /** Records a completed request; `intendedAt` (open model) gives the corrected latency. */
  record(trail: TimingTrail, intendedAt: number): void {
    this.reqs.add(1);
    this.failed.add(this.isFailure);
    if (!this.measured) return;
    this.duration.addMicros(toMicros(trail.duration));
    this.blocked.addMicros(toMicros(trail.blocked));
    this.connecting.addMicros(toMicros(trail.connecting));
    this.tlsHandshaking.addMicros(toMicros(trail.tlsHandshaking));
    this.sending.addMicros(toMicros(trail.sending));
    this.waiting.addMicros(toMicros(trail.waiting));
    this.receiving.addMicros(toMicros(trail.receiving));
    if (this.corrected !== null) this.corrected.addMicros(toMicros(trail.endAt - intendedAt));
  }
}

/** Milliseconds (float) to whole microseconds, never negative. */
export function toMicros(ms: number): number {
  return ms > 0 ? Math.round(ms * 1000) : 0;
}

/** Decides whether a status is "expected" (drives http_req_failed); k6's default is 200-399. */
export type ExpectedStatus = (status: number) => boolean;

/** k6's default: statuses 200 to 399 are expected. */
export const DEFAULT_EXPECTED_STATUS: ExpectedStatus = (status) => status >= 200 && status < 400;

/**
 * Series sets for one request "shape" (method, url, name and extra tags): one per status code,
 * one per error code. The quick-mode hot path calls `forStatus` with an array lookup.
 */
export class HttpSeriesCache {
  readonly #byStatus: Array<HttpSeriesSet | undefined> = new Array(1000);
  #retries: CounterSeries | undefined;
  readonly #byError = new Map<string, HttpSeriesSet>();
  readonly #registry: MetricRegistry;
  readonly #baseTags: Tags;
  readonly #expected: ExpectedStatus;
  readonly #withCorrected: boolean;

  constructor(
    registry: MetricRegistry,
    baseTags: Tags,
    expected: ExpectedStatus,
    withCorrected: boolean,
  ) {
    this.#registry = registry;
    this.#baseTags = baseTags;
    this.#expected = expected;
    this.#withCorrected = withCorrected;
  }

  /** The series set of a response with `status`. */
  forStatus(status: number): HttpSeriesSet {
    let set = this.#byStatus[status];
    if (set === undefined) {
      const ok = this.#expected(status);
      set = new HttpSeriesSet(
        this.#registry,
        { ...this.#baseTags, status: String(status), expected_response: ok ? 'true' : 'false' },
        !ok,
        this.#withCorrected,
      );
      if (status >= 0 && status < 1000) this.#byStatus[status] = set;
    }
    return set;
  }

  /**
   * The series set of a request that failed without a response. It has no `proto` tag: the
   * protocol is the response's (k6 tags `proto` from the response only), and a request that failed
   * has none, before the protocol was negotiated (refused, TLS) or after (reset, GOAWAY, timeout).
   */
  forError(error: ClassifiedError): HttpSeriesSet {
    const key = `${error.code}|${error.errorClass}|${error.message}`;
    let set = this.#byError.get(key);
    if (set === undefined) {
      const { proto: _proto, ...baseTags } = this.#baseTags;
      set = new HttpSeriesSet(
        this.#registry,
        {
          ...baseTags,
          status: '0',
          expected_response: 'false',
          error: error.message,
          error_code: String(error.code),
          error_class: error.errorClass,
        },
        true,
        this.#withCorrected,
        error.errorClass !== 'interrupted',
      );
      this.#byError.set(key, set);
    }
    return set;
  }

  /** Counts one retry of a request of this shape (`http_req_retries`). */
  countRetry(): void {
    this.#retries ??= this.#registry.counter(BUILTIN_METRICS.http_req_retries, this.#baseTags);
    this.#retries.add(1);
  }
}
