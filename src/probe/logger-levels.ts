/**
 * The levels of the loggers the application created in code, read from the loggers themselves
 * (a level set in code or from a config file is invisible in the environment): pino, winston,
 * bunyan and log4js. Each package is patched as the application loads it (drivers/load.ts); a
 * logger that writes debug or trace lines is a configuration cause for a hot logging package
 * (runtime-settings.ts, findings/config-causes.ts). Info and above is healthy and says nothing.
 *
 * - pino: its level setter (on the prototype every logger and child shares) counts the loggers
 *   below info as their levels change.
 * - winston, bunyan, log4js: the loggers are remembered (weakly) when they are created, and their
 *   level is read when the report is written: winston's `isLevelEnabled` (the logger's level or,
 *   when set, a transport's), bunyan's `level()` (its most verbose stream), log4js's category
 *   level. Children share their parent's level (winston, bunyan without their own level) or are
 *   remembered themselves (bunyan children given a level).
 */
import { type Instrument, instrumentAppModules } from './drivers/load.js';

/** pino's numeric level of `info`: loggers below it write debug/trace lines. */
const PINO_INFO = 30;
/** bunyan's numeric level of `info` (TRACE 10, DEBUG 20). */
const BUNYAN_INFO = 30;
/** Level names that mean "debug or more verbose" in the packages' own level sets. */
const VERBOSE_NAMES = ['debug', 'trace', 'silly', 'verbose', 'all'];
/** Most loggers remembered per package (an application creating one per request stays bounded). */
const MAX_TRACKED = 1000;

/** pino loggers whose level is below info now, counted as their levels are set. */
const verbosePino = { count: 0, levels: new Set<string>(), seen: new WeakMap<object, boolean>() };

/** Loggers remembered per package, with the reader of their level (a name when verbose). */
const tracked = new Map<
  string,
  {
    refs: Set<WeakRef<object>>;
    known: WeakSet<object>;
    verboseLevel: (logger: object) => string | undefined;
  }
>();

function remember(pkg: string, logger: unknown): void {
  const entry = tracked.get(pkg);
  if (!entry || typeof logger !== 'object' || logger === null || entry.known.has(logger)) return;
  if (entry.refs.size >= MAX_TRACKED) {
    for (const ref of entry.refs) if (!ref.deref()) entry.refs.delete(ref);
    if (entry.refs.size >= MAX_TRACKED) return;
  }
  entry.known.add(logger);
  entry.refs.add(new WeakRef(logger));
}

function track(pkg: string, verboseLevel: (logger: object) => string | undefined): void {
  if (!tracked.has(pkg)) tracked.set(pkg, { refs: new Set(), known: new WeakSet(), verboseLevel });
}

interface PinoLike {
  (options: Record<string, unknown>, stream: { write(line: string): void }): object;
  symbols?: { setLevelSym?: symbol };
}

/**
 * pino: wraps the level setter of its logger prototype (every logger, child and later level
 * change passes there), so the loggers writing debug/trace lines are known whatever set the level.
 */
export const instrumentPino: Instrument = (mod) => {
  const pino = ((mod as { default?: unknown })?.default ?? mod) as PinoLike;
  const sym = pino?.symbols?.setLevelSym;
  if (typeof pino !== 'function' || !sym) return false;
  // Each logger's prototype is a fresh object over the one shared prototype that owns the setter.
  let proto: Record<symbol, unknown> | null = pino({ level: 'silent' }, { write() {} }) as Record<
    symbol,
    unknown
  >;
  while (proto && !Object.hasOwn(proto, sym)) proto = Object.getPrototypeOf(proto);
  if (!proto) return false;
  const original = proto[sym] as ((this: object, level: unknown) => unknown) & {
    redline?: true;
  };
  if (typeof original !== 'function' || original.redline) return true;
  const wrapped = function setLevel(this: { level?: string; levelVal?: number }, level: unknown) {
    const result = original.call(this, level);
    const verbose = typeof this.levelVal === 'number' && this.levelVal < PINO_INFO;
    const was = verbosePino.seen.get(this) ?? false;
    if (verbose !== was) verbosePino.count += verbose ? 1 : -1;
    verbosePino.seen.set(this, verbose);
    if (verbose && this.level) verbosePino.levels.add(this.level);
    return result;
  };
  proto[sym] = Object.assign(wrapped, { redline: true as const });
  return true;
};

type Method = ((this: object, ...args: unknown[]) => unknown) & { redline?: true };

/** Wraps `owner[name]` so that every call remembers `this` (and, with `result`, what it returns). */
function rememberOn(
  pkg: string,
  owner: Record<string, unknown>,
  name: string,
  what: 'this' | 'result',
): boolean {
  const original = owner[name] as Method | undefined;
  if (typeof original !== 'function') return false;
  if (original.redline) return true;
  const wrapped = function (this: object, ...args: unknown[]) {
    const result = original.apply(this, args);
    remember(pkg, what === 'this' ? this : result);
    return result;
  };
  owner[name] = Object.assign(wrapped, { redline: true as const });
  return true;
}

