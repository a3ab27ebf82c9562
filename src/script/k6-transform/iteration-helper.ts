/**
 * Source of the helper the transform appends when an array method gets a blocking callback:
 * `xs.map(cb)` becomes `await __redline$iterate("map", xs, cb)`, which calls `cb` once per element,
 * in order, awaiting each call: the same arguments, results and order as the synchronous method.
 * `forEach` works on anything with a forEach (Array, Map, Set, ...): it records the arguments the
 * receiver's own forEach passes, then replays them (mutations during the loop are not seen).
 */

/** The helper's function name (a `$` keeps it out of the way of user names). */
export const ITERATE_HELPER = '__redline$iterate';

/** JavaScript source of the helper, one line so it never shifts the bundle's lines. */
export function iterationHelperSource(name: string): string {
  const body = `
async function ${name}(method, items, callback, thisArg) {
  if (method === "forEach") {
    const calls = [];
    items.forEach((...args) => { calls.push(args); });
    for (const args of calls) await callback.apply(thisArg, args);
    return undefined;
  }
  if (!Array.isArray(items)) {
    throw new TypeError("Redline rewrote ." + method + "() with a blocking callback, which works on arrays only; use a for...of loop");
  }
  const n = items.length;
  const call = (i) => callback.call(thisArg, items[i], i, items);
  switch (method) {
    case "map": { const out = new Array(n); for (let i = 0; i < n; i++) if (i in items) out[i] = await call(i); return out; }
    case "filter": { const out = []; for (let i = 0; i < n; i++) if (i in items && (await call(i))) out.push(items[i]); return out; }
    case "some": { for (let i = 0; i < n; i++) if (i in items && (await call(i))) return true; return false; }
    case "every": { for (let i = 0; i < n; i++) if (i in items && !(await call(i))) return false; return true; }
    case "find": { for (let i = 0; i < n; i++) if (await call(i)) return items[i]; return undefined; }
    case "findIndex": { for (let i = 0; i < n; i++) if (await call(i)) return i; return -1; }
    case "findLast": { for (let i = n - 1; i >= 0; i--) if (await call(i)) return items[i]; return undefined; }
    case "findLastIndex": { for (let i = n - 1; i >= 0; i--) if (await call(i)) return i; return -1; }
    case "flatMap": { const out = []; for (let i = 0; i < n; i++) if (i in items) { const r = await call(i); if (Array.isArray(r)) out.push(...r); else out.push(r); } return out; }
  }
  throw new TypeError("Redline cannot rewrite ." + method + "() with a blocking callback");
}`;
  return body
    .split('\n')
    .map((line) => line.trim())
    .join(' ')
    .trim();
}
