/**
 * A hot dependency is often slow because of how the application runs, not because of the package
 * (issue 14: bluebird's 25.8% of CPU was its long stack traces under NODE_ENV=development; 341 →
 * 396 req/s with production). Two readers find such causes from evidence: the probe inside the
 * target (its environment, command line, output streams, loaded modules and logger instances,
 * `probe/runtime-settings.ts`) and the profile itself (the CPU spent in the code a setting turns
 * on, `profiler/analysis/config-evidence.ts`). Here each `cpu.hot-dependency` finding whose
 * package a cause explains gets it as the likely cause, and its recommendation names that change
 * before any replacement. Applying causes again (the profile's, then the probe's) adds the new
 * ones to the same sentence, never a second one. Logging in a hot path (`cpu.logging`) is explained
 * the same way by the logging causes (debug level, synchronous writes).
 */
import type { Evidence, Finding } from './finding.js';

/** Kinds of configuration causes. */
export type ConfigCauseId =
  | 'dev-mode'
  | 'long-stack-traces'
  | 'debug-logging'
  | 'source-maps'
  | 'sync-logging'
  | 'typescript-at-runtime';

/** One configuration cause found, with the packages whose CPU it explains. */
export interface ConfigCause {
  id: ConfigCauseId;
  /** Hot packages this cause is a known reason for. */
  packages: string[];
  /** What was seen, e.g. `NODE_ENV=development; bluebird.hasLongStackTraces() is true`. */
  seen: string;
  /** Why it costs CPU. */
  cause: string;
  /** The change to try before replacing the package. */
  fix: string;
  /** Who found it: the probe inside the target (the default), or the CPU profile. */
  source?: 'probe' | 'profile';
}

/** Logging packages whose cost grows with the log level and with a blocking destination. */
export const LOGGER_PACKAGES = [
  'pino',
  'winston',
  'bunyan',
  'debug',
  'morgan',
  'log4js',
  'loglevel',
  'signale',
  'sonic-boom',
];
/** Packages that turn stack traces into source positions at run time. */
export const SOURCE_MAP_PACKAGES = ['source-map-support', 'source-map', 'source-map-js'];
/** Packages that compile TypeScript (or newer JavaScript) while the service runs. */
export const RUNTIME_COMPILER_PACKAGES = [
  'typescript',
  'ts-node',
  'tsx',
  'esbuild',
  '@swc/core',
  '@swc/register',
  '@babel/core',
  '@babel/register',
];

/**
 * Why each cause costs CPU, what to try first and the packages it makes hot: one text per cause,
 * whoever found it (dev mode's text depends on what the probe saw: probe/runtime-settings.ts).
 */
export const CONFIG_CAUSE_TEXT: Record<
  Exclude<ConfigCauseId, 'dev-mode'>,
  Pick<ConfigCause, 'cause' | 'fix' | 'packages'>
> = {
  'long-stack-traces': {
    cause:
      'bluebird records a long stack trace for every promise it creates (it turns this on by itself under NODE_ENV=development or BLUEBIRD_DEBUG, or through Promise.config({ longStackTraces: true }))',
    fix: 'run with NODE_ENV=production (and without BLUEBIRD_DEBUG / BLUEBIRD_LONG_STACK_TRACES, or Promise.config({ longStackTraces: false })) and measure again',
    packages: ['bluebird'],
  },
  'debug-logging': {
    cause: 'debug-level logging formats and writes a line for many events of every request',
    fix: 'set the log level to info/warn (in the environment and where the logger is created) for the load test and in production, and measure again',
    packages: LOGGER_PACKAGES,
  },
  'source-maps': {
    cause:
      'with source maps on at run time, every stack trace read (errors, long stack traces, loggers that print the caller) is mapped back to source positions, which is costly',
    fix: 'turn source maps off in production (drop --enable-source-maps / source-map-support) or create fewer stack traces, and measure again',
    packages: [...SOURCE_MAP_PACKAGES, 'bluebird'],
  },
  'sync-logging': {
    cause:
      'each log line is written synchronously (console.log to a file or terminal, pino unless given pino.destination({ sync: false })), blocking the event loop until it is written',
    fix: 'log less under load, or write asynchronously (pino.destination({ sync: false }) or pino.transport, console output to a pipe read by a log shipper), and measure again',
    packages: LOGGER_PACKAGES,
  },
  'typescript-at-runtime': {
    cause:
      'the TypeScript sources are compiled while the service runs (ts-node, tsx, @babel/register): every module loaded, and every stack trace mapped, costs compiler time in the serving process',
    fix: 'compile ahead (tsc or esbuild in the build) and run the emitted JavaScript with node, and measure again',
    packages: [...RUNTIME_COMPILER_PACKAGES, ...SOURCE_MAP_PACKAGES],
  },
};

