// redline profile on TypeScript apps with known hot spots: right original file:line first, share
// within ±15 points of the directly timed share, the leak flagged, the healthy app not.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppName, compileApps, hotSpotLine, profileApp } from './fixture-apps.js';

let dir = '';
let cleanup = () => {};
beforeAll(async () => {
  ({ dir, cleanup } = await compileApps());
});
afterAll(() => cleanup());

const CASES: Array<{ app: AppName; id: string; functionName: string }> = [
  { app: 'sync-crypto', id: 'cpu.sync-crypto', functionName: 'login' },
  { app: 'big-json', id: 'cpu.json', functionName: 'exportCatalogue' },
  { app: 'catastrophic-regex', id: 'cpu.regex', functionName: 'isValidHost' },
];

describe('redline profile names the hot spot', () => {
  for (const { app, id, functionName } of CASES) {
    it(`${app}: ${id} at the original .ts line, share within ±15 points of direct timing`, async () => {
      const { result, directShare, requests } = await profileApp(dir, app);
      expect(requests).toBeGreaterThan(20);
      const file = `test/fixtures/apps/profiler/${app}.ts`;
      const first = result.findings.find((f) => f.location?.file !== undefined);
      expect(first).toMatchObject({ id, location: { file, line: hotSpotLine(app), functionName } });
      // The hot spot's row of the table, not necessarily the first one: with both cores busy, the
      // `res.end(…)` call site of sync-crypto was seen above it (0.43 vs 0.34 of the samples)
      // while the finding above still ranked first.
      const hotspot = result.analysis.cpu.tables.hotspots.find(
        (h) => h.file === file && h.line === hotSpotLine(app),
      );
      expect(hotspot).toMatchObject({ file, line: hotSpotLine(app), mapped: true });
      // Seen within ±0.07 of the direct timing with both cores busy (±0.1 before on a quiet
      // machine); the bound leaves room. Accuracy itself: bench/profiler-accuracy.js.
      expect(Math.abs(hotspot!.share - directShare)).toBeLessThanOrEqual(0.15);
      // A pattern finding (sync crypto, JSON, regex) carries the share the pattern explains, which
      // may also count a few of the pattern's samples at another line: 0.7832 vs the line's
      // 0.7836 was seen. Same measure, not the same number to the last digit.
      expect(Math.abs((first?.impact?.share ?? 0) - hotspot!.share)).toBeLessThanOrEqual(0.05);
      // The capture covered the load window: event-loop samples and GC events were recorded.
      expect(result.capture.signals.samples.length).toBeGreaterThan(10);
      expect(result.capture.signals.eventLoopDelay.count).toBeGreaterThan(0);
    });
  }
});

describe('leak detection under load', () => {
  it('flags the app that keeps every request in a global array, with its allocation sites', async () => {
    // A short window sees few natural mark-compacts: force a full GC every second (--heap-check 1s).
    const { result } = await profileApp(dir, 'leak', {
      loadMs: 6000,
      capture: { heapCheckIntervalMs: 1000 },
    });
    expect(result.analysis.leak).toMatchObject({ leaking: true });
    const leak = result.findings.find((f) => f.id === 'memory.leak');
    expect(leak?.severity).toBe('high');
    // V8's sampling heap profiler reports allocations of inlined functions at their outermost
    // caller, so `remember` may be listed as the request callback it was inlined into (seen on a
    // busy machine, where optimisation timing differs): the sites are in the app's leak.ts.
    const sites =
      leak?.evidence.filter((e) => e.source === 'sampling heap profile').map((e) => e.label) ?? [];
    expect(
      sites.some((label) => label.includes('leak.ts')),
      sites.join('\n'),
    ).toBe(true);
  });

  it('does not flag the healthy app', async () => {
    const { result } = await profileApp(dir, 'healthy', {
      loadMs: 6000,
      capture: { heapCheckIntervalMs: 1000 },
    });
    expect(result.analysis.leak.points).toBeGreaterThanOrEqual(4);
    expect(result.analysis.leak.leaking).toBe(false);
    expect(result.findings.find((f) => f.id === 'memory.leak')).toBeUndefined();
  });
});
