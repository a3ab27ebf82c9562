/**
 * Userland promise libraries (bluebird, Q, when) run callbacks from their own queues, which loses
 * the AsyncLocalStorage context the probe uses to tell which request issued a query: a query is
 * then charged to whichever request drained the queue. Bluebird ≥ 3.7 can keep the context
 * (`Promise.config({ asyncHooks: true })`): the probe turns that on. Every library found is then
 * checked at run time (two contexts, one queue); when the context still leaks, the probe says so
 * and withholds its per-route findings rather than blame the wrong routes.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Finding } from '../findings/finding.js';
import { type Instrument, instrumentAppModules } from './drivers/load.js';
import { CONTEXT_UNRELIABLE_ID } from './report-file.js';

/** What the probe knows about one promise library loaded by the application. */
export interface PromiseLibraryStatus {
  name: string;
  version?: string;
  /** bluebird: async hooks turned on by the probe, or not available in this version. */
  asyncHooks?: 'enabled' | 'unsupported';
  /** Result of the run-time check; undefined while it runs. */
  keepsContext?: boolean;
  /** Required by the application (not only loaded ahead by the probe because it is declared). */
  loadedByApp: boolean;
}

interface PromiseCtor {
  hasLongStackTraces?: () => boolean;
  new (executor: (resolve: (value?: unknown) => void) => void): PromiseLike<unknown>;
  resolve(value?: unknown): PromiseLike<unknown>;
  config?: (options: Record<string, unknown>) => unknown;
  version?: unknown;
}

const statuses = new Map<unknown, PromiseLibraryStatus>();

/** The promise libraries seen so far (one entry per loaded copy). */
export function promiseLibraries(): PromiseLibraryStatus[] {
  return [...statuses.values()];
}

/**
 * True when a bluebird the application loaded records long stack traces — what it does by itself
 * under `NODE_ENV=development` or `BLUEBIRD_DEBUG` — read from the library (`hasLongStackTraces`).
 */
export function bluebirdLongStackTraces(): boolean {
  for (const [Ctor, status] of statuses) {
    if (status.name !== 'bluebird' || !status.loadedByApp) continue;
    try {
      if ((Ctor as PromiseCtor).hasLongStackTraces?.() === true) return true;
    } catch {
      // a copy that cannot answer: not counted
    }
  }
  return false;
}

/** True when a promise library the application loaded was found to lose the request context. */
export function contextUnreliable(): boolean {
  return promiseLibraries().some((s) => s.keepsContext === false && s.loadedByApp);
}

/**
 * Checks that `Ctor`'s callbacks run in the context they were scheduled from: three contexts
 * schedule in the same tick, so a shared queue drained in the first one shows up.
 */
export async function keepsContext(Ctor: PromiseCtor): Promise<boolean> {
  const storage = new AsyncLocalStorage<string>();
  const seen: Array<[string, string | undefined]> = [];
  const runs = ['a', 'b', 'c'].map((tag) =>
    storage.run(tag, () =>
      Promise.resolve(
        Ctor.resolve()
          .then(() => new Ctor((resolve) => setImmediate(resolve)))
          .then(() => {
            seen.push([tag, storage.getStore()]);
          }),
      ),
    ),
  );
  await Promise.all(runs);
  return seen.length === 3 && seen.every(([tag, store]) => tag === store);
}

function track(Ctor: PromiseCtor, status: PromiseLibraryStatus): void {
  statuses.set(Ctor, status);
  keepsContext(Ctor).then(
    (ok) => {
      status.keepsContext = ok;
    },
    () => {
      status.keepsContext = false;
    },
  );
}

function constructorOf(mod: unknown): PromiseCtor | undefined {
  const candidate = ((mod as { default?: unknown })?.default ?? mod) as PromiseCtor | undefined;
  return typeof candidate === 'function' && typeof candidate.resolve === 'function'
    ? candidate
    : undefined;
}

