// Per-runtime rules on measured inputs: each with a positive case and a healthy one that must stay
// silent; pstats, py-spy and marshal readers on real and documented-format files.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { requireBinaries } from '../../../test/helpers/require-binary.js';
import { readMarshal } from '../import/marshal.js';
import type { PauseEvent, ProcessActivity } from '../model/recording.js';
import { analyzeFile } from './analyze-file.js';
import { categorizeFrame } from './categorize.js';
import { createJvmGcFindings, createJvmSafepointFindings } from './jvm-findings.js';
import { createGilFindings, judgeGil } from './python-findings.js';

const FIXTURES = join(import.meta.dirname, '../../../test/fixtures/profiles');

const activity = (over: Partial<ProcessActivity>): ProcessActivity => ({
  pid: 1,
  durationMs: 10_000,
  cpuMs: 9_800,
  samplerCpuMs: 200,
  cpuCount: 4,
  multiThreadShare: 0.9,
  threadsRanMean: 3.4,
  threadCpuMs: 9_000,
  runQueueWaitMs: 300,
  machineIdleCores: 2.6,
  samplerLagMs: 0.6,
  ...over,
});

describe('python.gil-bound', () => {
  it('fires when several threads want the CPU, the process stays at one core and CPUs idle', () => {
    const { findings } = createGilFindings([activity({})], []);
    expect(findings[0]).toMatchObject({ id: 'python.gil-bound', severity: 'high' });
    expect(findings[0]?.title).toContain('0.96 of 4 CPUs');
  });
  it('stays silent for one busy thread, for a process using several cores, and for one CPU', () => {
    expect(judgeGil(activity({ multiThreadShare: 0.02, threadsRanMean: 1 })).bound).toBe(false);
    expect(judgeGil(activity({ cpuMs: 30_000 })).bound).toBe(false); // 3 cores: the GIL is released
    expect(judgeGil(activity({ cpuCount: 1 })).bound).toBe(false);
  });
  it('says it cannot tell when the machine was saturated', () => {
    const busy = activity({ runQueueWaitMs: 9_000, machineIdleCores: 0 });
    expect(judgeGil(busy).bound).toBe('unknown');
    const { findings, notes } = createGilFindings([busy], []);
    expect(findings).toEqual([]);
    expect(notes[0]).toMatch(/cannot be told from a saturated machine/);
    // Starved threads rarely run in the same tick: a low share on a busy machine is no evidence
    // either way (four CPU-bound threads measured 0.13 on the 2-core CI machine).
    const starved = activity({
      multiThreadShare: 0.05,
      runQueueWaitMs: 9_000,
      machineIdleCores: 0.3,
    });
    expect(judgeGil(starved).bound).toBe('unknown');
  });
});

const pause = (
  startMs: number,
  durationMs: number,
  name = 'G1New',
  cause = 'G1 Evacuation Pause',
): PauseEvent => ({
  startMs,
  durationMs,
  name,
  cause,
});

describe('JVM pauses', () => {
  it('reports GC pauses that stop the service, naming full collections', () => {
    const pauses = [
      pause(100, 40),
      pause(400, 90),
      pause(2_100, 350, 'G1Full', 'Allocation Failure'),
    ];
    const [finding] = createJvmGcFindings(pauses, 5_000, []);
    expect(finding).toMatchObject({ id: 'gc.pressure', area: 'gc', severity: 'medium' });
    expect(finding?.rootCause).toMatch(/Full \(old-generation\)/);
    expect(finding?.impact?.timeMs).toBe(480);
  });
  it('stays silent for short, rare young pauses', () => {
    const pauses = Array.from({ length: 10 }, (_, i) => pause(i * 1000, 4));
    expect(createJvmGcFindings(pauses, 10_000, [])).toEqual([]);
  });
  it('reports non-GC safepoints above 2% of the window, and not below', () => {
    const heavy = Array.from({ length: 20 }, (_, i) => pause(i * 500, 15, 'Deoptimize'));
    expect(createJvmSafepointFindings(heavy, 10_000)[0]).toMatchObject({ id: 'jvm.safepoint' });
    const light = Array.from({ length: 10 }, (_, i) => pause(i * 1000, 0.2, 'Cleanup'));
    expect(createJvmSafepointFindings(light, 10_000)).toEqual([]);
  });
});

