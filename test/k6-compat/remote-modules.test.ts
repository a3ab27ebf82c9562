/**
 * Remote modules: `import … from 'https://…'` (and their relative imports) fetched once from a
 * local HTTPS server with a self-signed certificate made here, cached on disk by URL and content
 * hash, served from the cache when the network fails or is off, from a mirror (folder or URL),
 * and jslib's common modules served natively offline.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { remoteModulesFromFlags } from '../../src/cli/script-flags.js';
import { isRedlineError } from '../../src/errors/redline-error.js';
import { runScriptTest } from '../../src/engine/script-run/run-script.js';
import { instantiateModule, loadScript } from '../../src/script/loader/index.js';
import { scriptModuleMap } from '../../src/script/modules/module-map.js';
import { type K6Server, startK6Server } from './helpers/k6-server.js';
import { selfSignedCertificate } from '../helpers/certificates.js';
import { runCli } from './helpers/run-corpus.js';

const FILES: Record<string, string> = {
  '/lib/index.js': `import { double } from './math.js';
import { greet } from '../shared/greet.js';
export function compute(n) { return double(n) + 1; }
export { greet };
`,
  '/lib/math.js': `import { greet } from '../shared/greet.js';
export const double = (n) => n * 2;
export const hello = greet;
`,
  '/shared/greet.js': `export function greet(name) { return 'hello ' + name; }
`,
};

let dir: string;
let ca: Buffer;
let server: Server;
let base: string;
const hits = new Map<string, number>();
const sockets = new Set<Socket>();
let k6: K6Server;

async function startServer(): Promise<void> {
  const { key, cert } = selfSignedCertificate({ altName: 'IP:127.0.0.1,DNS:localhost' });
  ca = cert;
  server = createServer({ key, cert }, (req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const body = FILES[path];
    if (body === undefined) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/javascript' }).end(body);
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  base = `https://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
}

async function stopServer(): Promise<void> {
  for (const s of sockets) s.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

function script(name: string, code: string): string {
  const path = join(dir, name);
  writeFileSync(path, code);
  return path;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'redline-remote-'));
  await startServer();
  k6 = await startK6Server();
});
afterAll(async () => {
  await stopServer().catch(() => {});
  await k6.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('remote modules', () => {
  it('fetches an https module and its relative imports once, caches them by URL and hash, and runs', async () => {
    const cacheDir = join(dir, 'cache-1');
    const path = script(
      'remote.js',
      `import { check } from 'k6';
import http from 'k6/http';
import { compute, greet } from '${base}/lib/index.js';
import { hello } from '${base}/lib/math.js';
export const options = { iterations: 2 };
export default function () {
  http.get(__ENV.BASE_URL + '/ok');
  check(null, { 'remote code runs': () => compute(20) === 41 && greet('vu') === 'hello vu' && hello('x') === 'hello x' });
}
`,
    );
    hits.clear();
    const run = await runScriptTest({
      scriptPath: path,
      cli: { env: [`BASE_URL=${k6.url}`] },
      remoteModules: { ca, cacheDir },
    });
    expect(run.result.checks.find((c) => c.name === 'remote code runs')).toMatchObject({ passes: 2, fails: 0 });
    expect(Object.fromEntries(hits)).toEqual({ '/lib/index.js': 1, '/lib/math.js': 1, '/shared/greet.js': 1 });
    expect(readdirSync(join(cacheDir, 'index'))).toHaveLength(3);
    const blobs = readdirSync(join(cacheDir, 'blobs'));
    expect(blobs).toHaveLength(3);
    for (const blob of blobs) {
      const { createHash } = await import('node:crypto');
      const text = readFileSync(join(cacheDir, 'blobs', blob), 'utf8');
      expect(`${createHash('sha256').update(text).digest('hex')}.js`).toBe(blob);
    }
  });

  it('serves from the cache when the network fails, and offline; refuses an uncached module offline', async () => {
    const cacheDir = join(dir, 'cache-2');
    const code = `import { compute } from '${base}/lib/index.js';
export default function () { return compute(1); }
`;
    const path = script('cached.js', code);
    const first = await loadScript(path, { modules: scriptModuleMap(), remoteModules: { ca, cacheDir } });
    expect(first.remoteModules.map((m) => m.from)).toEqual(['network', 'network', 'network']);
    await first.dispose();

    // Offline with a cache: no request at all.
    hits.clear();
    const offline = await loadScript(path, {
      modules: scriptModuleMap(),
      remoteModules: { ca, cacheDir, fetch: false },
    });
    expect(hits.size).toBe(0);
    expect(offline.remoteModules.map((m) => m.from)).toEqual(['cache', 'cache', 'cache']);
    const mod = (await instantiateModule(await import(offline.bundleUrl))) as { default: () => number };
    expect(mod.default()).toBe(3);
    await offline.dispose();

    // Offline without a cache: a located error that says why and what to do.
    const error = await loadScript(path, {
      modules: scriptModuleMap(),
      remoteModules: { ca, cacheDir: join(dir, 'empty-cache'), fetch: false },
    }).catch((e: unknown) => e);
    expect(isRedlineError(error)).toBe(true);
    if (!isRedlineError(error)) return;
    expect(error.code).toBe('E_SCRIPT_IMPORT');
    expect(error.exitCode).toBe(107);
    expect(error.position).toMatchObject({ file: path, line: 1 });
    expect(error.problems[0]).toContain('remote modules are off');
    expect(error.hint).toContain('--module-mirror');

    // The server is gone: the cached copy serves, with a warning.
    await stopServer();
    const warnings: string[] = [];
    const fallback = await loadScript(path, {
      modules: scriptModuleMap(),
      remoteModules: { ca, cacheDir, timeoutMs: 2000, onWarning: (w) => warnings.push(w) },
    });
    expect(fallback.remoteModules.map((m) => m.from)).toEqual(['cache', 'cache', 'cache']);
    expect(warnings).toHaveLength(3);
    expect(warnings[0]).toMatch(/using the cached copy/);
    await fallback.dispose();
    // ... and without a cache the network error is the message.
    const unreachable = await loadScript(path, {
      modules: scriptModuleMap(),
      remoteModules: { ca, cacheDir: join(dir, 'empty-cache'), timeoutMs: 2000 },
    }).catch((e: unknown) => e);
    expect(isRedlineError(unreachable) && unreachable.problems[0]).toMatch(/ECONNREFUSED/);
    await startServer();
  });

  it('reads modules from a mirror folder or a mirror URL (air-gapped CI)', async () => {
    const folder = join(dir, 'vendor');
    mkdirSync(join(folder, 'lib'), { recursive: true });
    mkdirSync(join(folder, 'shared'), { recursive: true });
    for (const [file, text] of Object.entries(FILES)) writeFileSync(join(folder, file), text.replace('+ 1', '+ 2'));
    const path = script(
      'mirrored.js',
      `import { compute } from 'https://modules.example.test/lib/index.js';
export default function () { return compute(1); }
`,
    );
    hits.clear();
    const viaFolder = await loadScript(path, {
      modules: scriptModuleMap(),
      remoteModules: {
        fetch: false,
        cacheDir: join(dir, 'empty-cache'),
        mirrors: remoteModulesFromFlags(
          { moduleMirror: [`https://modules.example.test/=${folder}`] },
          {},
        ).mirrors!,
      },
    });
    expect(viaFolder.remoteModules.map((m) => m.from)).toEqual(['mirror', 'mirror', 'mirror']);
    const mod = (await instantiateModule(await import(viaFolder.bundleUrl))) as { default: () => number };
    expect(mod.default()).toBe(4);
    await viaFolder.dispose();

    const viaUrl = await loadScript(path, {
      modules: scriptModuleMap(),
      remoteModules: {
        ca,
        cacheDir: join(dir, 'empty-cache'),
        ...remoteModulesFromFlags({}, { REDLINE_MODULE_MIRROR: `https://modules.example.test/=${base}/` }),
      },
    });
    expect(Object.fromEntries(hits)).toEqual({ '/lib/index.js': 1, '/lib/math.js': 1, '/shared/greet.js': 1 });
    const fromUrl = (await instantiateModule(await import(viaUrl.bundleUrl))) as { default: () => number };
    expect(fromUrl.default()).toBe(3);
    await viaUrl.dispose();

    // A mirror folder without the file: the error names the file it looked for.
    const missing = script('missing.js', `import x from 'https://modules.example.test/nope.js';\nexport default () => x;\n`);
    const error = await loadScript(missing, {
      modules: scriptModuleMap(),
      remoteModules: { mirrors: [{ prefix: 'https://modules.example.test/', target: folder }] },
    }).catch((e: unknown) => e);
    expect(isRedlineError(error) && error.problems[0]).toContain(join(folder, 'nope.js'));
    expect(() => remoteModulesFromFlags({ moduleMirror: ['jslib.k6.io'] }, {})).toThrow(/invalid module mirror/);
    expect(remoteModulesFromFlags({ remoteModules: false }, {}).fetch).toBe(false);
    expect(remoteModulesFromFlags({}, { REDLINE_NO_REMOTE_MODULES: '1' }).fetch).toBe(false);
  });

  it("a k6chaijs-style describe(() => http…) in a remote ESM module (not jslib's URL) passes the k6 transform", async () => {
    const folder = join(dir, 'chai-vendor');
    mkdirSync(join(folder, 'k6chaijs', '4.3.4.3'), { recursive: true });
    writeFileSync(
      join(folder, 'k6chaijs', '4.3.4.3', 'index.js'),
      `import { group } from 'k6';
export function describe(name, fn) {
  let ok = true;
  group(name, () => { try { fn(); } catch (e) { ok = false; } });
  return ok;
}
export function expect(value) {
  return { to: { equal(x) { if (value !== x) throw new Error('expected ' + value + ' to equal ' + x); } } };
}
`,
    );
    const path = script(
      'chai.js',
      `import http from 'k6/http';
import { check } from 'k6';
import { describe, expect } from 'https://modules.example.test/k6chaijs/4.3.4.3/index.js';
export const options = { iterations: 2 };
export default function () {
  const ok = describe('fetch', () => {
    const res = http.get(__ENV.BASE_URL + '/ok');
    expect(res.status).to.equal(200);
  });
  check(ok, { 'describe passed': (v) => v === true });
}
`,
    );
    const run = await runScriptTest({
      scriptPath: path,
      cli: { env: [`BASE_URL=${k6.url}`] },
      remoteModules: { fetch: false, mirrors: [{ prefix: 'https://modules.example.test/', target: folder }] },
    });
    expect(run.result.checks.find((c) => c.name === 'describe passed')).toMatchObject({ passes: 2, fails: 0 });
    expect(run.totals.summarize('http_reqs', { group: '::fetch' })?.sum).toBe(2);
  });

  it("k6-utils' stage helpers tag by the scenario's current stage", async () => {
    const path = script(
      'stages.js',
      `import http from 'k6/http';
import { check, sleep } from 'k6';
import { getCurrentStageIndex, tagWithCurrentStageIndex, tagWithCurrentStageProfile } from 'https://jslib.k6.io/k6-utils/1.4.0/index.js';
export const options = {
  scenarios: {
    ramp: { executor: 'ramping-vus', startVUs: 1, stages: [{ duration: '1s', target: 2 }, { duration: '1s', target: 2 }], gracefulRampDown: '0s' },
    flat: { executor: 'per-vu-iterations', vus: 1, iterations: 1, exec: 'flat' },
  },
};
export default function () {
  tagWithCurrentStageIndex();
  tagWithCurrentStageProfile();
  http.get(__ENV.BASE_URL + '/ok');
  check(getCurrentStageIndex(), { 'index in range': (i) => i === 0 || i === 1 });
  sleep(0.1);
}
export function flat() {
  let message = '';
  try { getCurrentStageIndex(); } catch (e) { message = e.message; }
  check(message, { 'no stages outside ramping executors': (m) => m.includes('has no stages') });
}
`,
    );
    const run = await runScriptTest({
      scriptPath: path,
      cli: { env: [`BASE_URL=${k6.url}`] },
      remoteModules: { fetch: false, cacheDir: join(dir, 'empty-cache') },
    });
    const count = (tags: Record<string, string>) => run.totals.summarize('http_reqs', tags)?.sum ?? 0;
    const all = count({ scenario: 'ramp' });
    expect(all).toBeGreaterThan(0);
    expect(count({ scenario: 'ramp', stage: '0' }) + count({ scenario: 'ramp', stage: '1' })).toBe(all);
    expect(count({ stage: '0', stage_profile: 'ramp-up' })).toBe(count({ stage: '0' }));
    expect(count({ stage: '1', stage_profile: 'steady' })).toBe(count({ stage: '1' }));
    expect(run.result.checks.find((c) => c.name === 'index in range')?.fails).toBe(0);
    expect(run.result.checks.find((c) => c.name === 'no stages outside ramping executors')).toMatchObject({
      passes: 1,
      fails: 0,
    });
  });

  it("serves jslib's k6-utils, k6-summary and papaparse natively, offline", async () => {
    const path = script(
      'jslib.js',
      `import { check } from 'k6';
import { randomIntBetween, randomItem, randomString, uuidv4, findBetween, check as asyncCheck } from 'https://jslib.k6.io/k6-utils/1.4.0/index.js';
import { textSummary, jUnit } from 'https://jslib.k6.io/k6-summary/0.0.2/index.js';
import papaparse from 'https://jslib.k6.io/papaparse/5.1.1/index.js';
const rows = papaparse.parse('id,name\\n1,ann\\n2,bob', { header: true }).data;
export const options = { iterations: 3, thresholds: { checks: ['rate==1'] } };
export default async function () {
  const passed = await asyncCheck(Promise.resolve(2), {
    'async value': (v) => v === 2,
    'async predicate': async (v) => v > 1,
    'plain boolean': true,
  });
  check(passed, { 'async check resolved true': (p) => p === true });
  check(null, {
    'k6-utils': () => {
      const n = randomIntBetween(3, 5);
      return n >= 3 && n <= 5 && Number.isInteger(n) && ['a', 'b'].includes(randomItem(['a', 'b'])) &&
        /^[xy]{8}$/.test(randomString(8, 'xy')) && /^[a-z]{4}$/.test(randomString(4)) &&
        /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(uuidv4()) &&
        findBetween('<b>1</b><b>2</b>', '<b>', '</b>') === '1' &&
        findBetween('<b>1</b><b>2</b>', '<b>', '</b>', true).join() === '1,2' &&
        findBetween('none', '<b>', '</b>') === '';
    },
    'papaparse': () => rows.length === 2 && rows[1].name === 'bob',
  });
}
export function handleSummary(data) {
  return { stdout: textSummary(data, { indent: ' ', enableColors: false }), 'junit.xml': jUnit(data) };
}
`,
    );
    const run = await runScriptTest({
      scriptPath: path,
      remoteModules: { fetch: false, cacheDir: join(dir, 'empty-cache') },
    });
    expect(run.result.checks.map((c) => [c.name, c.passes, c.fails]).sort()).toEqual([
      ['async check resolved true', 3, 0],
      ['async predicate', 3, 0],
      ['async value', 3, 0],
      ['k6-utils', 3, 0],
      ['papaparse', 3, 0],
      ['plain boolean', 3, 0],
    ]);
    const text = String(run.summaryOutputs?.['stdout']);
    expect(text).toContain('✓ k6-utils');
    expect(text).toMatch(/✓ checks\.+: 100% ✓ 18 ✗ 0/);
    expect(text).toMatch(/iterations\.+: 3 /);
    const missing = script(
      'jslib-missing.js',
      `import { parseDuration } from 'https://jslib.k6.io/k6-utils/1.5.0/index.js';
export default function () { parseDuration('1s'); }
`,
    );
    // Through the CLI: under Node a missing export is a link error (Vitest's loader differs).
    const refused = await runCli(['run', missing, '-q', '--no-remote-modules']);
    expect(refused.code).toBe(107);
    expect(refused.stderr).toContain(
      '"parseDuration" is not exported by "https://jslib.k6.io/k6-utils/1.5.0/index.js" (Redline\'s native k6-utils)',
    );
    expect(refused.stderr).toContain(`${missing}:1:10`);
    const junit = String(run.summaryOutputs?.['junit.xml']);
    expect(junit).toContain('<testsuites tests="1" failures="0">');
    expect(junit).toContain('name="checks - rate==1"');
  });
});
