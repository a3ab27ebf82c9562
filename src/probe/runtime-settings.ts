/**
 * Settings of the running application that make a dependency slow without the dependency being
 * the problem (issue 14: "bluebird takes 25.8% of CPU — replace it" was bluebird's long stack
 * traces, on because NODE_ENV=development). Read inside the target from its environment, its
 * command line, its output streams and the modules it loaded; the audit attaches them to the
 * hot-dependency findings of the packages they explain, as the likely cause to check first.
 *
 * Not read (unfinished): the level of logger instances configured in code (pino/winston
 * `level: 'debug'` without a LOG_LEVEL-style variable); only the environment says it.
 */
import { fstatSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isatty } from 'node:tty';
import { bluebirdLongStackTraces } from './promise-libs.js';

/** One setting found, with the packages whose CPU it explains. */
export interface RuntimeSetting {
  id: 'dev-mode' | 'debug-logging' | 'source-maps' | 'sync-logging';
  /** Hot packages this setting is a known cause for. */
  packages: string[];
  /** What was seen, e.g. `NODE_ENV=development; bluebird.hasLongStackTraces() is true`. */
  seen: string;
  /** Why it costs CPU. */
  cause: string;
  /** The change to try before replacing the package. */
  fix: string;
}

/** Logging packages whose cost grows with the log level and with a blocking destination. */
const LOGGERS = ['pino', 'winston', 'bunyan', 'debug', 'morgan', 'log4js', 'loglevel', 'signale'];
/** Packages that turn stack traces into source positions at run time. */
const SOURCE_MAP_PACKAGES = ['source-map-support', 'source-map', 'source-map-js'];
/** Packages that behave as in development unless NODE_ENV=production. */
const DEV_MODE_PACKAGES = ['express', 'pug', 'ejs', 'handlebars', 'nunjucks', 'react-dom', 'vue'];
const VERBOSE_LEVELS = /^(debug|trace|silly|verbose|all)$/i;

function isLoaded(name: string): boolean {
  // CommonJS cache; ESM imports of these packages go through require when they are CommonJS.
  const require = createRequire(import.meta.url);
  return Object.keys(require.cache).some((file) => file.includes(`/node_modules/${name}/`));
}

function streamKind(fd: number): 'file' | 'terminal' | undefined {
  try {
    if (isatty(fd)) return 'terminal';
    if (fstatSync(fd).isFile()) return 'file';
  } catch {
    // a closed descriptor
  }
  return undefined;
}

function devMode(env: NodeJS.ProcessEnv, longStacks: boolean): RuntimeSetting | undefined {
  const nodeEnv = env['NODE_ENV'];
  if (nodeEnv === 'production' && !longStacks) return undefined;
  const packages = nodeEnv === 'production' ? [] : [...DEV_MODE_PACKAGES];
  if (longStacks) packages.unshift('bluebird');
  if (packages.length === 0) return undefined;
  const envText = nodeEnv === undefined ? 'NODE_ENV is not set' : `NODE_ENV=${nodeEnv}`;
  const seen = longStacks ? `${envText}; bluebird's hasLongStackTraces() is true` : envText;
  return {
    id: 'dev-mode',
    packages,
    seen,
    cause: longStacks
      ? 'bluebird records a long stack trace for every promise it creates (it turns this on by itself under NODE_ENV=development or BLUEBIRD_DEBUG, or through Promise.config({ longStackTraces: true }))'
      : 'outside production, Express does not cache compiled views and template engines recompile on every render',
    fix: longStacks
      ? 'run with NODE_ENV=production (and without BLUEBIRD_DEBUG / BLUEBIRD_LONG_STACK_TRACES, or Promise.config({ longStackTraces: false })) and measure again'
      : 'run with NODE_ENV=production and measure again',
  };
}

function debugLogging(env: NodeJS.ProcessEnv): RuntimeSetting | undefined {
  const seen: string[] = [];
  if (env['DEBUG']) seen.push(`DEBUG=${env['DEBUG']}`);
  for (const name of ['LOG_LEVEL', 'PINO_LOG_LEVEL', 'WINSTON_LEVEL', 'NODE_DEBUG'] as const) {
    const value = env[name];
    if (value && (name === 'NODE_DEBUG' || VERBOSE_LEVELS.test(value)))
      seen.push(`${name}=${value}`);
  }
  if (seen.length === 0) return undefined;
  return {
    id: 'debug-logging',
    packages: [...LOGGERS],
    seen: seen.join(', '),
    cause: 'debug-level logging formats and writes a line for many events of every request',
    fix: `unset ${seen.map((s) => s.split('=')[0]).join(', ')} (or set the level to info/warn) for the load test and in production, and measure again`,
  };
}

function sourceMaps(
  execArgv: readonly string[],
  env: NodeJS.ProcessEnv,
): RuntimeSetting | undefined {
  const seen: string[] = [];
  const flag = '--enable-source-maps';
  if (execArgv.includes(flag)) seen.push(`node ${flag}`);
  else if ((env['NODE_OPTIONS'] ?? '').includes(flag)) seen.push(`NODE_OPTIONS=${flag}`);
  else if ((process as { sourceMapsEnabled?: boolean }).sourceMapsEnabled === true)
    seen.push('process.sourceMapsEnabled is true');
  if (isLoaded('source-map-support')) seen.push('source-map-support is loaded');
  if (seen.length === 0) return undefined;
  return {
    id: 'source-maps',
    packages: [...SOURCE_MAP_PACKAGES, 'bluebird'],
    seen: seen.join('; '),
    cause:
      'with source maps on at run time, every stack trace read (errors, long stack traces, loggers that print the caller) is mapped back to source positions, which is costly',
    fix: 'turn source maps off in production (drop --enable-source-maps / source-map-support) or create fewer stack traces, and measure again',
  };
}

function syncLogging(): RuntimeSetting | undefined {
  // Node writes stdout/stderr synchronously to files and terminals (pipes are asynchronous on
  // POSIX) [ref: node-process-io]; pino's default destination writes with fs.writeSync whatever fd 1 is.
  const out = streamKind(1);
  const err = streamKind(2);
  const seen = [out ? `stdout is a ${out}` : '', err ? `stderr is a ${err}` : ''].filter(Boolean);
  const packages = seen.length > 0 ? [...LOGGERS] : [];
  if (isLoaded('pino')) {
    seen.push('pino is loaded (its default destination writes synchronously)');
    if (packages.length === 0) packages.push('pino');
  }
  if (seen.length === 0) return undefined;
  return {
    id: 'sync-logging',
    packages,
    seen: seen.join(', '),
    cause:
      'each log line is written synchronously (console.log to a file or terminal, pino unless given pino.destination({ sync: false })), blocking the event loop until it is written',
    fix: 'log less under load, or write asynchronously (pino.destination({ sync: false }) or pino.transport, console output to a pipe read by a log shipper), and measure again',
  };
}

/** Reads the settings of this process that explain a slow dependency (none in a production setup). */
export function readRuntimeSettings(
  env: NodeJS.ProcessEnv = process.env,
  execArgv: readonly string[] = process.execArgv,
): RuntimeSetting[] {
  return [
    devMode(env, bluebirdLongStackTraces()),
    debugLogging(env),
    sourceMaps(execArgv, env),
    syncLogging(),
  ].filter((s): s is RuntimeSetting => s !== undefined);
}