describe('Go and JVM frames are sorted by package', () => {
  it('Go: standard library, modules (cache and -trimpath) and the user module', () => {
    const go = (name: string, file: string) => categorizeFrame({ name, file, kind: 'js' });
    expect(go('net/http.(*conn).serve', '/usr/local/go/src/net/http/server.go').category).toBe(
      'core',
    );
    expect(go('runtime.scanobject', '/usr/local/go/src/runtime/mgcmark.go').category).toBe('gc');
    expect(
      go(
        'github.com/go-chi/chi/v5.(*Mux).ServeHTTP',
        '/home/u/go/pkg/mod/github.com/go-chi/chi/v5@v5.0.12/mux.go',
      ),
    ).toEqual({
      category: 'dependency',
      pkg: 'github.com/go-chi/chi/v5',
    });
    expect(
      go('github.com/go-chi/chi/v5.(*Mux).ServeHTTP', 'github.com/go-chi/chi/v5@v5.0.12/mux.go')
        .category,
    ).toBe('dependency');
    expect(go('encoding/json.Marshal', 'encoding/json/encode.go').category).toBe('core');
    expect(go('main.handler', '/home/u/shop/main.go').category).toBe('app');
    expect(
      go('github.com/acme/shop/cart.Total', 'github.com/acme/shop/cart/cart.go').category,
    ).toBe('app');
  });
  it('JVM: JDK, known libraries and the application', () => {
    const jvm = (name: string) =>
      categorizeFrame({ name, file: `${name.split('.').slice(0, -1).join('/')}.java`, kind: 'js' });
    expect(jvm('java.util.HashMap.get').category).toBe('core');
    expect(jvm('com.fasterxml.jackson.databind.ObjectMapper.writeValueAsString')).toEqual({
      category: 'dependency',
      pkg: 'com.fasterxml.jackson',
    });
    expect(jvm('shop.ShopServer.priceOf').category).toBe('app');
  });
});

describe('Python profiles from other tools', () => {
  it('reads a cProfile .prof without Python (marshal parsed here) and rebuilds the callers', async () => {
    const analysis = await analyzeFile(join(FIXTURES, 'python/cpu_app.prof'), {
      cwd: join(FIXTURES, 'python'),
    });
    expect(analysis.profile).toMatchObject({
      format: 'pstats',
      valueKind: 'wall',
      runtime: 'python',
    });
    expect(analysis.findings[0]).toMatchObject({
      id: 'cpu.hot-function',
      location: { file: 'cpu_app.py', line: 8, functionName: 'checksum' },
    });
    // json.dumps is reached through handle(): the caller graph put it under the user's line.
    expect(analysis.findings.find((f) => f.id === 'cpu.json')?.location?.functionName).toBe(
      'handle',
    );
  });

  it.skipIf(requireBinaries('python3').skip)(
    'decodes marshal exactly as Python wrote it (ints, big ints, floats, strings, refs)',
    () => {
      const out = spawnSync('python3', [
        '-c',
        'import marshal,sys; s="shared"; sys.stdout.buffer.write(marshal.dumps({("a.py",3,"f"):(1,2**70,0.5,-7,[s,s,None,True])}))',
      ]);
      const value = readMarshal(new Uint8Array(out.stdout));
      expect(value).toEqual({
        dict: [
          [
            ['a.py', 3, 'f'],
            [1, 2n ** 70n, 0.5, -7, ['shared', 'shared', null, true]],
          ],
        ],
      });
    },
  );

  it('reads py-spy speedscope: the frame line is where time was spent, the function is one frame', async () => {
    const analysis = await analyzeFile(join(FIXTURES, 'python/py-spy-shop.speedscope.json'));
    expect(analysis.profile.runtime).toBe('python');
    expect(analysis.tables.hotspots[0]).toMatchObject({
      functionName: 'checksum',
      file: '/srv/shop/app.py',
      line: 21,
      lineSource: 'profile',
    });
    expect(analysis.tables.functions.filter((f) => f.name === 'checksum')).toHaveLength(1);
    expect(analysis.findings.find((f) => f.id === 'cpu.json')?.location).toMatchObject({
      line: 30,
    });
    // Frame names of py-spy's format stay readable.
    expect(
      JSON.parse(readFileSync(join(FIXTURES, 'python/py-spy-shop.speedscope.json'), 'utf8'))
        .exporter,
    ).toMatch(/^py-spy/);
  });
});
