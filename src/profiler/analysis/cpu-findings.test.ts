import { describe, expect, it } from 'vitest';
import { createCpuFindings } from './cpu-findings.js';
import type { Hotspot, ProfileTables } from './tables.js';

/** Tables of a Node CPU profile with one plain hot spot (no pattern, no package). */
function tablesWith(share: number, idleShare: number, viaCategory: 'app' | 'core'): ProfileTables {
  const active = 1000;
  const hotspot: Hotspot = {
    functionName: 'handler',
    file: 'app.mjs',
    line: 8,
    lineSource: 'profile',
    mapped: false,
    weight: share * active,
    share,
    selfShare: viaCategory === 'app' ? share : 0,
    via:
      viaCategory === 'core'
        ? [{ name: 'pbkdf2', category: 'core', weight: share * active * 0.4, share: share * 0.4 }]
        : [],
  } as Hotspot;
  return {
    runtime: 'node',
    valueKind: 'cpu',
    unit: 'microseconds',
    total: active / (1 - idleShare),
    idle: active / (1 - idleShare) - active,
    active,
    idleShare,
    categories: [],
    packages: [],
    functions: [],
    lines: [],
    hotspots: [hotspot],
  } as ProfileTables;
}

describe('cpu.hot-function on a mostly idle thread', () => {
  it('healthy: 45 % of a thread idle 97 % of the time (1.4 % of its time) is low, and says why', () => {
    const [finding] = createCpuFindings(tablesWith(0.45, 0.97, 'core'));
    expect(finding?.id).toBe('cpu.hot-function');
    expect(finding?.severity).toBe('low');
    expect(finding?.rootCause).toMatch(/idle 97\.0% of the time: this is 1\.4% of its whole time/);
  });

  it('positive: the same share on a busy thread keeps its grade', () => {
    const [finding] = createCpuFindings(tablesWith(0.45, 0.1, 'app'));
    expect(finding?.id).toBe('cpu.hot-function');
    expect(['medium', 'high']).toContain(finding?.severity);
    expect(finding?.rootCause).not.toMatch(/The thread was idle/);
  });
});
