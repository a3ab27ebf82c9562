/**
 * Locates compiled modules at run time. Worker threads and child processes must load JavaScript:
 * when the caller runs from TypeScript sources (tests under Vitest), the same file in dist/ is used,
 * so `npm run build` must have run (`npm test` does it first).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Resolves `relative` (a .js path) against `fromUrl`, mapping src/*.ts callers to dist/. */
export function compiledModuleUrl(relative: string, fromUrl: string): URL {
  const from = fromUrl.endsWith('.ts')
    ? fromUrl.replace(/\/src\//, '/dist/').replace(/\.ts$/, '.js')
    : fromUrl;
  const url = new URL(relative, from);
  if (!existsSync(fileURLToPath(url))) {
    throw new Error(`compiled module missing: ${fileURLToPath(url)} (run \`npm run build\`)`);
  }
  return url;
}
