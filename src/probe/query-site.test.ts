// Query sites resolve to the original TypeScript line through the app's source map (linked file
// named by the comment, `<file>.map` next to it, or an inline data URL), with the same loader the profiler uses (util/source-map.ts).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildWithMap, type MapKind } from '../util/__fixtures__/build-with-map.js';
import {
  type CallSiteHolder,
  captureSite,
  noteQuerySite,
  resolveSite,
  runWithOrigin,
} from './query-site.js';

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

describe('query origins', () => {
  // A library that runs the query later from its own queue (as knex 0.19 does on bluebird, and
  // TypeORM 0.2 inside its generator awaiter): the driver's stack holds no application frame.
  const libDir = join(dir, 'node_modules', 'later-lib');
  mkdirSync(libDir, { recursive: true });
  writeFileSync(
    join(libDir, 'index.js'),
    'exports.later = (query) => new Promise((resolve) => setImmediate(() => resolve(query())));\n',
  );
  writeFileSync(join(dir, 'orders.cjs'), 'exports.list = (lib, query) => lib.later(query);\n');
  const require = createRequire(import.meta.url);
  type Lib = { later(query: () => CallSiteHolder): Promise<CallSiteHolder> };
  const lib = require(join(libDir, 'index.js')) as Lib;
  const app = require(join(dir, 'orders.cjs')) as {
    list(lib: Lib, query: () => CallSiteHolder): Promise<CallSiteHolder>;
  };
  const driver = function query(): CallSiteHolder {
    return captureSite(query);
  };

  it('a query run from a library queue has no call site of its own', async () => {
    expect(resolveSite(await app.list(lib, driver), dir)).toBeUndefined();
  });

  it('falls back to the origin captured where the application called the library', async () => {
    const instrumented: Lib = {
      later: function later(query) {
        return runWithOrigin(captureSite(later), () => lib.later(query));
      },
    };
    const holder = await app.list(instrumented, driver);
    expect(holder.origin).toBeDefined();
    expect(resolveSite(holder, dir)).toMatchObject({ file: 'orders.cjs', line: 1 });
  });

  it("prefers the driver stack's own application frame to the origin", async () => {
    const direct: Lib = {
      later: function later(query) {
        return runWithOrigin(captureSite(later), () => Promise.resolve(query()));
      },
    };
    writeFileSync(join(dir, 'direct.cjs'), 'exports.run = (q) => q();\n');
    const own = require(join(dir, 'direct.cjs')) as {
      run(q: () => CallSiteHolder): CallSiteHolder;
    };
    const holder = await direct.later(() => own.run(driver));
    expect(resolveSite(holder, dir)).toMatchObject({ file: 'direct.cjs', line: 1 });
  });
});

describe('cached call sites', () => {
  writeFileSync(join(dir, 'cached.cjs'), 'exports.run = (q) => q();\n');
  const app = createRequire(import.meta.url)(join(dir, 'cached.cjs')) as {
    run(q: () => CallSiteHolder): CallSiteHolder;
  };
  const capture = () =>
    app.run(function query() {
      return captureSite(query);
    });

  it("releases a noted site's captured stack once more sites than the learning queue holds were noted", () => {
    const first = capture();
    noteQuerySite('SELECT 0', first, dir);
    expect(first.frames).toBeUndefined();
    // The queue holds 1,024 sites: the next ones make it learn its oldest, the first one.
    for (let i = 1; i <= 1100; i++) noteQuerySite(`SELECT ${i}`, capture(), dir);
    expect(first.frames?.[0]).toMatchObject({ file: 'cached.cjs', line: 1 });
    expect(first.stack).toBeUndefined();
  });

  it('resolves the same place of two captures to one shared frame', () => {
    const a = capture();
    const b = capture();
    expect(resolveSite(a, dir)).toMatchObject({ file: 'cached.cjs', line: 1 });
    expect(resolveSite(b, dir)).toBe(resolveSite(a, dir));
  });
});
