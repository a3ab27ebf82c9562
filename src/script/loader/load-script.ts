/**
 * loadScript: turns a user script (.ts, .js, .mjs) into one ES module Node can import. esbuild
 * bundles it with its local modules and npm packages (types stripped, source map on), Redline's
 * own modules stay external, and k6-style scripts get the k6 transform (blocking calls awaited);
 * the source map is carried across the transform so every position points at the user's
 * file:line:column.
 */
import { existsSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, extname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { encode } from '@jridgewell/sourcemap-codec';
import type { DecodedSourceMap, EncodedSourceMap } from '@jridgewell/trace-mapping';
import { ExitCode } from '../../errors/exit-codes.js';
import { RedlineError } from '../../errors/redline-error.js';
import type { InputProblem } from '../../util/input-reader.js';
import { didYouMean } from '../../util/nearest.js';
import { applyK6Transform, type TransformSummary } from './apply-transform.js';
import { type BundleOutput, bundleScript } from './bundle.js';
import { wrapInitFactory } from './init-factory.js';
import {
  RemoteModuleLoader,
  type RemoteModuleOptions,
  type RemoteSource,
} from './remote-modules.js';
import type { ResolveRecord } from './resolve-plugin.js';
import { createScriptPathResolver, type ScriptPathResolver } from './script-path.js';
import { createStackMapper, type StackMapper } from './stack-mapper.js';

/** File extensions `loadScript` accepts. */
export const SCRIPT_EXTENSIONS = ['.ts', '.mts', '.js', '.mjs'];

/** Options of {@link loadScript}. */
export interface LoadScriptOptions {
  /** Redline's module files by specifier (`k6/http` -> absolute path of its shim). */
  modules: Readonly<Record<string, string>>;
  /** The k6 transform: `auto` applies it to scripts importing k6 modules (default); `off` never. */
  k6Transform?: 'auto' | 'off';
  /** Where to write the bundle (default: a new temp folder that `dispose()` removes). */
  outDir?: string;
  /** Packages to leave to Node's own resolution at run time instead of bundling them. */
  external?: string[];
  /** Remote modules (`import … from 'https://…'`): mirrors, cache, offline (default: fetch them). */
  remoteModules?: RemoteModuleOptions;
}

/** A loaded script, ready to import. */
export interface LoadedScript extends StackMapper {
  scriptPath: string;
  bundlePath: string;
  /** `file://` URL to `import()`. */
  bundleUrl: string;
  /** Source map of the bundle to the user's files (absolute `sources`); also written as `.map`. */
  sourceMap: EncodedSourceMap;
  /** The script imports k6 modules (k6 semantics, e.g. the blocking API). */
  isK6Style: boolean;
  /**
   * The init code is wrapped in a factory (src/script/loader/init-factory.ts): each VU can run it
   * for its own module state (k6 scripts always do; native scripts opt in).
   */
  initFactory: boolean;
  /** Redline module specifiers the script imports. */
  modulesUsed: string[];
  /** Remote modules the script imports and where each came from (`native`: a Redline module). */
  remoteModules: Array<
    | { url: string; sha256: string; from: RemoteSource }
    | { url: string; from: 'native'; module: string }
  >;
  /** What the k6 transform did (undefined when it did not run). */
  transform?: TransformSummary;
  /** Milliseconds spent: esbuild, the k6 transform, and everything (incl. writing files). */
  timings: { bundleMs: number; transformMs: number; totalMs: number };
  /** Resolves a path the way k6's `open()` does (relative to the calling script file). */
  resolvePath: ScriptPathResolver;
  /**
   * How a problem or warning of the exported `options` is shown, when the options were generated
   * from another file (a YAML plan: at the plan's file:line:column); unset for a script.
   */
  describeOptionProblem?: (problem: InputProblem) => string;
  /** Removes the bundle (and its temp folder when the loader created it); idempotent. */
  dispose(): Promise<void>;
}

/** Bundles, transforms and writes a script; throws a RedlineError (exit 107) on script errors. */
export async function loadScript(path: string, options: LoadScriptOptions): Promise<LoadedScript> {
  const started = performance.now();
  const scriptPath = checkScriptPath(path);
  const bundleName = `${basename(scriptPath, extname(scriptPath))}.bundle.mjs`;
  const record: ResolveRecord = {
    used: new Set(),
    urlToSpecifier: new Map(),
    usedByPackages: false,
  };
  const remote = new RemoteModuleLoader(options.remoteModules);
  let output = await bundleScript(
    scriptPath,
    bundleName,
    options.modules,
    options.external ?? [],
    record,
    remote,
  );
  const bundleMs = performance.now() - started;
  const isK6Style = [...record.used].some((s) => s === 'k6' || s.startsWith('k6/'));
  let transform: TransformSummary | undefined;
  if (isK6Style && options.k6Transform !== 'off') {
    const result = applyK6Transform(scriptPath, output, record);
    output = result.output;
    transform = result.summary;
  }
  const transformMs = performance.now() - started - bundleMs;
  const wrapped = wrapInitFactory(output);
  if (wrapped) output = wrapped;
  const written = await writeBundle(output, bundleName, options.outDir);
  const mapper = createStackMapper({ bundlePath: written.bundlePath, map: output.map });
  const bundleUrl = pathToFileURL(written.bundlePath).href;
  const sources = new Set(output.map.sources.filter((s) => s !== null));
  const loaded: LoadedScript = {
    scriptPath,
    bundlePath: written.bundlePath,
    bundleUrl,
    sourceMap: written.map,
    isK6Style,
    initFactory: wrapped !== undefined,
    modulesUsed: [...record.used].sort(),
    remoteModules: [
      ...(await remote.modules()).map((m) => ({ url: m.url, sha256: m.sha256, from: m.from })),
      ...[...(record.nativeRemote ?? new Map<string, string>())].map(([url, module]) => ({
        url,
        from: 'native' as const,
        module,
      })),
    ],
    timings: { bundleMs, transformMs, totalMs: performance.now() - started },
    mapStack: mapper.mapStack,
    mapPosition: mapper.mapPosition,
    userStack: mapper.userStack,
    resolvePath: createScriptPathResolver(scriptPath, { mapper, bundleUrl, sources }),
    dispose: written.dispose,
  };
  if (transform) loaded.transform = transform;
  return loaded;
}

/** Writes `<name>.bundle.mjs` and its `.map` into `outDir` or a new temp folder. */
async function writeBundle(
  output: BundleOutput,
  bundleName: string,
  outDir: string | undefined,
): Promise<{ bundlePath: string; map: EncodedSourceMap; dispose: () => Promise<void> }> {
  const dir = outDir ?? (await mkdtemp(join(tmpdir(), 'redline-script-')));
  if (outDir !== undefined) await mkdir(dir, { recursive: true });
  const bundlePath = join(dir, bundleName);
  const map = encodeMap(output.map, bundleName);
  await writeFile(bundlePath, `${output.code}\n//# sourceMappingURL=${bundleName}.map\n`);
  await writeFile(`${bundlePath}.map`, JSON.stringify(map));
  let disposed = false;
  const dispose = async (): Promise<void> => {
    if (disposed) return;
    disposed = true;
    if (outDir === undefined) await rm(dir, { recursive: true, force: true });
    else
      await Promise.all([
        rm(bundlePath, { force: true }),
        rm(`${bundlePath}.map`, { force: true }),
      ]);
  };
  return { bundlePath, map, dispose };
}

function encodeMap(map: DecodedSourceMap, file: string): EncodedSourceMap {
  return { ...map, file, mappings: encode(map.mappings) };
}

function checkScriptPath(path: string): string {
  const scriptPath = resolve(path);
  if (!existsSync(scriptPath) || !statSync(scriptPath).isFile()) {
    throw new RedlineError('E_SCRIPT_NOT_FOUND', `script not found: ${path}`, {
      exitCode: ExitCode.NoInput,
      hint: 'check the path; it is resolved from the current directory',
    });
  }
  const ext = extname(scriptPath);
  if (!SCRIPT_EXTENSIONS.includes(ext)) {
    throw new RedlineError(
      'E_SCRIPT_EXTENSION',
      `cannot load "${path}" as a script: unknown extension "${ext}"${didYouMean(ext, SCRIPT_EXTENSIONS)}`,
      {
        exitCode: ExitCode.Usage,
        hint: `scripts end in ${SCRIPT_EXTENSIONS.join(', ')}; plans are .yaml or .yml`,
      },
    );
  }
  return scriptPath;
}
