/** Public surface of probe/: start it in-process, build the env to inject it, read its report. */
import { fileURLToPath, pathToFileURL } from 'node:url';
import { PROBE_ENV } from './config.js';

export { PROBE_ENV, type ProbeConfig, parseProbeConfig } from './config.js';
export { type PoolGauges, readPoolGauges } from './drivers/pools.js';
export {
  type EndRecord,
  type FindingRecord,
  type HelloRecord,
  PROBE_REPORT_VERSION,
  type ProbeRecord,
  type ProbeReport,
  readProbeReport,
  type StatsRecord,
} from './report-file.js';
export { type ProbeHandle, startProbe } from './runtime.js';
export type { RuntimeSetting } from './runtime-settings.js';
export type { QueryStats, RouteStats } from './stats.js';

/** Absolute path of the probe's `--import` entry (dist/probe/register.js). */
export const PROBE_REGISTER_PATH = fileURLToPath(new URL('./register.js', import.meta.url));

/** Options of {@link createProbeEnv}. */
export interface ProbeEnvOptions {
  /** Where the probe writes its NDJSON report. */
  reportFile?: string;
  /** Start the /metrics side server on this port (0 = any free port; see the hello record). */
  metricsPort?: number;
  /** Report flush interval (ms). */
  flushMs?: number;
  /** Environment to extend (default process.env). */
  base?: NodeJS.ProcessEnv;
  /** Stats records carry one real execution per top statement, unredacted (private reports only). */
  querySamples?: boolean;
}

/**
 * The environment that makes a child Node process load the probe: NODE_OPTIONS gets
 * `--import <register.js>` and the REDLINE_PROBE_* variables are set. Use it when spawning the app.
 */
export function createProbeEnv(options: ProbeEnvOptions = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...(options.base ?? process.env) };
  const flag = `--import=${pathToFileURL(PROBE_REGISTER_PATH).href}`;
  env['NODE_OPTIONS'] = [flag, env['NODE_OPTIONS'] ?? ''].join(' ').trim();
  if (options.reportFile) env[PROBE_ENV.report] = options.reportFile;
  if (options.metricsPort !== undefined) env[PROBE_ENV.metricsPort] = String(options.metricsPort);
  if (options.flushMs !== undefined) env[PROBE_ENV.flushMs] = String(options.flushMs);
  if (options.querySamples) env[PROBE_ENV.querySamples] = '1';
  return env;
}