interface WinstonLogger {
  level?: string;
  levels?: Record<string, number>;
  isLevelEnabled?(level: string): boolean;
}

/** The most verbose debug-like level a winston logger writes (its own level or a transport's). */
function winstonVerboseLevel(logger: object): string | undefined {
  const l = logger as WinstonLogger;
  if (typeof l.isLevelEnabled !== 'function' || (logger as { silent?: boolean }).silent)
    return undefined;
  const names = Object.keys(l.levels ?? {}).filter((n) => VERBOSE_NAMES.includes(n.toLowerCase()));
  const enabled = names.filter((n) => l.isLevelEnabled?.(n));
  if (enabled.length === 0) return undefined;
  // The most verbose enabled name (highest number in winston's level sets).
  return enabled.sort((a, b) => (l.levels?.[b] ?? 0) - (l.levels?.[a] ?? 0))[0];
}

/**
 * winston: every logger runs `Logger.prototype.configure` when it is created (and when the
 * application reconfigures it); the default logger, created as winston loads, is reached through
 * `winston.child()`, whose result inherits from it.
 */
export const instrumentWinston: Instrument = (mod) => {
  const winston = mod as { Logger?: { prototype: Record<string, unknown> }; child?: unknown };
  const proto = winston?.Logger?.prototype;
  if (!proto) return false;
  track('winston', winstonVerboseLevel);
  if (!rememberOn('winston', proto, 'configure', 'this')) return false;
  if (typeof winston.child === 'function') {
    const child = (winston.child as (meta: object) => object)({});
    remember('winston', Object.getPrototypeOf(child));
  }
  return true;
};

interface BunyanLike {
  (...args: unknown[]): unknown;
  prototype: Record<string, unknown>;
  nameFromLevel?: Record<number, string>;
}

/**
 * bunyan: a logger adds its streams through `addStream` when created (a child given a level, or
 * any logger whose level is changed later, passes through `level(value)` / `levels(i, value)`).
 */
export const instrumentBunyan: Instrument = (mod) => {
  const bunyan = mod as BunyanLike;
  if (typeof bunyan !== 'function' || !bunyan.prototype) return false;
  track('bunyan', (logger) => {
    const level = (logger as { level?: () => unknown }).level?.();
    if (typeof level !== 'number' || level >= BUNYAN_INFO) return undefined;
    return bunyan.nameFromLevel?.[level] ?? String(level);
  });
  return ['addStream', 'level', 'levels']
    .map((name) => rememberOn('bunyan', bunyan.prototype, name, 'this'))
    .every(Boolean);
};

/** log4js: loggers come from `getLogger(category)`; their level is their category's, read at the end. */
export const instrumentLog4js: Instrument = (mod) => {
  const log4js = mod as Record<string, unknown>;
  if (typeof log4js?.['getLogger'] !== 'function') return false;
  track('log4js', (logger) => {
    const l = logger as { isLevelEnabled?(level: string): boolean; level?: unknown };
    if (typeof l.isLevelEnabled !== 'function' || !l.isLevelEnabled('debug')) return undefined;
    return String(l.level).toLowerCase();
  });
  return rememberOn('log4js', log4js, 'getLogger', 'result');
};

/** Starts watching the loggers the application creates (see the file comment). */
export function instrumentLoggers(entry: string | undefined): void {
  instrumentAppModules(entry, [
    ['pino', instrumentPino],
    ['winston', instrumentWinston],
    ['bunyan', instrumentBunyan],
    ['log4js', instrumentLog4js],
  ]);
}

/**
 * The loggers writing debug/trace lines now, one text per package:
 * `2 winston logger(s) at level debug/silly (read from the loggers)`. Empty when all are at info
 * or above (or none was created).
 */
export function verboseLoggers(): string[] {
  const out: string[] = [];
  if (verbosePino.count > 0)
    out.push(
      `${verbosePino.count} pino logger(s) at level ${[...verbosePino.levels].join('/')} (read from the loggers)`,
    );
  for (const [pkg, entry] of tracked) {
    let count = 0;
    const levels = new Set<string>();
    for (const ref of entry.refs) {
      const logger = ref.deref();
      if (!logger) {
        entry.refs.delete(ref);
        continue;
      }
      let level: string | undefined;
      try {
        level = entry.verboseLevel(logger);
      } catch {
        level = undefined; // a logger in a state its own API cannot read: not counted
      }
      if (level === undefined) continue;
      count++;
      levels.add(level);
    }
    if (count > 0)
      out.push(
        `${count} ${pkg} logger(s) at level ${[...levels].join('/')} (read from the loggers)`,
      );
  }
  return out;
}
