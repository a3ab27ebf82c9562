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
  /**
   * Offer HTTP/2 over TLS via ALPN, as k6 does (default). Off with `REDLINE_HTTP2=0`, or k6's own
   * switch `GODEBUG=http2client=0` (see {@link http2FromEnv}).
   */
  http2: boolean;
}

/**
 * Whether scripts offer HTTP/2: k6 users turn it off with Go's `GODEBUG=http2client=0`; Redline
 * honours that and its own `REDLINE_HTTP2=0` (`1` turns it on again over GODEBUG).
 */
export function http2FromEnv(env: NodeJS.ProcessEnv): boolean {
  const own = env['REDLINE_HTTP2'];
  if (own === '0' || own === 'false') return false;
  if (own === '1' || own === 'true') return true;
  return !/(^|,)\s*http2client=0\s*(,|$)/.test(env['GODEBUG'] ?? '');
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
    http2: http2FromEnv(process.env),
  }),
);
