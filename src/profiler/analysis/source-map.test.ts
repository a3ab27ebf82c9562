// Source mapping with maps esbuild writes (linked file and inline data URL).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { buildWithMap } from '../../util/__fixtures__/build-with-map.js';
import { createSourceResolver } from './source-map.js';

const dir = mkdtempSync(join(tmpdir(), 'redline-sourcemap-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TS = [
  'interface User { name: string }', // 1
  'const users: User[] = [];', // 2
  '', // 3
  'export function hash(user: User): number {', // 4
  '  let h = 0;', // 5
  '  for (const c of user.name) h = (h * 31 + c.charCodeAt(0)) | 0; // MARK', // 6
  '  return h;', // 7
  '}', // 8
  'users.push({ name: "a" });', // 9
].join('\n');

async function compile(
  sourcemap: 'linked' | 'inline',
): Promise<{ file: string; line: number; column: number }> {
  const outfile = await buildWithMap({
    dir,
    source: TS,
    sourcemap,
    format: 'esm',
    outName: 'app.js',
  });
  const lines = readFileSync(outfile, 'utf8').split('\n');
  const line = lines.findIndex((l) => l.includes('charCodeAt')) + 1;
  return { file: outfile, line, column: (lines[line - 1] as string).indexOf('h =') + 1 };
}

describe('createSourceResolver', () => {
  for (const kind of ['linked', 'inline'] as const) {
    it(`maps generated positions to the original TypeScript line (${kind} map)`, async () => {
      const generated = await compile(kind);
      const resolver = createSourceResolver(dir);
      const byPath = resolver.resolve(generated.file, generated.line, generated.column);
      expect(byPath).toMatchObject({ file: `app-${kind}.ts`, line: 6, mapped: true });
      const byUrl = resolver.resolve(pathToFileURL(generated.file).href, generated.line);
      expect(byUrl.line).toBe(6);
      expect(resolver.originalLine(join(dir, `app-${kind}.ts`), 6)).toContain('// MARK');
    });
  }

  it('keeps positions of files without a map, and of files that do not exist', () => {
    const resolver = createSourceResolver(dir);
    expect(resolver.resolve('node:internal/crypto/pbkdf2', 74)).toEqual({
      file: 'node:internal/crypto/pbkdf2',
      line: 74,
      mapped: false,
    });
    expect(resolver.resolve('/nonexistent/x.js', 3, 2)).toMatchObject({
      line: 3,
      column: 2,
      mapped: false,
    });
  });
});