/** What explainHotDependencies keeps in a finding's `data` besides the package. */
interface ExplainedData {
  package?: unknown;
  /** The causes attached so far. */
  configCauses?: ConfigCause[];
  /** The finding as the profiler wrote it, before any cause was attached. */
  unexplained?: Pick<Finding, 'rootCause' | 'recommendation' | 'evidence'>;
}

/** What a finding's cost is charged to, and the causes that explain it (none: not explainable). */
function subjectOf(
  f: Finding,
  causes: readonly ConfigCause[],
): { name: string; found: ConfigCause[] } | undefined {
  // Logging in a hot path (a pattern, not a package): the logging causes explain it.
  if (f.id === 'cpu.logging') {
    const found = causes.filter((c) => c.id === 'debug-logging' || c.id === 'sync-logging');
    return { name: 'the logging', found };
  }
  if (f.id !== 'cpu.hot-dependency') return undefined;
  const data = f.data as ExplainedData | undefined;
  const pkg = typeof data?.package === 'string' ? data.package : undefined;
  return pkg ? { name: pkg, found: causes.filter((c) => c.packages.includes(pkg)) } : undefined;
}

function explain(f: Finding, subject: string, found: readonly ConfigCause[]): Finding {
  const data = (f.data ?? {}) as ExplainedData;
  const base = data.unexplained ?? {
    rootCause: f.rootCause,
    recommendation: f.recommendation,
    evidence: f.evidence,
  };
  const causes = [...(data.configCauses ?? [])];
  for (const c of found)
    if (!causes.some((k) => k.id === c.id && k.seen === c.seen)) causes.push(c);
  // One sentence per cause, with everything seen of it (the probe's setting, the profile's CPU).
  const seenBy = new Map<string, string[]>();
  for (const c of causes) seenBy.set(c.cause, [...(seenBy.get(c.cause) ?? []), c.seen]);
  const likely = [...seenBy]
    .map(([cause, seen]) => `${cause} (seen: ${seen.join('; ')})`)
    .join('; ');
  const fixes = [...new Set(causes.map((c) => c.fix))].join('; then ');
  const evidence: Evidence[] = causes.map((c) => ({
    label: `setting (${c.id})`,
    value: c.seen,
    source: c.source ?? 'probe',
  }));
  return {
    ...f,
    rootCause: `${base.rootCause} Likely cause, a setting rather than the package: ${likely}.`,
    recommendation: {
      ...base.recommendation,
      text: `First ${fixes}. Only if ${subject} stays hot: ${base.recommendation.text}`,
      effort: 'low',
    },
    evidence: [...base.evidence, ...evidence],
    data: { ...data, configCauses: causes, unexplained: base },
  };
}

/**
 * Returns the findings with the causes that explain them attached: each hot dependency gets the
 * causes naming its package, logging in a hot path (`cpu.logging`) the logging causes.
 */
export function explainHotDependencies(
  findings: readonly Finding[],
  causes: readonly ConfigCause[],
): Finding[] {
  if (causes.length === 0) return [...findings];
  return findings.map((f) => {
    const subject = subjectOf(f, causes);
    return subject && subject.found.length > 0 ? explain(f, subject.name, subject.found) : f;
  });
}
