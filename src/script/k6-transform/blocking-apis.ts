/**
 * Which k6 APIs block in k6 (so the transform must await them) and which take callbacks the
 * transform knows how to handle. Redline's shims return promises for the blocking ones.
 */

/** Blocking functions per k6 module specifier: k6 waits for them; Redline's shims return promises. */
export const BLOCKING_APIS: Readonly<Record<string, readonly string[]>> = {
  'k6/http': ['get', 'post', 'put', 'patch', 'del', 'head', 'options', 'request', 'batch'],
  k6: ['sleep'],
  'k6/ws': ['connect'],
};

/**
 * Functions that run the callback they get as second argument inside a group, per module
 * specifier: k6's `group(name, fn)` and k6chaijs' `describe(name, fn)` (Redline's native
 * k6chaijs). When the callback blocks, it becomes async and the call is awaited (both return a
 * promise when their callback does).
 */
export const GROUP_APIS: Readonly<Record<string, readonly string[]>> = {
  k6: ['group'],
  'jslib/k6chaijs': ['describe'],
};

/** True when `name` exported by `specifier` runs its callback in a group (see {@link GROUP_APIS}). */
export function isGroupApi(specifier: string, name: string): boolean {
  return GROUP_APIS[specifier]?.includes(name) ?? false;
}

/**
 * Blocking methods of objects made from k6 classes, per module and class (`client.invoke()` on
 * `const client = new grpc.Client()`); the transform follows variables initialised with `new`.
 */
export const BLOCKING_METHODS: Readonly<
  Record<string, Readonly<Record<string, readonly string[]>>>
> = {
  'k6/net/grpc': { Client: ['connect', 'invoke', 'healthCheck'] },
};

/**
 * Methods of k6 responses that send a request (`res.submitForm()`, `res.clickLink()`): a call
 * of a method with one of these names is awaited, whatever its receiver (awaiting a value that
 * is not a promise changes nothing).
 */
export const BLOCKING_RESPONSE_METHODS: readonly string[] = ['submitForm', 'clickLink'];

/**
 * Array methods whose callback may block: the transform rewrites `xs.forEach(cb)` to an awaited,
 * sequential helper (`__redline$iterate`) with the same arguments, results and order.
 */
export const ITERATION_METHODS: readonly string[] = [
  'forEach',
  'map',
  'filter',
  'some',
  'every',
  'find',
  'findIndex',
  'findLast',
  'findLastIndex',
  'flatMap',
];

/** Callback-taking methods whose callback cannot be awaited, with the reason shown to the user. */
export const UNSUPPORTED_CALLBACK_METHODS: Readonly<Record<string, string>> = {
  sort: 'a sort comparator must return its answer synchronously',
  toSorted: 'a sort comparator must return its answer synchronously',
  reduce: 'reduce() callbacks are not rewritten; use a for...of loop',
  reduceRight: 'reduceRight() callbacks are not rewritten; use a for...of loop',
  replace: 'a String.replace() callback must return its answer synchronously',
  replaceAll: 'a String.replaceAll() callback must return its answer synchronously',
};

/** Promise methods: an async callback is fine there (the promise chain waits for it). */
export const PROMISE_METHODS: readonly string[] = ['then', 'catch', 'finally'];

/** True when `name` exported by `specifier` blocks in k6. */
export function isBlockingApi(specifier: string, name: string): boolean {
  return BLOCKING_APIS[specifier]?.includes(name) ?? false;
}

/** True when method `method` of an instance of `className` from `specifier` blocks in k6. */
export function isBlockingMethod(specifier: string, className: string, method: string): boolean {
  return BLOCKING_METHODS[specifier]?.[className]?.includes(method) ?? false;
}
