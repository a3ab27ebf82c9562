import { parse } from 'acorn';
import { describe, expect, it } from 'vitest';
import { transformForTest } from './__fixtures__/support.js';

function transformOk(source: string) {
  const result = transformForTest(source);
  expect(result.issues).toEqual([]);
  // The output is valid ESM.
  parse(result.code, { ecmaVersion: 'latest', sourceType: 'module' });
  return result;
}

/** The transformed code without the import lines (which hold machine-specific URLs). */
function body(code: string): string {
  return code
    .split('\n')
    .filter((l) => !l.startsWith('import '))
    .join('\n')
    .trim();
}

describe('k6 transform: what becomes async', () => {
  it('accepts blocking handlers given to k6 event sources, and still refuses them elsewhere', () => {
    const ok = transformOk(`
import ws from 'k6/ws';
import http from 'k6/http';
import { WebSocket } from 'k6/websockets';
import { Client, Stream } from 'k6/net/grpc';
const client = new Client();
export default function () {
  ws.connect('ws://x', {}, function (socket) {
    socket.on('open', () => http.get('http://a'));
    socket.setTimeout(() => http.get('http://b'), 10);
  });
  const browser = new WebSocket('ws://x');
  browser.addEventListener('message', () => http.get('http://c'));
  const stream = new Stream(client, 'svc/M');
  stream.on('data', () => http.get('http://d'));
}
`);
    expect(ok.awaitedCalls).toBe(5); // the four handlers' requests and ws.connect()
    const refused = transformForTest(`
import http from 'k6/http';
import ws from 'k6/ws';
const emitter = { on() {} };
export default function () {
  emitter.on('x', () => http.get('http://a'));
  ws.connect('ws://x', {}, function (socket, other) {
    other.on('open', () => http.get('http://b'));
  });
}
`);
    expect(refused.issues.map((i) => i.message)).toEqual([
      expect.stringContaining('passed as a callback to emitter.on()'),
      expect.stringContaining('passed as a callback to other.on()'),
    ]);
  });

  it('awaits the blocking methods of k6 instances (grpc.Client connect/invoke), not their other methods', () => {
    const { code, awaitedCalls } = transformOk(`
import grpc from 'k6/net/grpc';
import { Client } from 'k6/net/grpc';
const client = new grpc.Client();
const other = new Client();
client.load(['defs'], 'hello.proto');
export default function () {
  client.connect('127.0.0.1:1', { plaintext: true });
  const r = client.invoke('hello.Greeter/SayHello', { name: 'x' });
  other.invoke('hello.Greeter/SayHello', {}).status;
  client.close();
  return r;
}
`);
    expect(body(code)).toContain(`await client.connect('127.0.0.1:1', { plaintext: true });`);
    expect(body(code)).toContain(
      `const r = await client.invoke('hello.Greeter/SayHello', { name: 'x' });`,
    );
    expect(body(code)).toContain(`(await other.invoke('hello.Greeter/SayHello', {})).status;`);
    expect(body(code)).toContain(`  client.close();`);
    expect(body(code)).toContain(`client.load(['defs'], 'hello.proto');`);
    expect(awaitedCalls).toBe(3);
  });

  it('awaits blocking calls and makes the functions that (transitively) make them async', () => {
    const { code, asyncFunctions, awaitedCalls } = transformOk(`
import http from 'k6/http';
import { sleep, check } from 'k6';
function payload(n) { return JSON.stringify({ n }); }
function login(n) { return http.post('http://127.0.0.1/login', payload(n)); }
function flow() { const r = login(1); check(r, { ok: (x) => x.status === 200 }); sleep(1); return r.json('token'); }
export default function () { return flow(); }
`);
    expect(body(code)).toBe(`function payload(n) { return JSON.stringify({ n }); }
async function login(n) { return await http.post('http://127.0.0.1/login', payload(n)); }
async function flow() { const r = await login(1); check(r, { ok: (x) => x.status === 200 }); await sleep(1); return r.json('token'); }
export default async function () { return await flow(); }`);
    expect(asyncFunctions.map((f) => f.name).sort()).toEqual([
      'anonymous function',
      'flow',
      'login',
    ]);
    expect(awaitedCalls).toBe(4);
  });

  it('leaves a module without blocking calls unchanged', () => {
    const source = `import { check } from 'k6';\nexport default function () { check(1, { one: (v) => v === 1 }); }\n`;
    const result = transformForTest(source);
    expect(result.changed).toBe(false);
    expect(result.edits).toEqual([]);
  });

  it('wraps a blocking call whose result is used directly: (await http.get()).json()', () => {
    const { code } = transformOk(`
import http from 'k6/http';
export default function () { return http.get('http://127.0.0.1/a').json('id') + http.get('http://127.0.0.1/b')?.status ** 2; }
`);
    expect(body(code)).toBe(
      `export default async function () { return (await http.get('http://127.0.0.1/a')).json('id') + (await http.get('http://127.0.0.1/b'))?.status ** 2; }`,
    );
  });

  it('follows every import form and alias of k6/http and k6', () => {
    const { code } = transformOk(`
import { get as fetchIt, batch } from 'k6/http';
import * as h from 'k6/http';
import k6 from 'k6';
const { post } = h;
const put = h.put;
export function a() { fetchIt('u'); }
export function b() { h.del('u'); batch(['u']); }
export function c() { post('u'); put('u'); k6.sleep(1); }
export function d() { h.asyncRequest('GET', 'u'); h.url; }
`);
    expect(body(code)).toContain(`const { post } = h;
const put = h.put;
export async function a() { await fetchIt('u'); }
export async function b() { await h.del('u'); await batch(['u']); }
export async function c() { await post('u'); await put('u'); await k6.sleep(1); }
export function d() { h.asyncRequest('GET', 'u'); h.url; }`);
  });

  it('respects shadowing: a local named like a k6 import is not k6', () => {
    const { code } = transformOk(`
import http from 'k6/http';
import { sleep } from 'k6';
function local(http, sleep) { http.get('x'); sleep(1); }
export default function () { http.get('u'); local({ get() {} }, () => {}); }
`);
    expect(body(code)).toContain("function local(http, sleep) { http.get('x'); sleep(1); }");
    expect(body(code)).toContain("export default async function () { await http.get('u');");
  });

  it('makes nested group bodies async and awaits the groups', () => {
    const { code } = transformOk(`
import http from 'k6/http';
import { group, sleep } from 'k6';
export default function () {
  group('outer', () => {
    group('inner', function () { http.get('u'); });
    group('pure', () => 1);
  });
  sleep(1);
}
`);
    expect(body(code)).toBe(`export default async function () {
  await group('outer', async () => {
    await group('inner', async function () { await http.get('u'); });
    group('pure', () => 1);
  });
  await sleep(1);
}`);
  });

  it('handles methods of object literals and classes, this-calls and static methods', () => {
    const { code } = transformOk(`
import http from 'k6/http';
const api = { login(u) { return http.post(u); }, name: 'api' };
class Client {
  static ping() { return http.head('/'); }
  get base() { return '/b'; }
  items() { return http.get(this.base); }
  both() { this.items(); return Client.ping(); }
  field = () => http.options('/');
}
export default function () { api.login('u'); const c = new Client(); c.both(); c.field(); }
`);
    expect(
      body(code),
    ).toBe(`const api = { async login(u) { return await http.post(u); }, name: 'api' };
class Client {
  static async ping() { return await http.head('/'); }
  get base() { return '/b'; }
  async items() { return await http.get(this.base); }
  async both() { await this.items(); return await Client.ping(); }
  field = async () => await http.options('/');
}
export default async function () { await api.login('u'); const c = new Client(); await c.both(); await c.field(); }`);
  });

  it('follows callbacks passed to local higher-order functions', () => {
    const { code } = transformOk(`
import http from 'k6/http';
function retry(fn, times = 3) { for (let i = 0; i < times; i++) { const r = fn(i); if (r.status === 200) return r; } return null; }
function twice(f) { return retry(f, 2); }
export default function () { retry(() => http.get('u')); twice((i) => http.get('v' + i)); retry(() => 1); }
`);
    expect(body(code)).toContain(
      'async function retry(fn, times = 3) { for (let i = 0; i < times; i++) { const r = await fn(i);',
    );
    expect(body(code)).toContain('async function twice(f) { return await retry(f, 2); }');
    expect(body(code)).toContain(
      "export default async function () { await retry(async () => await http.get('u')); await twice(async (i) => await http.get('v' + i)); await retry(() => 1); }",
    );
  });
});

