/**
 * Unit tests of script APIs that need a thread runtime (metric registry, test tags): installs a
 * fresh one per call and restores the thread's own after each test of the calling file.
 */
import { afterEach } from 'vitest';
import { MetricRegistry } from '../../src/metrics/registry.js';
import {
  createThreadRuntime,
  installThreadRuntime,
  threadRuntime,
} from '../../src/script/runtime/thread-runtime.js';

/**
 * Registers the restore (call it at the top level of a test file) and returns a function that
 * installs a fresh runtime with its own registry and `testTags`, and returns that registry.
 */
export function freshThreadRuntimes(): (testTags?: Record<string, string>) => MetricRegistry {
  const previous = threadRuntime();
  afterEach(() => installThreadRuntime(previous));
  return (testTags = {}) => {
    const registry = new MetricRegistry();
    installThreadRuntime(createThreadRuntime({ registry, testTags }));
    return registry;
  };
}
