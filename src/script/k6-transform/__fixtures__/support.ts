/** Test support for the k6 transform: transform a module with k6 imports and run it for real. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type K6TransformResult, transformK6Module } from '../transform.js';

const FIXTURE_MODULES = resolve(import.meta.dirname, '../../../../test/script/fixtures/modules');

/** The stand-in k6 modules of test/script/fixtures/modules, by specifier (absolute file paths). */
export const TEST_K6_MODULES: Readonly<Record<string, string>> = {
  k6: join(FIXTURE_MODULES, 'k6.js'),
  'k6/http': join(FIXTURE_MODULES, 'k6-http.js'),
  'k6/metrics': join(FIXTURE_MODULES, 'k6-metrics.js'),
};

const URL_TO_SPECIFIER = new Map(
  Object.entries(TEST_K6_MODULES).map(([spec, file]) => [pathToFileURL(file).href, spec]),
);

/** Replaces `from 'k6/…'` with the stand-in module URLs, as the loader's bundle has them. */
export function withModuleUrls(source: string): string {
  return source.replace(/from\s+['"](k6(?:\/[a-z-]+)?)['"]/g, (whole, spec: string) => {
    const file = TEST_K6_MODULES[spec];
    return file ? `from ${JSON.stringify(pathToFileURL(file).href)}` : whole;
  });
}

/** Transforms a module whose k6 imports use the stand-in URLs. */
export function transformForTest(
  source: string,
  isLibrary?: (line: number, column: number) => boolean,
): K6TransformResult {
  const moduleOf = (s: string): string | undefined =>
    URL_TO_SPECIFIER.get(s) ?? (s.startsWith('k6') || s.startsWith('jslib/') ? s : undefined);
  return transformK6Module(
    withModuleUrls(source),
    isLibrary ? { moduleOf, isLibrary } : { moduleOf },
  );
}

/**
 * Writes transformed code to a temp file, imports it, runs `exportName` (default: `default`) and
 * returns its result with the log the stand-in modules wrote.
 */
export async function runTransformed(
  code: string,
  exportName = 'default',
  ...args: unknown[]
): Promise<{ result: unknown; log: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'redline-k6t-'));
  try {
    const file = join(dir, 'script.mjs');
    writeFileSync(file, code);
    const log: string[] = [];
    (globalThis as { __k6TestLog?: string[] }).__k6TestLog = log;
    const module = (await import(pathToFileURL(file).href)) as Record<
      string,
      (...a: unknown[]) => unknown
    >;
    const result = await module[exportName]!(...args);
    return { result, log };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
