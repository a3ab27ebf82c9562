/** Test helper: bundles a TypeScript source with esbuild into `<dir>/out-<map>/<outName>` with the given kind of source map. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

/** How the map is attached: a comment naming a file, a file without a comment, or a data URL. */
export type MapKind = 'linked' | 'external' | 'inline';

/** Writes `source` as `<dir>/app-<sourcemap>.ts`, bundles it, and returns the output file's path. */
export async function buildWithMap(options: {
  dir: string;
  source: string;
  sourcemap: MapKind;
  format: 'esm' | 'cjs';
  outName: string;
}): Promise<string> {
  const entry = join(options.dir, `app-${options.sourcemap}.ts`);
  writeFileSync(entry, options.source);
  const outfile = join(options.dir, `out-${options.sourcemap}`, options.outName);
  await build({
    entryPoints: [entry],
    outfile,
    sourcemap: options.sourcemap,
    format: options.format,
    platform: 'node',
    bundle: true,
    write: true,
    logLevel: 'silent',
  });
  return outfile;
}
