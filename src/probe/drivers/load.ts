/** Finds the application's database drivers (eagerly from its entry point, and on later require). */
import { existsSync, readFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { instrumentMysql2 } from './mysql2.js';
import { instrumentPg } from './pg.js';
import { instrumentPglite } from './pglite.js';

/** Patches a loaded module; true when it did. */
export type Instrument = (mod: unknown) => boolean;

const CJS: Array<[string, Instrument]> = [
  ['pg', instrumentPg],
  ['mysql2', instrumentMysql2],
  ['@electric-sql/pglite', instrumentPglite],
];

/** What was instrumented (module name → how). */
export type InstrumentedDrivers = Record<string, string>;

/**
 * Resolves each driver from the app's entry directory (and the working directory) and patches it
 * before the app loads it: the CJS cache (and the ESM cache, for PGlite's ESM build) then hands the
 * app the patched module. A `Module._load` hook patches copies loaded later from elsewhere.
 */
export async function instrumentDrivers(entry: string | undefined): Promise<InstrumentedDrivers> {
  const found: InstrumentedDrivers = {};
  for (const base of appBases(entry)) {
    const req = createRequire(join(base, 'noop.js'));
    const declared = declaredDependencies(base);
    Object.assign(found, instrumentFrom(req, declared, CJS));
    if (!declared || declared.has('@electric-sql/pglite')) await instrumentPgliteEsm(req, found);
  }
  hookRequire();
  return found;
}

/**
 * Patches other CommonJS modules of the application the same way as the drivers: eagerly from
 * its entry directory when it declares them (unless `eager` is false), and through the require
 * hook whenever the application requires them.
 */
export function instrumentAppModules(
  entry: string | undefined,
  modules: ReadonlyArray<readonly [string, Instrument]>,
  eager = true,
): InstrumentedDrivers {
  const found: InstrumentedDrivers = {};
  for (const [name, instrument] of modules) extraHooks.set(name, instrument);
  hookRequire();
  if (!eager) return found;
  for (const base of appBases(entry))
    Object.assign(
      found,
      instrumentFrom(createRequire(join(base, 'noop.js')), declaredDependencies(base), modules),
    );
  return found;
}

function appBases(entry: string | undefined): string[] {
  return [
    ...new Set(
      [entry ? dirname(resolve(entry)) : undefined, process.cwd()].filter(Boolean) as string[],
    ),
  ];
}

function instrumentFrom(
  req: NodeJS.Require,
  declared: Set<string> | undefined,
  modules: ReadonlyArray<readonly [string, Instrument]>,
): InstrumentedDrivers {
  const found: InstrumentedDrivers = {};
  for (const [name, instrument] of modules) {
    if (declared && !declared.has(name)) continue;
    try {
      if (instrument(req(name))) found[name] = 'require';
    } catch {
      // not installed for this app
    }
  }
  return found;
}

async function instrumentPgliteEsm(req: NodeJS.Require, found: InstrumentedDrivers): Promise<void> {
  try {
    // The package's exports map hides package.json: find it above the resolved CommonJS entry.
    let pkgDir = dirname(req.resolve('@electric-sql/pglite'));
    while (!existsSync(join(pkgDir, 'package.json')) && dirname(pkgDir) !== pkgDir)
      pkgDir = dirname(pkgDir);
    const pkgPath = join(pkgDir, 'package.json');
    const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as {
      exports?: Record<string, { import?: { default?: string } | string }>;
    };
    const entry = pkg.exports?.['.']?.import;
    const file = typeof entry === 'string' ? entry : entry?.default;
    if (!file) return;
    const mod: unknown = await import(pathToFileURL(join(dirname(pkgPath), file)).href);
    if (instrumentPglite(mod)) found['@electric-sql/pglite'] = 'import';
  } catch {
    // not installed
  }
}

/**
 * Dependencies declared by the nearest package.json above `dir` (undefined when there is none):
 * drivers the app does not declare are not loaded eagerly (they cost start-up time); a driver
 * required later through CommonJS is still patched by the require hook.
 */
function declaredDependencies(dir: string): Set<string> | undefined {
  let current = dir;
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(join(current, 'package.json'), 'utf8')) as Record<
        string,
        Record<string, string> | undefined
      >;
      return new Set([
        ...Object.keys(pkg['dependencies'] ?? {}),
        ...Object.keys(pkg['devDependencies'] ?? {}),
        ...Object.keys(pkg['peerDependencies'] ?? {}),
        ...Object.keys(pkg['optionalDependencies'] ?? {}),
      ]);
    } catch {
      const parent = dirname(current);
      if (parent === current) return undefined;
      current = parent;
    }
  }
}

let hooked = false;
/** Modules other than the drivers patched when required later (see instrumentAppModules). */
const extraHooks = new Map<string, Instrument>();

function hookRequire(): void {
  if (hooked) return;
  hooked = true;
  const moduleAny = Module as unknown as {
    _load: (request: string, parent: unknown, isMain: boolean) => unknown;
  };
  const original = moduleAny._load;
  moduleAny._load = function load(request: string, parent: unknown, isMain: boolean) {
    const exports = original.call(this, request, parent, isMain);
    if (request === 'pg') instrumentPg(exports);
    else if (request === 'mysql2') instrumentMysql2(exports);
    else if (request === 'mysql2/promise') patchFromParent('mysql2', parent, instrumentMysql2);
    else if (request === '@electric-sql/pglite') instrumentPglite(exports);
    else extraHooks.get(request)?.(exports);
    return exports;
  };
}

function patchFromParent(name: string, parent: unknown, instrument: Instrument): void {
  const file = (parent as { filename?: string } | null)?.filename;
  if (!file) return;
  try {
    instrument(createRequire(file)(name));
  } catch {
    // ignore
  }
}
