/** Root-cause patterns: stack frames or source lines that explain a hot spot, with their fix. */
import type { FindingArea, FindingRecommendation } from '../../findings/finding.js';
import type { ProfiledRuntime, ProfileFrame } from '../model/profile.js';
import type { CategoryInfo } from './categorize.js';
import { RUNTIME_PATTERNS } from './runtime-patterns.js';

/** A known cause of CPU time on the event loop, recognised by frames below the app frame or by its line. */
export interface RootCausePattern {
  /** Stable finding id, e.g. `cpu.sync-crypto`. */
  id: string;
  /** The runtime whose profiles it applies to (default `node`). */
  runtime?: ProfiledRuntime;
  area: FindingArea;
  /** Short title; the location is appended by the finding. */
  title: string;
  rootCause: string;
  recommendation: FindingRecommendation;
  /** True when this frame (called, directly or not, from the app frame) is the cause. */
  matchFrame?: (frame: ProfileFrame, info: CategoryInfo) => boolean;
  /** True when the original source line of the hot spot shows the cause. */
  matchLine?: (text: string) => boolean;
}

const isCore = (info: CategoryInfo, file: string | undefined, module: RegExp): boolean =>
  info.category === 'core' && module.test(file ?? '');

const TEMPLATE_PACKAGES = new Set([
  'handlebars',
  'ejs',
  'pug',
  'nunjucks',
  'mustache',
  'hogan.js',
  'lodash',
  'lodash.template',
  'dot',
  'eta',
  'liquidjs',
  'underscore',
  'art-template',
  'squirrelly',
  'marko',
]);
const LOGGING_PACKAGES = new Set([
  'pino',
  'winston',
  'bunyan',
  'debug',
  'log4js',
  'morgan',
  'loglevel',
  'signale',
  'consola',
  'tracer',
  'npmlog',
  'roarr',
  'logform',
  'sonic-boom',
]);

