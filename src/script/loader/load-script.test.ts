import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isRedlineError, type RedlineError } from '../../errors/redline-error.js';
import { TEST_K6_MODULES } from '../k6-transform/__fixtures__/support.js';
import { instantiateModule } from './init-factory.js';
import { type LoadedScript, loadScript } from './load-script.js';
import { loadScriptPathResolver } from './script-path.js';

const FIXTURES = resolve(import.meta.dirname, '../../../test/script/fixtures');
const TS_APP = join(FIXTURES, 'ts-app/script.ts');
const loaded: LoadedScript[] = [];
const temps: string[] = [];

afterAll(async () => {
  for (const l of loaded) await l.dispose();
  for (const t of temps) rmSync(t, { recursive: true, force: true });
});

async function load(path: string): Promise<LoadedScript> {
  const script = await loadScript(path, { modules: TEST_K6_MODULES });
  loaded.push(script);
  return script;
}

/** Loads a script that must fail and returns the RedlineError. */
async function loadError(path: string): Promise<RedlineError> {
  try {
    await load(path);
  } catch (error) {
    if (isRedlineError(error)) return error;
    throw error;
  }
  throw new Error(`${path} loaded without error`);
}

/** 1-based line and column of the first occurrence of `needle` in `file`. */
function positionOf(file: string, needle: string): { line: number; column: number } {
  const text = readFileSync(file, 'utf8');
  const index = text.indexOf(needle);
  expect(index).toBeGreaterThanOrEqual(0);
  const before = text.slice(0, index).split('\n');
  return { line: before.length, column: (before[before.length - 1] ?? '').length + 1 };
}

/**
 * Imports the bundle in a plain `node` process (no source-map support, no test runner rewriting
 * the module) and returns what the export `name` threw or returned, as text.
 */
function runInNode(bundleUrl: string, name: string): string {
  const program = `const b = await import(${JSON.stringify(bundleUrl)}); const m = b.__redlineInit ? await b.__redlineInit() : b;
try { const r = await m[${JSON.stringify(name)}](); process.stdout.write(String(r)); }
catch (e) { process.stdout.write(e.stack); }`;
  return execFileSync(process.execPath, ['--input-type=module', '-e', program], {
    encoding: 'utf8',
    timeout: 20_000,
  });
}

/** Copies a `.txt` fixture to a temp folder under its real extension. */
function materialize(fixture: string, as: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'redline-loader-'));
  temps.push(dir);
  const file = join(dir, as);
  copyFileSync(join(FIXTURES, fixture), file);
  return file;
}

