/**
 * Per-thread runtime of scripted tests: the metric registry VUs record into, the options, the
 * setup data and the test-wide tags. Each worker thread (shard) has one; the main thread has one
 * for the init context, setup() and teardown().
 */

import type { PlanOptions } from '../../config/plan.js';
import { MetricRegistry } from '../../metrics/registry.js';

/** What script APIs need from the thread they run in. */
export interface ThreadRuntime {
  registry: MetricRegistry;
  /** Test-wide tags (options.tags). */
  testTags: Readonly<Record<string, string>>;
  options: PlanOptions | undefined;
  /** `exec.test.options`: the consolidated options in k6's shape (config/k6-options-view.ts). */
  k6Options?: Readonly<Record<string, unknown>>;
  /** `__ENV`: process env, then `--env` values, then scenario env. */
  env: Record<string, string>;
  /** Folder of the original script (for `open()` and relative paths). */
  scriptDir: string;
  /**
   * Resolves a path given to `open()` relative to the calling script file (found in `stack`), as
   * k6 does; undefined: relative to `scriptDir`.
   */
  resolvePath?: (path: string, stack?: string) => string;
  /** Rewrites request URLs (options.hosts, --host); identity by default. */
  rewriteUrl: (url: string) => string;
  /** Shard index and count (execution segment). */
  shard: number;
  shards: number;
  /** When the test started (this thread's performance.now() base). */
  testStart: number;
  /** Abort the whole test (exec.test.abort()). */
  abortTest: (reason: string) => void;
  /** Mark the test as failed without stopping it (exec.test.fail()). */
  failTest: (reason: string) => void;
  /** True while the script's top level (init context) is being evaluated. */
  inInit: boolean;
  /**
   * Shows a warning the script caused (what k6 logs at warning level, e.g. a nested value in a
   * form body); the engine prints each distinct text once.
   */
  warn: (text: string) => void;
  /**
   * Data the init code of every VU of this thread shares: SharedArray contents by name and the
   * files open() read. A shard running in the main thread keeps the main runtime's store, so the
   * main instance and the VUs build each SharedArray once (k6 builds it once).
   */
  dataStore: DataStore;
  /** Stages of the ramping scenarios by name (k6-utils' stage helpers); empty outside a run. */
  scenarioStages: Readonly<Record<string, ReadonlyArray<{ durationMs: number; target: number }>>>;
}

/** See {@link ThreadRuntime.dataStore}. */
export interface DataStore {
  arrays: Map<string, readonly unknown[]>;
  files: Map<string, Buffer>;
}

/** Kept on globalThis so every copy of this module (dist/ and src/ in tests) sees one runtime. */
const KEY = Symbol.for('redline.threadRuntime');
const slot = globalThis as Record<symbol, ThreadRuntime | undefined>;

/** The runtime of this thread (a default one for the init context when none was installed). */
export function threadRuntime(): ThreadRuntime {
  slot[KEY] ??= createThreadRuntime({});
  return slot[KEY];
}

/** Installs the runtime of this thread (the engine does it before loading the script). */
export function installThreadRuntime(next: ThreadRuntime): void {
  slot[KEY] = next;
}

/** A runtime with defaults, overridden by `partial`. */
export function createThreadRuntime(partial: Partial<ThreadRuntime>): ThreadRuntime {
  return {
    registry: new MetricRegistry(),
    testTags: {},
    options: undefined,
    env: { ...(process.env as Record<string, string>) },
    scriptDir: process.cwd(),
    rewriteUrl: (url) => url,
    shard: 0,
    shards: 1,
    testStart: performance.now(),
    abortTest: () => {},
    failTest: () => {},
    inInit: false,
    warn: onceToStderr(),
    dataStore: { arrays: new Map(), files: new Map() },
    scenarioStages: {},
    ...partial,
  };
}

/** The default `warn`: each distinct text once, on stderr. */
function onceToStderr(): (text: string) => void {
  const seen = new Set<string>();
  return (text) => {
    if (seen.has(text) || seen.size > 100) return;
    seen.add(text);
    process.stderr.write(`redline: warning: ${text}\n`);
  };
}