/**
 * bluebird: turn on its async-hooks support (3.7+), then check. `byApp`: the application required
 * it (the probe also loads a declared bluebird ahead, so that ESM imports get the configured copy).
 */
export function instrumentBluebird(byApp: boolean): Instrument {
  return (mod) => instrumentBluebirdModule(mod, byApp);
}

function instrumentBluebirdModule(mod: unknown, byApp: boolean): boolean {
  const Ctor = constructorOf(mod);
  if (!Ctor) return false;
  const known = statuses.get(Ctor);
  if (known) {
    known.loadedByApp ||= byApp;
    return true;
  }
  const version = typeof Ctor.version === 'string' ? Ctor.version : undefined;
  const [major = 0, minor = 0] = (version ?? '0.0').split('.').map(Number);
  let asyncHooks: PromiseLibraryStatus['asyncHooks'] = 'unsupported';
  if ((major > 3 || (major === 3 && minor >= 7)) && typeof Ctor.config === 'function') {
    try {
      Ctor.config({ asyncHooks: true });
      asyncHooks = 'enabled';
    } catch {
      // left unsupported: the check below decides
    }
  }
  track(Ctor, {
    name: 'bluebird',
    ...(version ? { version } : {}),
    asyncHooks,
    loadedByApp: byApp,
  });
  return true;
}

/** A library with no switch (Q, when): only checked. */
function checkOnly(name: string): Instrument {
  return (mod) => {
    // Q and when export a function with a `Promise` constructor beside it: check that one.
    const Ctor =
      constructorOf((mod as { Promise?: unknown } | undefined)?.Promise) ?? constructorOf(mod);
    if (!Ctor || statuses.has(Ctor)) return Boolean(Ctor);
    track(Ctor, { name, loadedByApp: true });
    return true;
  };
}

/** Starts watching for promise libraries the application loads (now or later). */
export function instrumentPromiseLibraries(entry: string | undefined): Record<string, string> {
  // A declared bluebird is configured ahead (ESM imports do not pass the require hook); Q and
  // when cannot be fixed, so only a copy the application itself requires counts.
  const found = instrumentAppModules(entry, [['bluebird', instrumentBluebird(false)]]);
  instrumentAppModules(
    entry,
    [
      ['bluebird', instrumentBluebird(true)],
      ['q', checkOnly('q')],
      ['when', checkOnly('when')],
    ],
    false,
  );
  return found;
}

/**
 * The notice that replaces the per-route findings while a promise library loses the request
 * context: which library, why, and how to make attribution work.
 */
export function contextUnreliableFinding(libraries: readonly PromiseLibraryStatus[]): Finding {
  const leaking = libraries.filter((l) => l.keepsContext === false);
  const names = leaking.map((l) => `${l.name}${l.version ? ` ${l.version}` : ''}`).join(', ');
  const oldBluebird = leaking.some((l) => l.name === 'bluebird' && l.asyncHooks !== 'enabled');
  return {
    id: CONTEXT_UNRELIABLE_ID,
    area: 'config',
    title: `Per-route database findings withheld: ${names} loses the request context`,
    severity: 'medium',
    impact: {
      description:
        'queries cannot be tied to the request that issued them, so per-route findings (N+1, cache candidates, unpaginated queries, …) would blame the wrong routes',
    },
    rootCause: `${names} runs promise callbacks from its own queue, outside the AsyncLocalStorage context of the request that scheduled them; a query issued there is charged to whichever request drained the queue. A run-time check (three contexts scheduling on one queue) confirmed it.`,
    recommendation: {
      text: oldBluebird
        ? 'Upgrade bluebird to 3.7 or later (the probe then turns on Promise.config({ asyncHooks: true }) itself), or move the data layer to native promises (knex 0.21+, Sequelize 6+).'
        : 'Use native promises in the data layer, or a version of the library that supports async_hooks.',
      effort: 'medium',
    },
    evidence: leaking.map((l) => ({
      label: `${l.name} keeps the request context`,
      value: 'no',
      source: 'probe self-check',
    })),
  };
}
