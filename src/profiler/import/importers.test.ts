// Importer conformance on real files produced here (see test/fixtures/profiles/produce.sh).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  Line,
  Location,
  Function as PprofFunction,
  Profile as PprofProfile,
  Sample,
  StringTable,
  ValueType,
} from 'pprof-format';
import { describe, expect, it } from 'vitest';
import { isRedlineError } from '../../errors/redline-error.js';
import { createSpeedscopeFile } from '../export/speedscope.js';
import type { Profile } from '../model/profile.js';
import { totalWeight } from '../model/profile.js';
import { parseFoldedFrame } from './folded.js';
import { importFromHeapSnapshotDiff, type V8HeapSnapshot } from './heapsnapshot.js';
import {
  detectImporter,
  importHeapSnapshotDiffFiles,
  importProfile,
  importProfileFile,
} from './index.js';
import { maybeGunzip } from './registry.js';

const FIXTURES = join(import.meta.dirname, '../../../test/fixtures/profiles');
const fixture = (path: string): string => join(FIXTURES, path);
const names = (profile: Profile): Set<string> => new Set(profile.frames.map((f) => f.name));

const REAL_FILES = [
  {
    path: 'node/20.20.2/burn.cpuprofile',
    format: 'cpuprofile',
    valueKind: 'cpu',
    unit: 'microseconds',
    frames: ['hashLoop', 'jsonLoop', 'pbkdf2Sync'],
  },
  {
    path: 'node/20.20.2/burn.heapprofile',
    format: 'heapprofile',
    valueKind: 'live-heap',
    unit: 'bytes',
    frames: ['retain'],
  },
  {
    path: 'datadog-pprof/5.20.0/burn-time.pb.gz',
    format: 'pprof',
    valueKind: 'wall',
    unit: 'nanoseconds',
    frames: ['hashLoop', 'jsonLoop', 'pbkdf2Sync'],
  },
  {
    path: 'datadog-pprof/5.20.0/burn-heap.pb.gz',
    format: 'pprof',
    valueKind: 'live-heap',
    unit: 'bytes',
    frames: ['retain'],
  },
  {
    path: 'perf/6.1.192/burn.folded',
    format: 'folded',
    valueKind: 'cpu',
    unit: 'samples',
    frames: ['hashLoop', 'jsonLoop', 'pbkdf2Sync'],
  },
  {
    path: 'node/20.20.2/before.heapsnapshot.gz',
    format: 'heapsnapshot',
    valueKind: 'heap-objects',
    unit: 'bytes',
    frames: ['Object', '(string)'],
  },
] as const;

describe('importers on real files', () => {
  for (const file of REAL_FILES) {
    it(`reads ${file.path} as ${file.format}`, async () => {
      const profile = await importProfileFile(fixture(file.path));
      expect(profile.format).toBe(file.format);
      expect(profile.valueKind).toBe(file.valueKind);
      expect(profile.unit).toBe(file.unit);
      expect(profile.samples.length).toBeGreaterThan(0);
      expect(totalWeight(profile)).toBeGreaterThan(0);
      for (const name of file.frames) expect(names(profile)).toContain(name);
      for (const sample of profile.samples) {
        for (const index of sample.stack) expect(profile.frames[index]).toBeDefined();
        if (sample.lines) expect(sample.lines).toHaveLength(sample.stack.length);
      }
    });
  }

  it('keeps V8 positions 1-based and leaf lines from positionTicks', async () => {
    const profile = await importProfileFile(fixture('node/20.20.2/burn.cpuprofile'));
    const raw = JSON.parse(readFileSync(fixture('node/20.20.2/burn.cpuprofile'), 'utf8'));
    const node = raw.nodes.find(
      (n: { callFrame: { functionName: string } }) => n.callFrame.functionName === 'jsonLoop',
    );
    const frame = profile.frames.find((f) => f.name === 'jsonLoop');
    expect(frame?.line).toBe(node.callFrame.lineNumber + 1);
    const withLines = profile.samples.filter(
      (s) => s.stack.at(-1) === profile.frames.indexOf(frame!) && s.lines,
    );
    expect(withLines.length).toBeGreaterThan(0);
    // Each sample lasts until the next one (the last until endTime), at most two median sampling
    // intervals: a longer gap is time the thread did not run (this file was recorded on a busy
    // machine: median gap 1.6 ms, p99 18 ms).
    const deltas = raw.timeDeltas as number[];
    const positive = deltas.filter((d) => d > 0).sort((a, b) => a - b);
    const cap = 2 * positive[Math.floor(positive.length / 2)]!;
    const gaps = [...deltas.slice(1).map((d) => Math.max(0, d))];
    const firstSample = (raw.startTime as number) + Math.max(0, deltas[0]!);
    const lastSample = firstSample + gaps.reduce((a, b) => a + b, 0);
    gaps.push((raw.endTime as number) - lastSample);
    const expected = gaps.reduce((sum, gap) => sum + Math.min(cap, gap), 0);
    expect(totalWeight(profile)).toBeCloseTo(expected, 0);
    expect(totalWeight(profile)).toBeLessThan((raw.endTime as number) - firstSample);
  });

  it('summarises the growth between two snapshots of one process', async () => {
    const diff = await importHeapSnapshotDiffFiles(
      fixture('node/20.20.2/before.heapsnapshot.gz'),
      fixture('node/20.20.2/after.heapsnapshot.gz'),
    );
    expect(diff.valueKind).toBe('heap-growth');
    expect(Number(diff.meta.growth)).toBeGreaterThan(1_000_000); // 3000 retained objects with 512-char strings
    const top = [...diff.samples].sort((a, b) => b.weight - a.weight)[0]!;
    expect(diff.frames[top.stack[0]!]!.name).toBe('(string)');
  });
});