describe('loadScript', () => {
  it('bundles TypeScript with a local module graph and an npm package, and runs it', async () => {
    const script = await load(TS_APP);
    expect(script.isK6Style).toBe(true);
    expect(script.modulesUsed).toEqual(['k6', 'k6/http']);
    expect(script.bundleUrl).toMatch(/^file:\/\/.*script\.bundle\.mjs$/);
    expect(script.transform?.asyncFunctions.map((f) => f.name).sort()).toEqual([
      'failing',
      'failingInLib',
      'login',
      'script_default', // esbuild's name for the default export
    ]);
    const login = script.transform?.asyncFunctions.find((f) => f.name === 'login');
    expect(login?.file).toBe(join(FIXTURES, 'ts-app/lib/api.ts'));
    const module = (await instantiateModule(await import(script.bundleUrl))) as Record<
      string,
      () => Promise<unknown>
    >;
    (globalThis as { __k6TestLog?: string[] }).__k6TestLog = [];
    expect(module.options).toEqual({ vus: 2, iterations: 1 });
    await expect(module.default!()).resolves.toBe('token-of-http://127.0.0.1:9/login');
    expect((globalThis as { __k6TestLog?: string[] }).__k6TestLog).toEqual([
      'POST http://127.0.0.1:9/login',
      'sleep 0.1',
    ]);
  });

  it('maps a stack after the transform to the exact original line:column, in both files', async () => {
    const script = await load(TS_APP);
    const raw = runInNode(script.bundleUrl, 'failing');
    expect(raw).toContain('Error: items failed with status 200');
    expect(raw).toContain(script.bundleUrl);
    const at = positionOf(TS_APP, 'new Error(`items failed');
    const mapped = script.mapStack(raw);
    expect(mapped).toContain(`ts-app/script.ts:${at.line}:${at.column}`);
    expect(mapped).not.toContain('bundle.mjs');

    const api = join(FIXTURES, 'ts-app/lib/api.ts');
    const inLib = positionOf(api, 'new Error(`expected');
    const caller = positionOf(TS_APP, 'requireStatus(http.get');
    const libStack = script.mapStack(runInNode(script.bundleUrl, 'failingInLib'));
    expect(libStack).toContain(`ts-app/lib/api.ts:${inLib.line}:${inLib.column}`);
    expect(libStack).toContain(`ts-app/script.ts:${caller.line}:${caller.column}`);
  });

  it('resolves open()-style paths relative to the calling file', async () => {
    const script = await load(TS_APP);
    const raw = runInNode(script.bundleUrl, 'callerStack');
    expect(raw).toContain(script.bundleUrl);
    // Under a source-map-aware runner (here: Vitest) frames already name the original files.
    const module = (await instantiateModule(await import(script.bundleUrl))) as Record<
      string,
      () => unknown
    >;
    const mappedByNode = module.callerStack?.() as string;
    expect(mappedByNode).toContain(join(FIXTURES, 'ts-app/lib/api.ts'));
    expect(script.resolvePath('./users.json', raw)).toBe(join(FIXTURES, 'ts-app/lib/users.json'));
    expect(script.resolvePath('./users.json', mappedByNode)).toBe(
      join(FIXTURES, 'ts-app/lib/users.json'),
    );
    expect(script.resolvePath('./users.json')).toBe(join(FIXTURES, 'ts-app/users.json'));
    // A worker thread rebuilds the same resolver from the script folder and the bundle URL.
    const inWorker = loadScriptPathResolver(join(FIXTURES, 'ts-app'), script.bundleUrl);
    expect(inWorker('./users.json', raw)).toBe(join(FIXTURES, 'ts-app/lib/users.json'));
    expect(inWorker('data/x.csv')).toBe(join(FIXTURES, 'ts-app/data/x.csv'));
    expect(script.resolvePath('/etc/hosts')).toBe('/etc/hosts');
  });

  it('reports a syntax error with file:line:col and a code frame (exit 107)', async () => {
    const file = materialize('invalid/syntax-error.ts.txt', 'syntax-error.ts');
    const error = await loadError(file);
    expect(error.code).toBe('E_SCRIPT_SYNTAX');
    expect(error.exitCode).toBe(107);
    expect(error.position).toEqual({ file, line: 9, column: 26 });
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toContain('syntax-error.ts:9:26  Expected ")" but found "{"');
    expect(error.problems[0]).toContain('>  9 |   if (res.status !== 200 {');
    expect(error.problems[0]).toMatch(/\| {26}\^/);
  });

  it('refuses a remote import it cannot fetch, naming the URL, the place, the cause and what to do', async () => {
    const file = join(FIXTURES, 'invalid/jslib-import.js');
    const error = await loadError(file);
    expect(error.code).toBe('E_SCRIPT_IMPORT');
    expect(error.exitCode).toBe(107);
    expect(error.position).toMatchObject({ file, line: 3, column: 30 });
    expect(error.problems[0]).toContain(
      'jslib-import.js:3:30  cannot import the remote module "https://127.0.0.1:1/k6-utils/1.4.0/index.js": connect ECONNREFUSED',
    );
    expect(error.hint).toBe(
      "check the URL and the network; without network, map it to a folder or an internal server with --module-mirror https://127.0.0.1:1/=./vendor/ (or REDLINE_MODULE_MIRROR), or download the file next to your script and import it relatively (import ... from './index.js')",
    );
  });

  it('refuses unsupported k6 modules, listing every one and what is supported', async () => {
    const error = await loadError(join(FIXTURES, 'invalid/unsupported-module.js'));
    expect(error.code).toBe('E_SCRIPT_IMPORT');
    expect(error.problems).toHaveLength(2);
    expect(error.problems[0]).toContain(
      'unsupported-module.js:2:25  module "k6/browser" is not supported by Redline (supported: k6, k6/http, k6/metrics)',
    );
    expect(error.problems[1]).toContain(
      'unsupported-module.js:3:17  module "k6/x/sql" is a k6 extension (xk6, written in Go)',
    );
  });

  it('names a missing npm package and a missing local file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'redline-loader-'));
    temps.push(dir);
    const file = join(dir, 'missing.js');
    writeFileSync(
      file,
      "import pad from 'left-pad-not-installed';\nimport { x } from './nope.js';\nexport default () => pad(x);\n",
    );
    const error = await loadError(file);
    expect(error.problems[0]).toContain(
      'missing.js:1:17  cannot find the npm package "left-pad-not-installed": run "npm install left-pad-not-installed"',
    );
    expect(error.problems[1]).toContain('missing.js:2:19  cannot find the file "./nope.js"');
  });

  it('reports what the k6 transform cannot support at the original TypeScript line', async () => {
    const file = join(FIXTURES, 'invalid/blocking-getter.ts');
    const error = await loadError(file);
    expect(error.code).toBe('E_K6_TRANSFORM_UNSUPPORTED');
    expect(error.exitCode).toBe(107);
    const getter = positionOf(file, 'http.post(`$' + '{this.base}');
    const sort = positionOf(file, '(a, b) => http.get(a)');
    expect(error.problems).toHaveLength(2);
    expect(error.problems[0]).toContain(
      `blocking-getter.ts:${getter.line}:${getter.column}  the blocking call http.post() is inside the getter "token"`,
    );
    expect(error.problems[1]).toContain(
      `blocking-getter.ts:${sort.line}:${sort.column}  "arrow function" makes blocking calls`,
    );
    expect(error.problems[0]).toContain('return http.post(`$' + '{this.base}/login`)');
  });

  it('rejects a missing file and an unknown extension', async () => {
    await expect(loadScript(join(FIXTURES, 'nope.ts'), { modules: {} })).rejects.toMatchObject({
      code: 'E_SCRIPT_NOT_FOUND',
      exitCode: 66,
    });
    await expect(
      loadScript(join(FIXTURES, 'ts-app/lib/users.json'), { modules: {} }),
    ).rejects.toMatchObject({
      code: 'E_SCRIPT_EXTENSION',
    });
  });

  it('bundles a CommonJS npm package that requires Node built-ins, and node: imports', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'redline-loader-'));
    temps.push(dir);
    const file = join(dir, 'cjs.mjs');
    writeFileSync(
      file,
      "import { createHash } from 'node:crypto';\nexport default () => createHash('sha1').update('x').digest('hex');\n",
    );
    const native = await load(file);
    const hash = (await instantiateModule(await import(native.bundleUrl))) as {
      default: () => string;
    };
    expect(hash.default()).toBe('11f6ad8ec52a2984abaafd7c3b516503785c2072');
    // npm packages resolve from the script's folder upwards: this fixture finds the repo's commander.
    const script = await load(join(FIXTURES, 'cjs-package/script.js'));
    expect(runInNode(script.bundleUrl, 'default')).toBe('redline-fixture 1.2.3');
  });

  it('leaves native (non-k6) scripts untransformed and removes its temp folder on dispose', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'redline-loader-'));
    temps.push(dir);
    const file = join(dir, 'native.mjs');
    writeFileSync(file, 'export default async function () { return 42; }\n');
    const script = await loadScript(file, { modules: TEST_K6_MODULES });
    expect(script.isK6Style).toBe(false);
    expect(script.transform).toBeUndefined();
    const module = (await instantiateModule(await import(script.bundleUrl))) as {
      default: () => Promise<number>;
    };
    await expect(module.default()).resolves.toBe(42);
    await script.dispose();
    expect(() => readFileSync(script.bundlePath)).toThrow();
  });
});
