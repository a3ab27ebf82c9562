import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'acorn';
import { describe, expect, it } from 'vitest';
import { runTransformed, transformForTest } from './__fixtures__/support.js';

const SEED = resolve(import.meta.dirname, '../../../test/script/fixtures/seed/seed-k6.js.txt');

function transformOk(source: string) {
  const result = transformForTest(source);
  expect(result.issues).toEqual([]);
  parse(result.code, { ecmaVersion: 'latest', sourceType: 'module' });
  return result;
}

describe('k6 transform: transformed scripts run with k6 semantics', () => {
  // The founding brief's k6 script [ref: load-test-plan].
  it("the founding brief's k6 script becomes valid async code that runs its flow in order", async () => {
    const source = readFileSync(SEED, 'utf8').replaceAll(
      'https://api.example.com',
      'http://127.0.0.1:9',
    );
    const { code, asyncFunctions, awaitedCalls } = transformOk(source);
    expect(asyncFunctions.map((f) => f.name)).toEqual(['anonymous function']);
    expect(awaitedCalls).toBe(6);
    expect(code).toContain("const loginRes = await http.post('http://127.0.0.1:9/auth/login', {");
    expect(code).toContain('await sleep(1);');
    expect(code).toContain('export default async function () {');
    const { log } = await runTransformed(code);
    expect(log).toEqual([
      'POST http://127.0.0.1:9/auth/login',
      'check login status is 200 ok',
      'check login time < 300ms ok',
      'sleep 1',
      'GET http://127.0.0.1:9/users/me',
      'check user fetch status is 200 ok',
      'check user fetch time < 200ms ok',
      'sleep 2',
      'GET http://127.0.0.1:9/items?limit=20',
      'check items fetch status is 200 ok',
      'check items fetch time < 300ms ok',
      'sleep 3',
    ]);
  });

  it('rewrites forEach with a blocking body into a sequential awaited loop', async () => {
    const { code } = transformOk(`
import http from 'k6/http';
export default function () {
  const seen = [];
  ['a', 'b', 'c'].forEach((u, i) => { seen.push(i); http.get(u); });
  new Map([['k', 'm']]).forEach((value, key) => http.get(key + value));
  return seen;
}
`);
    expect(code).toContain(
      `await __redline$iterate("forEach", ['a', 'b', 'c'], async (u, i) => { seen.push(i); await http.get(u); });`,
    );
    const { result, log } = await runTransformed(code);
    expect(result).toEqual([0, 1, 2]);
    expect(log).toEqual(['GET a', 'GET b', 'GET c', 'GET km']);
  });

  it('map, filter, some, find and flatMap with blocking callbacks keep their results and order', async () => {
    const { code } = transformOk(`
import http from 'k6/http';
export default function () {
  const urls = ['x', 'y', 'z'];
  const statuses = urls.map((u) => http.get(u).status);
  const kept = urls.filter((u) => http.head(u).url !== 'y');
  const any = urls.some((u) => http.get(u).url === 'y');
  const found = urls.find((u) => http.get(u).url === 'z');
  const flat = urls.flatMap((u) => [u, http.get(u).status]);
  const plain = urls.map((u) => u.toUpperCase());
  return { statuses, kept, any, found, flat, plain };
}
`);
    const { result, log } = await runTransformed(code);
    expect(result).toEqual({
      statuses: [200, 200, 200],
      kept: ['x', 'z'],
      any: true,
      found: 'z',
      flat: ['x', 200, 'y', 200, 'z', 200],
      plain: ['X', 'Y', 'Z'],
    });
    expect(log).toEqual([
      'GET x',
      'GET y',
      'GET z',
      'HEAD x',
      'HEAD y',
      'HEAD z',
      'GET x',
      'GET y',
      'GET x',
      'GET y',
      'GET z',
      'GET x',
      'GET y',
      'GET z',
    ]);
  });

  it('nested groups run in order and their bodies finish before the group closes', async () => {
    const { code } = transformOk(`
import http from 'k6/http';
import { group } from 'k6';
function step(name) { return http.get(name); }
export default function () {
  group('outer', () => {
    step('one');
    group('inner', () => { step('two'); });
    step('three');
  });
}
`);
    const { log } = await runTransformed(code);
    expect(log).toEqual([
      'group outer {',
      'GET one',
      'group inner {',
      'GET two',
      '} inner',
      'GET three',
      '} outer',
    ]);
  });

  it('setup data flows to the default function and teardown', async () => {
    const { code } = transformOk(`
import http from 'k6/http';
export function setup() { return { token: http.post('login').json('token') }; }
export default function (data) { return data.token; }
`);
    const { result } = await runTransformed(code, 'setup');
    expect(result).toEqual({ token: 'token-of-login' });
    expect(code).toContain(
      "export function setup() { return { token: (await http.post('login')).json('token') }; }".replace(
        'export function',
        'export async function',
      ),
    );
    expect(code).toContain('export default function (data) { return data.token; }');
  });
});