describe('detection', () => {
  it('reports an unknown format with the supported ones listed', () => {
    try {
      importProfile(Buffer.from('just some text\nwithout counts\n'), 'notes.txt');
      expect.unreachable();
    } catch (error) {
      expect(isRedlineError(error) && error.code).toBe('PROFILE_UNKNOWN_FORMAT');
      // Every single-profile format, then the recordings (Flight Recorder, Redline's Python sampler).
      expect(isRedlineError(error) && error.problems.length).toBe(9);
    }
  });

  it('reports a truncated profile as invalid, not unknown', () => {
    const text = readFileSync(fixture('node/20.20.2/burn.cpuprofile'), 'utf8');
    expect(() => importProfile(Buffer.from(text.slice(0, 3000)), 'cut.cpuprofile')).toThrow(
      /not a valid V8 CPU profile/,
    );
  });

  it('detects content without a telling file name', () => {
    const bytes = maybeGunzip(readFileSync(fixture('datadog-pprof/5.20.0/burn-time.pb.gz')));
    expect(detectImporter('upload.bin', bytes)?.format).toBe('pprof');
    expect(
      detectImporter('profile.json', readFileSync(fixture('node/20.20.2/burn.cpuprofile')))?.format,
    ).toBe('cpuprofile');
  });
});

describe('folded frames', () => {
  it('parses V8 perf-map, py-spy and async-profiler frames', () => {
    expect(parseFoldedFrame('JS:^hashLoop /srv/a:b/burn.cjs:6:18')).toMatchObject({
      name: 'hashLoop',
      file: '/srv/a:b/burn.cjs',
      line: 6,
      column: 18,
    });
    expect(parseFoldedFrame('handler (app/views.py:42)')).toMatchObject({
      name: 'handler',
      file: 'app/views.py',
      executing: 42,
    });
    expect(parseFoldedFrame('do_syscall_64_[k]')).toMatchObject({
      name: 'do_syscall_64',
      kind: 'native',
    });
    expect(parseFoldedFrame('java/lang/Thread.run_[j]')).toMatchObject({
      name: 'java/lang/Thread.run',
      kind: 'js',
    });
  });

  it('treats frames without a file as native when others have files (perf)', async () => {
    const profile = await importProfileFile(fixture('perf/6.1.192/burn.folded'));
    const pbkdf2 = profile.frames.find((f) => f.name === 'PKCS5_PBKDF2_HMAC');
    expect(pbkdf2?.kind).toBe('native');
  });
});