describe('k6 transform: precision', () => {
  it('leaves functions the user wrote as async to their callers, awaiting only inside them', () => {
    const { code } = transformOk(`
import http from 'k6/http';
async function fetchBoth() { const a = http.get('a'); return [a, await http.asyncRequest('GET', 'b')]; }
export default async function () { const jobs = [fetchBoth(), fetchBoth()]; return Promise.all(jobs); }
async function* pages() { yield http.get('p'); }
export const run = () => pages();
`);
    expect(
      body(code),
    ).toBe(`async function fetchBoth() { const a = await http.get('a'); return [a, await http.asyncRequest('GET', 'b')]; }
export default async function () { const jobs = [fetchBoth(), fetchBoth()]; return Promise.all(jobs); }
async function* pages() { yield await http.get('p'); }
export const run = () => pages();`);
  });

  it('resolves method calls by what the receiver holds, not only by name', () => {
    const { code } = transformOk(`
import http from 'k6/http';
class Api { get(path) { return http.get('http://127.0.0.1' + path); } static ping() { return http.head('/'); } }
class Admin extends Api {}
const api = new Admin();
const cache = new Map();
const list = [1, 2];
export default function () {
  const res = api.get('/a');
  cache.get('k');
  list.find((x) => x === 1);
  res.json('id');
  Api.ping();
  helper(api);
}
function helper(client) { return client.get('/b'); }
`);
    expect(body(code)).toContain(`export default async function () {
  const res = await api.get('/a');
  cache.get('k');
  list.find((x) => x === 1);
  res.json('id');
  await Api.ping();
  await helper(api);
}
async function helper(client) { return await client.get('/b'); }`);
  });
});

