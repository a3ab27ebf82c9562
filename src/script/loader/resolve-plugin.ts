/**
 * esbuild plugin resolving a script's imports: `k6`, `k6/*` and `redline*` go to Redline's own
 * module files (kept external, imported by file URL); a k6 module Redline does not provide and a
 * remote URL (jslib) fail with an error naming the module, located at the import by esbuild.
 */
import { pathToFileURL } from 'node:url';
import type { Plugin } from 'esbuild';
import { findNearest } from '../../util/nearest.js';

/** Kind of an import the plugin refused (carried in the esbuild message's `detail`). */
export type RefusedImport =
  | { kind: 'remote'; url: string }
  | { kind: 'unsupported-module'; specifier: string };

/** State the plugin fills while esbuild bundles. */
export interface ResolveRecord {
  /** Module specifiers of Redline's modules the script imports (`k6/http`, `redline`). */
  used: Set<string>;
  /** Maps the file URL written in the bundle back to its specifier. */
  urlToSpecifier: Map<string, string>;
  /** An npm package (a file under node_modules) imports a k6 or Redline module. */
  usedByPackages: boolean;
}

const OWN_MODULE = /^(?:k6|redline)(?:\/.*)?$/;
const REMOTE = /^https?:\/\//;

/** Creates the plugin for a module map `{ specifier -> absolute file path }`. */
export function createResolvePlugin(
  modules: Readonly<Record<string, string>>,
  record: ResolveRecord,
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
          return { path: url, external: true };
        }
        const detail: RefusedImport = { kind: 'unsupported-module', specifier: args.path };
        return {
          errors: [{ text: unsupportedModuleText(args.path, Object.keys(modules)), detail }],
        };
      });
      build.onResolve({ filter: REMOTE }, (args) => {
        const detail: RefusedImport = { kind: 'remote', url: args.path };
        return {
          errors: [
            {
              text: `cannot import the remote module "${args.path}": Redline does not fetch modules from the network`,
              detail,
            },
          ],
        };
      });
    },
  };
}

function unsupportedModuleText(specifier: string, supported: readonly string[]): string {
  if (specifier.startsWith('k6/x/')) {
    return `module "${specifier}" is a k6 extension (xk6, written in Go) and cannot run in Redline`;
  }
  const nearest = findNearest(specifier, supported, 2, false);
  const hint = nearest && nearest !== specifier ? `; did you mean "${nearest}"?` : '';
  const list = [...supported].sort().join(', ');
  return `module "${specifier}" is not supported by Redline${hint} (supported: ${list || 'none'})`;
}