describe('pprof written with pprof-format (inlined frames, per-frame lines)', () => {
  it('decodes what it encodes, leaf-first locations and inlining order included', () => {
    const strings = new StringTable();
    const s = (text: string) => strings.dedup(text);
    const fn = (id: number, name: string) =>
      new PprofFunction({
        id,
        name: s(name),
        filename: s('/go/src/app/main.go'),
        startLine: id * 10,
      });
    const encoded = new PprofProfile({
      sampleType: [
        new ValueType({ type: s('samples'), unit: s('count') }),
        new ValueType({ type: s('cpu'), unit: s('nanoseconds') }),
      ],
      function: [fn(1, 'main.main'), fn(2, 'main.handle'), fn(3, 'main.hash')],
      // Location 2 holds main.hash inlined into main.handle (innermost first).
      location: [
        new Location({ id: 1, line: [new Line({ functionId: 1, line: 12 })] }),
        new Location({
          id: 2,
          line: [new Line({ functionId: 3, line: 33 }), new Line({ functionId: 2, line: 21 })],
        }),
      ],
      sample: [
        new Sample({ locationId: [2, 1], value: [3, 3_000_000] }),
        new Sample({ locationId: [1], value: [1, 1_000_000] }),
      ],
      stringTable: strings,
      durationNanos: 4_000_000,
    }).encode();
    const profile = importProfile(encoded, 'cpu.pb');
    expect(profile).toMatchObject({
      format: 'pprof',
      valueKind: 'cpu',
      unit: 'nanoseconds',
      durationMs: 4,
    });
    const deep = profile.samples.find((x) => x.stack.length === 3)!;
    expect(deep.stack.map((i) => profile.frames[i]!.name)).toEqual([
      'main.main',
      'main.handle',
      'main.hash',
    ]);
    expect(deep.lines).toEqual([12, 21, 33]);
    expect(deep.weight).toBe(3_000_000);
  });
});

describe('speedscope', () => {
  it('round-trips a profile through the exporter', async () => {
    const profile = await importProfileFile(fixture('node/20.20.2/burn.cpuprofile'));
    const file = JSON.stringify(createSpeedscopeFile(profile));
    const back = importProfile(Buffer.from(file), 'burn.speedscope.json');
    expect(back.format).toBe('speedscope');
    expect(totalWeight(back)).toBeCloseTo(totalWeight(profile), 3);
    expect(names(back)).toEqual(names(profile));
  });

  it('replays evented profiles into weighted stacks', () => {
    const file = {
      $schema: 'https://www.speedscope.app/file-format-schema.json',
      shared: { frames: [{ name: 'a' }, { name: 'b' }] },
      profiles: [
        {
          type: 'evented',
          name: 'e',
          unit: 'milliseconds',
          startValue: 0,
          endValue: 10,
          events: [
            { type: 'O', at: 0, frame: 0 },
            { type: 'O', at: 2, frame: 1 },
            { type: 'C', at: 7, frame: 1 },
            { type: 'C', at: 10, frame: 0 },
          ],
        },
      ],
    };
    const profile = importProfile(Buffer.from(JSON.stringify(file)), 'x.speedscope.json');
    const weightOf = (depth: number) =>
      profile.samples.filter((x) => x.stack.length === depth).reduce((t, x) => t + x.weight, 0);
    expect(weightOf(1)).toBe(5);
    expect(weightOf(2)).toBe(5);
  });
});

describe('heap snapshot diff', () => {
  it('matches objects by id: only new objects count as growth', () => {
    const meta = {
      node_fields: ['type', 'name', 'id', 'self_size', 'edge_count'],
      node_types: [['hidden', 'object', 'string']],
    };
    const snap = (nodes: number[]): V8HeapSnapshot => ({
      snapshot: { meta },
      nodes,
      strings: ['', 'Foo', 'Bar'],
    });
    const before = snap([1, 1, 1, 100, 0, 1, 2, 3, 50, 0]);
    const after = snap([1, 1, 1, 100, 0, 1, 1, 5, 100, 0, 2, 0, 7, 40, 0]);
    const diff = importFromHeapSnapshotDiff(before, after);
    const byName = Object.fromEntries(
      diff.samples.map((x) => [diff.frames[x.stack[0]!]!.name, [x.weight, x.count]]),
    );
    expect(byName).toEqual({ Foo: [100, 1], '(string)': [40, 1] });
    expect(diff.meta).toMatchObject({ bytesBefore: 150, bytesAfter: 240 });
  });
});