/** The Node.js patterns, checked in this order (the first frame match wins for a sample). */
const NODE_PATTERNS: readonly RootCausePattern[] = [
  {
    id: 'cpu.sync-crypto',
    area: 'cpu',
    title: 'Synchronous crypto on the event loop',
    rootCause:
      'A synchronous key-derivation or hashing call (pbkdf2Sync, scryptSync, bcrypt hashSync/compareSync) runs on the event loop; while it runs, no other request is served.',
    recommendation: {
      text: 'Use the asynchronous form, which runs on the libuv thread pool (crypto.pbkdf2/scrypt with util.promisify, bcrypt.hash/compare), and raise UV_THREADPOOL_SIZE if many run at once. Keep the work factor, do not lower it.',
      effort: 'low',
      diff: {
        before: "const hash = pbkdf2Sync(password, salt, 100_000, 32, 'sha256');",
        after: "const hash = await promisify(pbkdf2)(password, salt, 100_000, 32, 'sha256');",
        language: 'ts',
      },
    },
    matchFrame: (frame, info) =>
      (isCore(info, frame.file, /crypto/) &&
        /^(pbkdf2Sync|scryptSync|generateKeyPairSync|generatePrimeSync|hkdfSync)$/.test(
          frame.name,
        )) ||
      ((info.pkg === 'bcrypt' || info.pkg === 'bcryptjs') &&
        /(hash|compare|genSalt)Sync$/.test(frame.name)),
    matchLine: (text) =>
      /\b(pbkdf2Sync|scryptSync|generateKeyPairSync|hashSync|compareSync)\s*\(/.test(text),
  },
  {
    id: 'cpu.sync-fs',
    area: 'cpu',
    title: 'Synchronous file-system call on the request path',
    rootCause: 'A *Sync fs call blocks the event loop for the whole disk operation.',
    recommendation: {
      text: 'Use fs/promises (await readFile(...)), or read once at start-up and cache the result.',
      effort: 'low',
    },
    matchFrame: (frame, info) =>
      isCore(info, frame.file, /^node:fs$|^node:internal\/fs|^fs\.js$/) && /Sync$/.test(frame.name),
    matchLine: (text) =>
      /\b(readFileSync|writeFileSync|appendFileSync|readdirSync|statSync|existsSync|lstatSync|openSync|readSync|writeSync)\s*\(/.test(
        text,
      ),
  },
  {
    id: 'cpu.sync-zlib',
    area: 'cpu',
    title: 'Synchronous compression on the event loop',
    rootCause:
      'A zlib *Sync call (gzipSync, deflateSync, brotliCompressSync...) compresses on the event loop.',
    recommendation: {
      text: 'Use the callback/stream forms (zlib.gzip, pipeline with createGzip), compress static payloads once, or let the reverse proxy compress.',
      effort: 'low',
    },
    matchFrame: (frame, info) => isCore(info, frame.file, /zlib/) && /Sync$/.test(frame.name),
    matchLine: (text) =>
      /\b(gzip|gunzip|deflate|inflate|deflateRaw|inflateRaw|brotliCompress|brotliDecompress|unzip)Sync\s*\(/.test(
        text,
      ),
  },
  {
    id: 'cpu.sync-child-process',
    area: 'cpu',
    title: 'Synchronous child process on the request path',
    rootCause: 'execSync/spawnSync/execFileSync block the event loop until the child exits.',
    recommendation: {
      text: 'Use execFile/spawn with await (util.promisify(execFile)), or move the work out of the request path.',
      effort: 'low',
    },
    matchFrame: (frame, info) =>
      isCore(info, frame.file, /child_process/) &&
      /^(execSync|execFileSync|spawnSync)$/.test(frame.name),
    matchLine: (text) => /\b(execSync|execFileSync|spawnSync)\s*\(/.test(text),
  },
  {
    id: 'cpu.regex',
    area: 'cpu',
    title: 'Expensive regular expression',
    rootCause:
      'A regular expression with nested or overlapping quantifiers backtracks heavily on some inputs (catastrophic backtracking, ReDoS); V8 runs it on the event loop.',
    recommendation: {
      text: 'Rewrite the pattern without nested quantifiers (e.g. `(a+)+` → `a+`), anchor it, cap the input length before matching, or use a linear-time engine (the re2 package).',
      effort: 'medium',
    },
    matchFrame: (frame) => frame.name.startsWith('RegExp: '),
    // Interpreted regexps run inside the caller's frame: recognise `.test(`, or a regex literal
    // passed to a String method, on the hot line itself.
    matchLine: (text) =>
      /\.test\s*\(|\/[gimsuyd]*\.(exec|test)\s*\(|\.(match|matchAll|replace|replaceAll|search|split)\s*\(\s*\/[^/*]/.test(
        text,
      ),
  },
  {
    id: 'cpu.json',
    area: 'cpu',
    title: 'Large JSON serialisation or parsing on the event loop',
    rootCause:
      'JSON.stringify/JSON.parse of a large value is synchronous and proportional to its size.',
    recommendation: {
      text: 'Send less (paginate, select fields), cache the serialised string when the data rarely changes, use a schema-based serialiser (fast-json-stringify), or stream large payloads.',
      effort: 'medium',
    },
    // V8's JSON builtins only (native frames without a URL, or named JSON.*): a package's own
    // parse/stringify (yaml, qs, node:url) is not JSON — calibration case yaml-parse-per-request
    // was titled "Large JSON serialisation" for yaml.parse.
    matchFrame: (frame) =>
      /^JSON\.(stringify|parse)$/.test(frame.name) ||
      (frame.kind === 'native' && /^(stringify|parse)$|Json(Stringify|Parse)/.test(frame.name)),
    matchLine: (text) => /\bJSON\.(stringify|parse)\s*\(/.test(text),
  },
  {
    id: 'cpu.template-compile',
    area: 'cpu',
    title: 'Template compiled on every request',
    rootCause: 'A template engine compiles the template source on each call instead of once.',
    recommendation: {
      text: 'Compile templates once at start-up (or enable the engine cache, e.g. app.set("view cache", true)) and only render per request.',
      effort: 'low',
    },
    matchFrame: (frame, info) =>
      TEMPLATE_PACKAGES.has(info.pkg ?? '') && /compile|precompile|template/i.test(frame.name),
  },
  {
    id: 'cpu.logging',
    area: 'cpu',
    title: 'Logging in a hot path',
    rootCause:
      'Log formatting and synchronous writes (console.* writes synchronously to files and pipes) cost CPU on every request.',
    recommendation: {
      text: 'Lower the log level on hot paths, log asynchronously (pino with a transport), and avoid console.log in request handlers.',
      effort: 'low',
    },
    matchFrame: (frame, info) =>
      LOGGING_PACKAGES.has(info.pkg ?? '') ||
      (isCore(info, frame.file, /console/) &&
        /^(log|info|warn|error|debug|trace|value)$/.test(frame.name)),
    matchLine: (text) => /\bconsole\.(log|info|warn|error|debug|trace)\s*\(/.test(text),
  },
];

/** Every pattern: Node.js first, then Go, JVM and Python ones (each applies to its runtime only). */
export const ROOT_CAUSE_PATTERNS: readonly RootCausePattern[] = [
  ...NODE_PATTERNS,
  ...RUNTIME_PATTERNS,
];

const appliesTo = (pattern: RootCausePattern, runtime: ProfiledRuntime): boolean =>
  (pattern.runtime ?? 'node') === runtime;

/** The pattern of `runtime` a frame (below the app frame) matches, if any. */
export function matchFramePattern(
  frame: ProfileFrame,
  info: CategoryInfo,
  runtime: ProfiledRuntime = 'node',
): RootCausePattern | undefined {
  return ROOT_CAUSE_PATTERNS.find(
    (pattern) => appliesTo(pattern, runtime) && pattern.matchFrame?.(frame, info),
  );
}

/** The pattern of `runtime` a source line matches, if any. */
export function matchLinePattern(
  text: string,
  runtime: ProfiledRuntime = 'node',
): RootCausePattern | undefined {
  return ROOT_CAUSE_PATTERNS.find(
    (pattern) => appliesTo(pattern, runtime) && pattern.matchLine?.(text),
  );
}

/** The pattern with this id for `runtime`. */
export function patternById(
  id: string,
  runtime: ProfiledRuntime = 'node',
): RootCausePattern | undefined {
  return ROOT_CAUSE_PATTERNS.find((pattern) => pattern.id === id && appliesTo(pattern, runtime));
}
