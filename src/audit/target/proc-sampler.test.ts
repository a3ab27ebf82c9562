/** /proc sampling of a process tree (Linux): CPU time, RSS, children included. */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ProcSampler, readProcessTree } from './proc-sampler.js';

const linux = existsSync('/proc/self/stat');

describe.runIf(linux)('proc sampler', () => {
  it('reads this process', () => {
    const r = readProcessTree(process.pid);
    expect(r?.cpuSeconds).toBeGreaterThan(0);
    expect(r?.rssBytes).toBeGreaterThan(10 * 1024 * 1024);
    expect(readProcessTree(2 ** 22 + 7)).toBeUndefined();
  });

  it('measures the CPU of a busy child and counts it in its parent’s tree', async () => {
    // A shell parent whose child node process spins for about a second.
    const child = spawn(
      'sh',
      ['-c', `${process.execPath} -e "const t=Date.now(); while (Date.now()-t<1200);"; sleep 0.2`],
      { stdio: 'ignore' },
    );
    const exited = new Promise((r) => child.once('exit', r));
    await new Promise((r) => setTimeout(r, 150));
    const sampler = new ProcSampler(child.pid as number, 100);
    await new Promise((r) => setTimeout(r, 800));
    const summary = sampler.stop();
    await exited;
    expect(summary?.samples.length).toBeGreaterThanOrEqual(3);
    // Busy-waiting on one core: well above idle even on a shared machine.
    expect(summary?.cpuPercentOfOneCore).toBeGreaterThan(20);
    expect(summary?.maxRssBytes).toBeGreaterThan(1024 * 1024);
    expect(summary?.memoryPercent).toBeGreaterThan(0);
  });
});
