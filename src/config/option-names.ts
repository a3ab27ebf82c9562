/**
 * Every top-level option name a k6 script (or k6 config file) may use, and what Redline does with
 * it: supported, a Redline extension, ignored with a warning, or rejected because ignoring it would
 * change the results materially. docs/options.md renders the same decisions for users.
 */
import { readDuration } from '../util/input-reader.js';

/** What Redline does with an option. */
export type OptionSupport = 'supported' | 'redline' | 'ignored' | 'rejected';

/** One option name's entry. */
export interface OptionInfo {
  support: OptionSupport;
  /** k6's environment variable for it (Redline reads `REDLINE_<same suffix>` too). */
  env?: string;
  /** For ignored/rejected options: why, and what to do instead. */
  reason?: string;
}

const supported = (env?: string): OptionInfo =>
  env ? { support: 'supported', env } : { support: 'supported' };
const ignored = (reason: string, env?: string): OptionInfo => ({
  support: 'ignored',
  reason,
  ...(env ? { env } : {}),
});
const rejected = (reason: string, env?: string): OptionInfo => ({
  support: 'rejected',
  reason,
  ...(env ? { env } : {}),
});

/** The option table (k6 v2.2 `lib.Options` JSON names, k6 config-file names, Redline extensions). */
export const OPTION_TABLE: Readonly<Record<string, OptionInfo>> = {
  // Execution
  vus: supported('K6_VUS'),
  duration: supported('K6_DURATION'),
  iterations: supported('K6_ITERATIONS'),
  stages: supported('K6_STAGES'),
  scenarios: supported(),
  // Test-wide behaviour
  thresholds: supported(),
  tags: supported('K6_TAGS'),
  setupTimeout: supported('K6_SETUP_TIMEOUT'),
  teardownTimeout: supported('K6_TEARDOWN_TIMEOUT'),
  handleSummaryTimeout: supported('K6_HANDLE_SUMMARY_TIMEOUT'),
  noSetup: supported('K6_NO_SETUP'),
  noTeardown: supported('K6_NO_TEARDOWN'),
  summaryTrendStats: supported('K6_SUMMARY_TREND_STATS'),
  summaryTimeUnit: supported('K6_SUMMARY_TIME_UNIT'),
  // HTTP
  hosts: supported(),
  userAgent: supported('K6_USER_AGENT'),
  insecureSkipTLSVerify: supported('K6_INSECURE_SKIP_TLS_VERIFY'),
  tlsVersion: supported(),
  tlsCipherSuites: supported(),
  tlsAuth: supported(),
  discardResponseBodies: supported('K6_DISCARD_RESPONSE_BODIES'),
  noConnectionReuse: supported('K6_NO_CONNECTION_REUSE'),
  noCookiesReset: supported('K6_NO_COOKIES_RESET'),
  maxRedirects: supported('K6_MAX_REDIRECTS'),
  batch: supported('K6_BATCH'),
  batchPerHost: supported('K6_BATCH_PER_HOST'),
  noUsageReport: supported('K6_NO_USAGE_REPORT'),
  // Redline extensions
  failOnCheck: { support: 'redline', env: 'REDLINE_FAIL_ON_CHECK' },
  httpTimeout: { support: 'redline', env: 'REDLINE_HTTP_TIMEOUT' },
  // No option-tier variable: REDLINE_REDACT_PARAMS is read by util/redact.ts and adds to the list.
  redactParams: { support: 'redline' },
  // Ignored with a warning: they change neither the load nor what is measured.
  paused: ignored(
    'Redline has no control API to resume a paused test; it starts at once',
    'K6_PAUSED',
  ),
  linger: ignored('Redline has no API server to keep alive after the test', 'K6_LINGER'),
  ext: ignored('extension and cloud settings (e.g. ext.loadimpact) have no meaning in a local run'),
  cloud: ignored('Grafana Cloud settings have no meaning in a local run'),
  out: ignored('choose outputs on the command line with --out', 'K6_OUT'),
  webDashboard: ignored('the live dashboard is chosen on the command line', 'K6_WEB_DASHBOARD'),
  collectors: ignored('old k6 output settings; choose outputs with --out'),
  noArchiveUpload: ignored('Redline never uploads archives', 'K6_NO_ARCHIVE_UPLOAD'),
  features: ignored('k6 feature flags do not apply to Redline'),
  consoleOutput: ignored('console output goes to stderr', 'K6_CONSOLE_OUTPUT'),
  httpDebug: ignored('HTTP debug logging is not implemented yet', 'K6_HTTP_DEBUG'),
  dns: ignored(
    "Redline resolves names with the OS resolver (Node's dns.lookup); ttl/select/policy are not applied",
    'K6_DNS',
  ),
  systemTags: ignored('Redline always attaches its default system tags', 'K6_SYSTEM_TAGS'),
  metricSamplesBufferSize: ignored(
    'Redline aggregates at the source and has no sample buffer',
    'K6_METRIC_SAMPLES_BUFFER_SIZE',
  ),
  // k6 command-line settings that scripts sometimes put in `options`: k6 ignores them there
  // (with its "unknown fields" warning), and so does Redline. Their K6_* variables are not
  // read: they configure k6's command line, not the test.
  logOutput: ignored(
    'a k6 command-line setting (--log-output), not a script option; Redline logs to stderr',
  ),
  logFormat: ignored('a k6 command-line setting (--log-format), not a script option'),
  noColor: ignored('a k6 command-line setting (--no-color); set NO_COLOR=1 instead'),
  quiet: ignored('a k6 command-line setting (--quiet), not a script option'),
  verbose: ignored('a k6 command-line setting (--verbose), not a script option'),
  noSummary: ignored(
    'a k6 command-line setting (--no-summary), not a script option (k6 ignores it there too)',
  ),
  noThresholds: ignored(
    'a k6 command-line setting (--no-thresholds), not a script option: k6 still evaluates the thresholds, and so does Redline',
  ),
  summaryExport: ignored('a k6 command-line setting (--summary-export), not a script option'),
  includeSystemEnvVars: ignored(
    'a k6 command-line setting; Redline passes the environment to __ENV',
  ),
  compatibilityMode: ignored(
    'a k6 command-line setting for its JS engine; Redline runs scripts on Node',
  ),
  // Rejected: ignoring them would change the load, the traffic or the results.
  rps: rejected(
    'a global request-rate cap is not implemented; use a constant-arrival-rate scenario',
    'K6_RPS',
  ),
  minIterationDuration: rejected(
    'iteration pacing is not implemented; end the iteration with sleep()',
    'K6_MIN_ITERATION_DURATION',
  ),
  throw: rejected(
    'throwing on failed requests is not implemented; check responses with check()',
    'K6_THROW',
  ),
  noVUConnectionReuse: rejected(
    'closing connections between iterations is not implemented; noConnectionReuse closes them after every request',
    'K6_NO_VU_CONNECTION_REUSE',
  ),

  blacklistIPs: rejected(
    'IP block lists are not implemented; running without them could reach addresses the test forbids',
    'K6_BLACKLIST_IPS',
  ),
  blockHostnames: rejected(
    'hostname block lists are not implemented; running without them could reach hosts the test forbids',
    'K6_BLOCK_HOSTNAMES',
  ),
  localIPs: rejected('binding requests to local IPs is not implemented', 'K6_LOCAL_IPS'),
  executionSegment: supported('K6_EXECUTION_SEGMENT'),
  executionSegmentSequence: supported('K6_EXECUTION_SEGMENT_SEQUENCE'),
};

/** Every known top-level option name. */
export const OPTION_NAMES: readonly string[] = Object.keys(OPTION_TABLE);

/** Option names Redline acts on (supported and extensions). */
export const ACTIVE_OPTION_NAMES: readonly string[] = OPTION_NAMES.filter((name) => {
  const support = OPTION_TABLE[name]?.support;
  return support === 'supported' || support === 'redline';
});

/**
 * True when a value leaves k6's behaviour unchanged (false, 0, "0s", "", null, [] or {}), so an
 * unsupported option set to it needs neither a warning nor an error.
 */
export function isNoopValue(value: unknown): boolean {
  if (value === undefined || value === null || value === false || value === 0 || value === '')
    return true;
  if (value === 'false') return true;
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === 'object') return Object.keys(value).length === 0;
  if (typeof value === 'string') {
    const parsed = readDuration(value, { bareUnit: 'ms' });
    return 'ms' in parsed && parsed.ms === 0;
  }
  return false;
}
