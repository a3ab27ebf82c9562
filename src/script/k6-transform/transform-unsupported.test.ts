import { describe, expect, it } from 'vitest';
import { transformForTest } from './__fixtures__/support.js';

/** Transforms and returns the issues as `line:column message` (line of the input module). */
function issuesOf(source: string): string[] {
  const result = transformForTest(source);
  expect(result.changed).toBe(false);
  return result.issues.map((i) => `${i.line}:${i.column} ${i.message}`);
}

const HEADER = "import http from 'k6/http';\nimport { check, sleep } from 'k6';\n";

describe('k6 transform: what cannot be supported fails clearly, with the place', () => {
  it.each([
    [
      'a getter',
      'class A { get token() { return http.get("t").json("t"); } }\nexport default function () { return new A().token; }',
      /^3:31 the blocking call http\.get\(\) is inside the getter "token", which cannot be async; make it a method$/,
    ],
    [
      'a constructor',
      'class A { constructor() { this.r = http.get("t"); } }\nexport default function () { return new A(); }',
      /^3:35 the blocking call http\.get\(\) is inside a class constructor, which cannot be async/,
    ],
    [
      'a sort comparator',
      'export default function () { return ["a", "b"].sort((x, y) => http.get(x).status - http.get(y).status); }',
      /^3:52 "arrow function" makes blocking calls, so it becomes async, but it is passed to sort\(\): a sort comparator must return its answer synchronously$/,
    ],
    [
      'a callback passed to an unknown function',
      'export default function () { setTimeout(() => { http.get("u"); }, 10); }',
      /^3:40 "arrow function" makes blocking calls, .* passed as a callback to setTimeout\(\), which Redline cannot see into/,
    ],
    [
      'a returned function',
      'function make() { return function fetchIt() { http.get("u"); }; }\nexport default function () { make()(); }',
      /^3:25 "fetchIt" makes blocking calls, so it becomes async, but it is returned as a value/,
    ],
    [
      'a function stored in an array no variable holds',
      'function a() { http.get("a"); }\nexport default function () { [a][0](); }',
      /^4:30 "a" makes blocking calls, so it becomes async, but it is stored in an array that is not held by a variable/,
    ],
    [
      'an array of blocking functions iterated with forEach',
      'function a() { http.get("a"); }\nconst flows = [a];\nexport default function () { flows.forEach((f) => f()); }',
      /^5:29 "a" makes blocking calls, .* used with \.forEach\(\); iterate it with a for\.\.\.of loop/,
    ],
    [
      'a picked element of an array of blocking functions passed on',
      'function a() { http.get("a"); }\nconst flows = [a];\nfunction pick(l) { return l[0]; }\nexport default function () { setTimeout(pick(flows)); }',
      /^5:26 "a" makes blocking calls, so it becomes async, but it is returned from "pick", whose result is passed as a callback to setTimeout\(\)/,
    ],
    [
      'a request in the init context',
      'const config = http.get("http://127.0.0.1/config").json();\nexport default function () { return config; }',
      /^3:15 the blocking call http\.get\(\) runs at the top level of a module \(the init context\)/,
    ],
    [
      'a default parameter',
      'export default function (r = http.get("u")) { return r; }',
      /^3:29 the blocking call http\.get\(\) is in a default parameter value/,
    ],
    [
      'a generator',
      'function* pages() { yield http.get("1"); }\nexport default function () { return [...pages()]; }',
      /^3:26 the blocking call http\.get\(\) is inside the generator "pages"/,
    ],
    [
      'a reduce callback',
      'export default function () { return ["a"].reduce((acc, u) => acc + http.get(u).status, 0); }',
      /reduce\(\) callbacks are not rewritten; use a for\.\.\.of loop$/,
    ],
  ])('%s', (_name, code, expected) => {
    const issues = issuesOf(HEADER + code);
    expect(issues.length).toBeGreaterThan(0);
    expect(issues[0]).toMatch(expected);
  });

  it('lists every problem at once', () => {
    const issues = issuesOf(
      `${HEADER}class A { get x() { return http.get("x"); } }\nexport default function () { setTimeout(() => sleep(1)); ["b"].sort(() => http.get("s").status); }`,
    );
    expect(issues).toHaveLength(3);
  });

  it('a blocking callback passed to an npm package function is reported, not followed', () => {
    const source = `${HEADER}function each(items, fn) { for (const i of items) fn(i); }\nexport default function () { each(["u"], (u) => http.get(u)); }`;
    // Pretend line 3 (the definition of `each`) comes from node_modules.
    const result = transformForTest(source, (line) => line === 3);
    expect(result.issues.map((i) => i.message)).toEqual([
      '"arrow function" makes blocking calls, so it becomes async, but it is passed as a callback to each() from an npm package, which would not await it; call it in your own loop instead',
    ]);
  });
});