describe('k6 transform: dynamic dispatch over an object of steps', () => {
  it('awaits obj[key]() when the object literal holds blocking functions', () => {
    const { code } = transformOk(`
import http from 'k6/http';
const steps = { home: () => http.get('/'), about() { return http.get('/about'); }, label: 'x' };
export default function () { for (const key of ['home', 'about']) steps[key](); }
`);
    expect(body(code)).toContain(
      "export default async function () { for (const key of ['home', 'about']) await steps[key](); }",
    );
  });
});

describe('k6 transform: functions in arrays and check() predicates that block', () => {
  const H = "import http from 'k6/http';\nimport { check, group } from 'k6';\n";

  it.each([
    [
      'the random-flow pattern: flows[i]()',
      'function a() { http.get("a"); }\nfunction b() { http.get("b"); }\nconst flows = [a, b];\nexport default function () { flows[Math.floor(Math.random() * 2)](); }',
      'export default async function () { await flows[Math.floor(Math.random() * 2)](); }',
    ],
    [
      'for...of over an array of functions',
      'function a() { http.get("a"); }\nconst steps = [a];\nexport default function () { for (const s of steps) s(); }',
      'export default async function () { for (const s of steps) await s(); }',
    ],
    [
      'an element kept in a variable',
      'function a() { http.get("a"); }\nconst flows = [a];\nexport default function () { const f = flows[0]; f(); }',
      'export default async function () { const f = flows[0]; await f(); }',
    ],
    [
      'objects in an array: flows[i].run()',
      'function a() { http.get("a"); }\nconst flows = [{ name: "x", run: a }, { name: "y", run: () => http.get("y") }];\nexport default function () { flows[0].run(); const fl = flows[1]; fl.run(); }',
      'export default async function () { await flows[0].run(); const fl = flows[1]; await fl.run(); }',
    ],
    [
      'a picker of your own: pick(flows)() and const f = pick(flows)',
      'function a() { http.get("a"); }\nconst flows = [a];\nfunction pick(l) { return l[Math.floor(Math.random() * l.length)]; }\nexport default function () { pick(flows)(); const f = pick(flows); f(); }',
      'export default async function () { await pick(flows)(); const f = pick(flows); await f(); }',
    ],
    [
      "a picker Redline cannot see into (jslib's randomItem(flows)())",
      'function a() { http.get("a"); }\nconst flows = [a];\nexport default function () { randomItem(flows)(); }',
      'export default async function () { await randomItem(flows)(); }',
    ],
    [
      'a request inside a check() predicate',
      'export default function () { check(1, { "remote ok": () => http.get("u").status === 200, sync: () => true }); }',
      'export default async function () { await check(1, { "remote ok": async () => (await http.get("u")).status === 200, sync: () => true }); }',
    ],
    [
      'a check set held by a const',
      'const checks = { "remote ok": () => http.get("u").status === 200 };\nexport default function () { check(1, checks); }',
      'export default async function () { await check(1, checks); }',
    ],
    [
      "k6chaijs' describe(name, fn) around group() with try/catch",
      'function describe(name, fn) { return group(name, () => { try { fn(); return true; } catch (e) { return false; } }); }\nexport default function () { describe("x", () => { http.get("u"); }); }',
      'export default async function () { await describe("x", async () => { await http.get("u"); }); }',
    ],
    [
      "native k6chaijs' describe(name, fn), awaited like group() (a sync one stays sync)",
      'import { describe as d, expect } from "jslib/k6chaijs";\nexport default function () { const ok = d("x", () => { expect(http.get("u").status).to.equal(200); }); d("y", () => { expect(1).to.equal(1); }); }',
      'export default async function () { const ok = await d("x", async () => { expect((await http.get("u")).status).to.equal(200); }); d("y", () => { expect(1).to.equal(1); }); }',
    ],
  ])('%s', (_name, source, lastLine) => {
    const { code } = transformOk(H + source);
    expect(body(code).split('\n').at(-1)).toBe(lastLine);
  });
});
