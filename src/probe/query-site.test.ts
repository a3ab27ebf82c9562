// Query sites resolve to the original TypeScript line through the app's source map (linked file
// named by the comment, `<file>.map` next to it, or an inline data URL), with the same loader the profiler uses (util/source-map.ts).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildWithMap, type MapKind } from '../util/__fixtures__/build-with-map.js';
import { type CallSiteHolder, captureSite, resolveSite } from './query-site.js';

const dir = mkdtempSync(join(tmpdir(), 'redline-query-site-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TS = [
  'interface Query { sql: string }', // 1
  'const pending: Query[] = [];', // 2
  '', // 3
  'export function listOrders(run: (q: Query) => unknown): unknown {', // 4
  '  pending.push({ sql: "SELECT 1" });', // 5
  '  return run({ sql: "SELECT * FROM orders" }); // QUERY', // 6
  '}', // 7
].join('\n');

/** Compiles the app to CommonJS (loaded by Node itself, so stacks show generated positions). */
function compile(sourcemap: MapKind): Promise<string> {
  return buildWithMap({ dir, source: TS, sourcemap, format: 'cjs', outName: 'app.cjs' });
}

describe('resolveSite', () => {
  for (const kind of ['linked', 'external', 'inline'] as const) {
    it(`maps a query's call site to the original line (${kind} map)`, async () => {
      const file = await compile(kind);
      const app = createRequire(import.meta.url)(file) as {
        listOrders(run: () => CallSiteHolder): CallSiteHolder;
      };
      const holder = app.listOrders(function query() {
        return captureSite(query);
      });
      expect(resolveSite(holder, dir)).toMatchObject({ file: `app-${kind}.ts`, line: 6 });
    });
  }

  it('keeps the generated position of a file without a map', () => {
    const file = join(dir, 'plain.cjs');
    writeFileSync(file, 'exports.run = (f) => f();\n');
    const app = createRequire(import.meta.url)(file) as {
      run(f: () => CallSiteHolder): CallSiteHolder;
    };
    const holder = app.run(function query() {
      return captureSite(query);
    });
    expect(resolveSite(holder, dir)).toMatchObject({ file: 'plain.cjs', line: 1 });
  });
});
