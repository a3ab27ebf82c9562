/**
 * Settings of the running application that make a dependency slow without the dependency being
 * the problem (issue 14: "bluebird takes 25.8% of CPU — replace it" was bluebird's long stack
 * traces, on because NODE_ENV=development). Read inside the target from its environment, its
 * command line, its output streams, the modules it loaded and the loggers it created (the level
 * of each pino, winston, bunyan and log4js logger, set in code or from the environment:
 * logger-levels.ts; `debug.enable(…)` called in code); the audit and `redline profile` attach
 * them to the hot-dependency findings of the packages they explain, as the likely cause to check
 * first (findings/config-causes.ts).
 */
import { fstatSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isatty } from 'node:tty';
import { CONFIG_CAUSE_TEXT, type ConfigCause, LOGGER_PACKAGES } from '../findings/config-causes.js';
import { verboseLoggers } from './logger-levels.js';
import { bluebirdLongStackTraces } from './promise-libs.js';

/** One setting found, with the packages whose CPU it explains. */
export type RuntimeSetting = ConfigCause;

/** Packages that behave as in development unless NODE_ENV=production. */
const DEV_MODE_PACKAGES = ['express', 'pug', 'ejs', 'handlebars', 'nunjucks', 'react-dom', 'vue'];
const VERBOSE_LEVELS = /^(debug|trace|silly|verbose|all)$/i;
/** Loaders that compile TypeScript as modules load, as they appear in execArgv / NODE_OPTIONS. */
const TS_LOADERS =
  /(?:^|[\s=/])((?:ts-node|tsx|@swc-node\/register|@babel\/register|esbuild-register|@esbuild-kit\/[\w-]+)(?:\/[\w/.-]+)?)(?![\w.-])/;
/** DEBUG as the target started (debug.enable() in code writes it back to process.env.DEBUG). */
const DEBUG_AT_START = process.env['DEBUG'] ?? '';

function loadedFiles(): string[] {
  // CommonJS cache; ESM imports of these packages go through require when they are CommonJS.
  return Object.keys(createRequire(import.meta.url).cache);
}

function isLoaded(name: string): boolean {
  return loadedFiles().some((file) => file.includes(`/node_modules/${name}/`));
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
  const text = CONFIG_CAUSE_TEXT['long-stack-traces'];
  return {
    id: 'dev-mode',
    packages,
    seen,
    cause: longStacks
      ? text.cause
      : 'outside production, Express does not cache compiled views and template engines recompile on every render',
    fix: longStacks ? text.fix : 'run with NODE_ENV=production and measure again',
    source: 'probe',
  };
}

/** Namespaces enabled with `debug.enable(…)` in code (the loaded debug copies, not DEBUG). */
function debugEnabledInCode(debugAtStart: string): string[] {
  const cache = createRequire(import.meta.url).cache;
  const out = new Set<string>();
  for (const file of Object.keys(cache)) {
    if (!/\/node_modules\/debug\/src\/(node|index|browser)\.js$/.test(file)) continue;
    const namespaces = (cache[file]?.exports as { namespaces?: unknown } | undefined)?.namespaces;
    if (typeof namespaces === 'string' && namespaces && namespaces !== debugAtStart)
      out.add(namespaces);
  }
  return [...out];
}

function debugLogging(env: NodeJS.ProcessEnv, debugAtStart: string): RuntimeSetting | undefined {
  const seen: string[] = [];
  const variables: string[] = [];
  if (debugAtStart) variables.push(`DEBUG=${debugAtStart}`);
  for (const name of ['LOG_LEVEL', 'PINO_LOG_LEVEL', 'WINSTON_LEVEL', 'NODE_DEBUG'] as const) {
    const value = env[name];
    if (value && (name === 'NODE_DEBUG' || VERBOSE_LEVELS.test(value)))
      variables.push(`${name}=${value}`);
  }
  if (variables.length > 0) seen.push(variables.join(', '));
  for (const ns of debugEnabledInCode(debugAtStart)) seen.push(`debug.enable('${ns}') in code`);
  seen.push(...verboseLoggers());
  if (seen.length === 0) return undefined;
  const text = CONFIG_CAUSE_TEXT['debug-logging'];
  const unset = variables.map((s) => s.split('=')[0]).join(', ');
  return {
    id: 'debug-logging',
    packages: [...LOGGER_PACKAGES],
    seen: seen.join('; '),
    cause: text.cause,
    fix: unset ? `unset ${unset}, and ${text.fix}` : text.fix,
    source: 'probe',
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
    ...CONFIG_CAUSE_TEXT['source-maps'],
    seen: seen.join('; '),
    source: 'probe',
  };
}

/** TypeScript compiled at run time: a loader on the command line, or a compiler's hook loaded. */
function typescriptAtRuntime(
  execArgv: readonly string[],
  env: NodeJS.ProcessEnv,
): RuntimeSetting | undefined {
  const seen: string[] = [];
  const argv = TS_LOADERS.exec(execArgv.join(' '))?.[1];
  const options = TS_LOADERS.exec(env['NODE_OPTIONS'] ?? '')?.[1];
  if (argv) seen.push(`node started with ${argv}`);
  else if (options) seen.push(`NODE_OPTIONS loads ${options}`);
  const registered = (process as unknown as Record<symbol, unknown>)[
    Symbol.for('ts-node.register.instance')
  ];
  if (registered) seen.push('ts-node is registered');
  else
    for (const name of ['ts-node', 'tsx', '@babel/register', '@swc-node/register'])
      if (isLoaded(name)) seen.push(`${name} is loaded`);
  if (seen.length === 0) return undefined;
  return {
    id: 'typescript-at-runtime',
    ...CONFIG_CAUSE_TEXT['typescript-at-runtime'],
    seen: seen.join('; '),
    source: 'probe',
  };
}

function syncLogging(): RuntimeSetting | undefined {
  // Node writes stdout/stderr synchronously to files and terminals (pipes are asynchronous on
  // POSIX) [ref: node-process-io]; pino's default destination writes with fs.writeSync whatever fd 1 is.
  const out = streamKind(1);
  const err = streamKind(2);
  const seen = [out ? `stdout is a ${out}` : '', err ? `stderr is a ${err}` : ''].filter(Boolean);
  const packages = seen.length > 0 ? [...LOGGER_PACKAGES] : [];
  if (isLoaded('pino')) {
    seen.push('pino is loaded (its default destination writes synchronously)');
    if (packages.length === 0) packages.push('pino');
  }
  if (seen.length === 0) return undefined;
  const { cause, fix } = CONFIG_CAUSE_TEXT['sync-logging'];
  return { id: 'sync-logging', packages, seen: seen.join(', '), cause, fix, source: 'probe' };
}

/** Reads the settings of this process that explain a slow dependency (none in a production setup). */
export function readRuntimeSettings(
  env: NodeJS.ProcessEnv = process.env,
  execArgv: readonly string[] = process.execArgv,
): RuntimeSetting[] {
  return [
    devMode(env, bluebirdLongStackTraces()),
    debugLogging(env, env === process.env ? DEBUG_AT_START : (env['DEBUG'] ?? '')),
    sourceMaps(execArgv, env),
    typescriptAtRuntime(execArgv, env),
    syncLogging(),
  ].filter((s): s is RuntimeSetting => s !== undefined);
}
