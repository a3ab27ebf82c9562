/**
 * esbuild plugin resolving a script's imports: `k6`, `k6/*` and `redline*` go to Redline's own
 * module files (kept external, imported by file URL); a k6 module Redline does not provide fails
 * with an error naming the module, located at the import by esbuild. Remote URLs: the jslib
 * modules Redline has native equivalents of go to those (offline); any other is fetched once by
 * the {@link RemoteModuleLoader} (mirror, network, cache) and bundled with its relative imports.
 */
import { pathToFileURL } from 'node:url';
import type { Plugin } from 'esbuild';
import { findNearest, nearestHint } from '../../util/nearest.js';
import { RemoteModuleError, type RemoteModuleLoader } from './remote-modules.js';

/** Kind of an import the plugin refused (carried in the esbuild message's `detail`). */
export type RefusedImport =
  | { kind: 'remote'; url: string; reason?: 'off' | 'unavailable' }
  | { kind: 'unsupported-module'; specifier: string };

/** State the plugin fills while esbuild bundles. */
export interface ResolveRecord {
  /** Module specifiers of Redline's modules the script imports (`k6/http`, `redline`). */
  used: Set<string>;
  /** Maps the file URL written in the bundle back to its specifier. */
  urlToSpecifier: Map<string, string>;
  /** An npm package (a file under node_modules) imports a k6 or Redline module. */
  usedByPackages: boolean;
  /** Remote URLs served by a native equivalent (URL -> Redline module specifier). */
  nativeRemote?: Map<string, string>;
}

/** Namespace of remote modules in the bundle (source-map sources read `redline-remote:<url>`). */
export const REMOTE_NAMESPACE = 'redline-remote';

/**
 * Namespaces of the shims that serve `require("k6/http")` (CommonJS code, e.g. jslib's
 * http-instrumentation modules): the CommonJS shim exports the module's default object (what
 * k6's `require` returns), read from an ESM shim that imports Redline's module by URL.
 */
const OWN_REQUIRE_NAMESPACE = 'redline-own-require';
const OWN_ESM_NAMESPACE = 'redline-own-esm';

/**
 * jslib modules with a native equivalent in Redline (same exports, same behaviour, written for
 * Redline): any version of the URL maps to the Redline module.
 */
const NATIVE_JSLIB: ReadonlyArray<[RegExp, string]> = [
  [/^https:\/\/jslib\.k6\.io\/k6-utils\/[^/]+\/index\.js$/, 'jslib/k6-utils'],
  [/^https:\/\/jslib\.k6\.io\/k6-summary\/[^/]+\/index\.js$/, 'jslib/k6-summary'],
  [/^https:\/\/jslib\.k6\.io\/papaparse\/[^/]+\/index\.js$/, 'jslib/papaparse'],
  [/^https:\/\/jslib\.k6\.io\/k6chaijs\/[^/]+\/index\.js$/, 'jslib/k6chaijs'],
];

/** The Redline module serving a remote URL natively, if any. */
export function nativeRemoteModule(url: string): string | undefined {
  return NATIVE_JSLIB.find(([re]) => re.test(url))?.[1];
}

const OWN_MODULE = /^(?:k6|redline)(?:\/.*)?$/;
const REMOTE = /^https?:\/\//;

/** Creates the plugin for a module map `{ specifier -> absolute file path }`. */
export function createResolvePlugin(
  modules: Readonly<Record<string, string>>,
  record: ResolveRecord,
  remote?: RemoteModuleLoader,
): Plugin {
  const urls = new Map<string, string>();
  for (const [specifier, file] of Object.entries(modules)) {
    const url = pathToFileURL(file).href;
    urls.set(specifier, url);
    record.urlToSpecifier.set(url, specifier);
  }
  return {
    name: 'redline-modules',
    setup(build) {
      build.onResolve({ filter: OWN_MODULE }, (args) => {
        const url = urls.get(args.path);
        if (url !== undefined) {
          record.used.add(args.path);
          if (args.importer.includes('/node_modules/')) record.usedByPackages = true;
          // An external `require(url)` would reach Node's require, which cannot load it: shim it.
          if (args.namespace === OWN_REQUIRE_NAMESPACE)
            return { path: args.path, namespace: OWN_ESM_NAMESPACE, pluginData: url };
          if (args.kind === 'require-call')
            return { path: args.path, namespace: OWN_REQUIRE_NAMESPACE };
          return { path: url, external: true };
        }
        const detail: RefusedImport = { kind: 'unsupported-module', specifier: args.path };
        return {
          errors: [{ text: unsupportedModuleText(args.path, Object.keys(modules)), detail }],
        };
      });
      build.onResolve({ filter: REMOTE }, (args) => resolveRemote(args.path));
      // Relative and root-relative imports inside a remote module are remote too.
      build.onResolve({ filter: /^\.{0,2}\//, namespace: REMOTE_NAMESPACE }, (args) =>
        resolveRemote(new URL(args.path, args.importer).href),
      );
      build.onResolve({ filter: /^file:/, namespace: OWN_ESM_NAMESPACE }, (args) => ({
        path: args.path,
        external: true,
      }));
      build.onLoad({ filter: /.*/, namespace: OWN_REQUIRE_NAMESPACE }, (args) => ({
        contents: `module.exports = require(${JSON.stringify(args.path)}).default;`,
        loader: 'js',
      }));
      build.onLoad({ filter: /.*/, namespace: OWN_ESM_NAMESPACE }, (args) => ({
        contents: `import * as ns from ${JSON.stringify(args.pluginData as string)}; export default ns.default ?? ns;`,
        loader: 'js',
        resolveDir: '/',
      }));
      build.onLoad({ filter: /.*/, namespace: REMOTE_NAMESPACE }, (args) => ({
        contents: (args.pluginData as { contents: string }).contents,
        loader: 'js',
      }));
    },
  };

  async function resolveRemote(url: string) {
    const native = nativeRemoteModule(url);
    const file = native === undefined ? undefined : urls.get(native);
    if (native !== undefined && file !== undefined) {
      record.used.add(native);
      record.nativeRemote ??= new Map();
      record.nativeRemote.set(url, native);
      return { path: file, external: true };
    }
    if (!remote) {
      const detail: RefusedImport = { kind: 'remote', url };
      return {
        errors: [
          {
            text: `cannot import the remote module "${url}": Redline does not fetch modules from the network`,
            detail,
          },
        ],
      };
    }
    try {
      const loaded = await remote.load(url);
      return { path: url, namespace: REMOTE_NAMESPACE, pluginData: { contents: loaded.contents } };
    } catch (error) {
      if (!(error instanceof RemoteModuleError)) throw error;
      const detail: RefusedImport = {
        kind: 'remote',
        url,
        reason: error.message.includes('remote modules are off') ? 'off' : 'unavailable',
      };
      return { errors: [{ text: error.message, detail }] };
    }
  }
}

function unsupportedModuleText(specifier: string, supported: readonly string[]): string {
  if (specifier.startsWith('k6/x/')) {
    return `module "${specifier}" is a k6 extension (xk6, written in Go) and cannot run in Redline`;
  }
  const nearest = findNearest(specifier, supported, 2, false);
  const hint = nearestHint(nearest !== specifier ? nearest : undefined);
  const list = supported
    .filter((s) => !s.startsWith('jslib/'))
    .sort()
    .join(', ');
  return `module "${specifier}" is not supported by Redline${hint} (supported: ${list || 'none'})`;
}
