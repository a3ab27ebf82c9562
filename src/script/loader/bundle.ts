/**
 * The esbuild step of the loader: one ESM bundle of the script, its local modules and npm
 * packages (types stripped), Redline's modules external, and a source map whose mappings are
 * decoded once here and shared by every later step.
 */
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { decode } from '@jridgewell/sourcemap-codec';
import type { DecodedSourceMap, EncodedSourceMap } from '@jridgewell/trace-mapping';
import { type BuildFailure, type BuildResult, build } from 'esbuild';
import { buildFailureError } from './build-errors.js';
import type { RemoteModuleLoader } from './remote-modules.js';
import { createResolvePlugin, REMOTE_NAMESPACE, type ResolveRecord } from './resolve-plugin.js';

/** The bundle's code and its decoded map (absolute `sources`). */
export interface BundleOutput {
  code: string;
  map: DecodedSourceMap;
}

/** Bundles `scriptPath`; throws a RedlineError (exit 107) listing every build error. */
export async function bundleScript(
  scriptPath: string,
  bundleName: string,
  modules: Readonly<Record<string, string>>,
  external: readonly string[],
  record: ResolveRecord,
  remote?: RemoteModuleLoader,
): Promise<BundleOutput> {
  const scriptDir = dirname(scriptPath);
  const scriptUrl = JSON.stringify(pathToFileURL(scriptPath).href);
  let result: BuildResult<{ write: false }>;
  try {
    result = await build({
      entryPoints: [scriptPath],
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      sourcemap: 'external',
      sourcesContent: true,
      outfile: join(scriptDir, bundleName),
      absWorkingDir: scriptDir,
      logLevel: 'silent',
      charset: 'utf8',
      external: [...external],
      // Local modules are bundled into one file: `import.meta.*` means the main script (documented).
      define: {
        'import.meta.url': scriptUrl,
        'import.meta.filename': JSON.stringify(scriptPath),
        'import.meta.dirname': JSON.stringify(scriptDir),
      },
      // CommonJS packages inside an ESM bundle need `require` for Node's built-ins.
      banner: {
        js: `import { createRequire as __redlineCreateRequire } from 'node:module'; const require = __redlineCreateRequire(${scriptUrl});`,
      },
      plugins: [createResolvePlugin(modules, record, remote)],
    });
  } catch (error) {
    const failure = error as Partial<BuildFailure>;
    if (Array.isArray(failure.errors) && failure.errors.length > 0) {
      throw buildFailureError(scriptPath, failure.errors, scriptDir);
    }
    throw error;
  }
  const js = result.outputFiles.find((f) => f.path.endsWith('.mjs'));
  const mapFile = result.outputFiles.find((f) => f.path.endsWith('.map'));
  if (!js || !mapFile) throw new Error('esbuild produced no bundle');
  const encoded = JSON.parse(mapFile.text) as EncodedSourceMap;
  const map: DecodedSourceMap = {
    ...encoded,
    // Remote modules keep their `redline-remote:<url>` name (not a path).
    sources: encoded.sources.map((s) =>
      s === null || s.startsWith(`${REMOTE_NAMESPACE}:`) ? s : resolve(scriptDir, s),
    ),
    mappings: decode(encoded.mappings),
  };
  return { code: js.text, map };
}

/** 1-based bundle lines whose code all comes from npm packages (files under node_modules). */
export function packageLines(map: DecodedSourceMap): Set<number> {
  const fromPackage = map.sources.map((s) => s?.includes('/node_modules/') === true);
  const lines = new Set<number>();
  map.mappings.forEach((segments, index) => {
    if (segments.length === 0) return;
    if (segments.every((seg) => seg.length > 1 && fromPackage[seg[1] as number]))
      lines.add(index + 1);
  });
  return lines;
}
