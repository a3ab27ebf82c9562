/** Thread-wide HTTP settings of scripted runs (from the plan's options and `http.setResponseCallback`). */
import type { TlsOptions } from '../../config/tls-options.js';
import { DEFAULT_EXPECTED_STATUS, type ExpectedStatus } from '../../http/http-metrics.js';
import { DEFAULT_USER_AGENT } from '../../http/target.js';
import { globalSingleton } from '../../util/global-singleton.js';

/** Settings every VU's HTTP client reads. */
export interface HttpSettings {
  userAgent: string;
  timeoutMs: number;
  maxRedirects: number;
  discardResponseBodies: boolean;
  noConnectionReuse: boolean;
  insecure: boolean;
  /** Default "expected status" rule (k6: 200-399); null = every response counts as expected. */
  responseCallback: ExpectedStatus | null;
  /** Max connections per host for one VU (batch parallelism per host). */
  batchPerHost: number;
  /** Max parallel requests of one batch. */
  batch: number;
  /** Reset each VU's cookie jar between iterations (k6 default; off with noCookiesReset). */
  resetCookies: boolean;
  /** TLS versions, cipher suites and client certificates (k6 tlsVersion, tlsCipherSuites, tlsAuth). */
  tls: TlsOptions | undefined;
}

/** The settings of this thread (mutable: the engine fills them from the plan); shared by module copies. */
export const httpSettings: HttpSettings = globalSingleton<HttpSettings>(
  'redline.httpSettings',
  () => ({
    userAgent: DEFAULT_USER_AGENT,
    timeoutMs: 60_000,
    maxRedirects: 10,
    discardResponseBodies: false,
    noConnectionReuse: false,
    insecure: false,
    responseCallback: DEFAULT_EXPECTED_STATUS,
    batchPerHost: 6,
    batch: 20,
    resetCookies: true,
    tls: undefined,
  }),
);
