import * as realFs from 'node:fs';
import { createRequire } from 'node:module';
import { runInThisContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { SAMPLER_INSTALL } from './sampler-source.js';

interface Sampler {
  start(intervalMs: number, off: string[]): string;
  stop(): string;
  dispose(): string;
}

/** Descriptors of this process open on a /proc schedstat file (the sampler's). */
function schedstatFds(): number {
  let n = 0;
  for (const fd of realFs.readdirSync('/proc/self/fd')) {
    try {
      if (realFs.readlinkSync(`/proc/self/fd/${fd}`).endsWith('/schedstat')) n++;
    } catch {}
  }
  return n;
}

describe.skipIf(process.platform !== 'linux')('the in-target sampler', () => {
  it('a stop() that arrives in the middle of a stall tick (the inspector runs it at an interrupt) throws nothing into the process and leaves no descriptor open', async () => {
    const before = schedstatFds();
    const nodeRequire = createRequire(import.meta.url);
    let armed = false;
    let stopped: string | undefined;
    const sampler = (): Sampler =>
      (globalThis as unknown as { __redlineSampler: Sampler }).__redlineSampler;
    // fs as the target sees it, except that the first listing of the threads after start()
    // runs stop() first: what an inspector message dispatched inside the tick does.
    // Descriptors the sampler holds open, by number: a close of one it does not hold (closed
    // twice: the number may already be the service's next file) drives a count below zero.
    const held = new Map<number, number>();
    const fs = {
      ...realFs,
      openSync: (path: string, flags: string) => {
        const fd = realFs.openSync(path, flags);
        held.set(fd, (held.get(fd) ?? 0) + 1);
        return fd;
      },
      closeSync: (fd: number) => {
        held.set(fd, (held.get(fd) ?? 0) - 1);
        realFs.closeSync(fd);
      },
      readdirSync: (path: string) => {
        if (armed && path === '/proc/self/task') {
          armed = false;
          stopped = sampler().stop();
        }
        return realFs.readdirSync(path);
      },
    };
    const require = (id: string): unknown => (id === 'node:fs' ? fs : nodeRequire(id));
    const errors: unknown[] = [];
    const onError = (error: unknown): void => {
      errors.push(error);
    };
    process.on('uncaughtException', onError);
    try {
      runInThisContext(`(function (require) {\n${SAMPLER_INSTALL};\n})`)(require);
      expect(sampler().start(50, [])).toBe('started');
      armed = true;
      const until = Date.now() + 5000;
      while (stopped === undefined && Date.now() < until)
        await new Promise((resolve) => setTimeout(resolve, 20));
      expect(stopped, 'no stall tick listed the threads within 5 s').toBeDefined();
      expect(JSON.parse(stopped as string)).toHaveProperty('durationMs');
      await new Promise((resolve) => setTimeout(resolve, 60));
      expect(errors).toEqual([]);
      expect(schedstatFds()).toBe(before);
      expect([...held].filter(([, n]) => n !== 0)).toEqual([]);
    } finally {
      process.off('uncaughtException', onError);
      sampler()?.dispose();
    }
  });
});
