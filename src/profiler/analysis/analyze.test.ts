// Analysis of real profiles: hot spots at the right file:line, categories, root causes.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeFile } from './analyze-file.js';
import { categorizeFrame } from './categorize.js';

const FIXTURES = join(import.meta.dirname, '../../../test/fixtures/profiles');
const BURN = 'test/fixtures/profiles/burn.cjs';
const cwd = join(import.meta.dirname, '../../..');
// The fixtures were recorded in /work/main; map that to wherever this checkout is.
const pathMap = [['/work/main', cwd]] as const;

describe('analyzeFile on real CPU profiles of burn.cjs', () => {
  // burn.cjs:7 calls pbkdf2Sync inside hashLoop; line 12 runs JSON.stringify inside jsonLoop.
  for (const file of [
    'node/20.20.2/burn.cpuprofile',
    'perf/6.1.192/burn.folded',
    'datadog-pprof/5.20.0/burn-time.pb.gz',
  ]) {
    it(`names the sync crypto call first in ${file}`, async () => {
      const analysis = await analyzeFile(join(FIXTURES, file), { cwd, pathMap });
      const first = analysis.findings[0]!;
      expect(first.id).toBe('cpu.sync-crypto');
      expect(first.location?.file).toBe(BURN);
      expect(first.location?.functionName).toBe('hashLoop');
      expect(first.impact?.share).toBeGreaterThan(0.3);
      const hot = analysis.tables.hotspots[0]!;
      expect(hot.functionName).toBe('hashLoop');
    });
  }

  it('finds the call line inside hashLoop by searching its source (V8 records only function starts)', async () => {
    const analysis = await analyzeFile(join(FIXTURES, 'node/20.20.2/burn.cpuprofile'), {
      cwd,
      pathMap,
    });
    const hot = analysis.tables.hotspots[0]!;
    expect(hot).toMatchObject({
      file: BURN,
      line: 7,
      lineSource: 'call-site',
      patternId: 'cpu.sync-crypto',
    });
    const json = analysis.findings.find((f) => f.id === 'cpu.json');
    expect(json?.location).toMatchObject({ file: BURN, line: 12, functionName: 'jsonLoop' });
  });

  it('charges native time to the JavaScript caller and keeps idle out of shares', async () => {
    const analysis = await analyzeFile(join(FIXTURES, 'perf/6.1.192/burn.folded'), {
      cwd,
      pathMap,
    });
    const t = analysis.tables;
    expect(t.functions.find((f) => f.name === 'PKCS5_PBKDF2_HMAC')).toBeUndefined();
    const pbkdf2 = t.functions.find((f) => f.name === 'pbkdf2Sync')!;
    expect(pbkdf2.nativeSelf).toBeGreaterThan(0);
    const shares = t.categories.reduce((sum, c) => sum + c.share, 0);
    expect(shares).toBeCloseTo(1, 6);
  });
});

describe('analyzeFile on heap files', () => {
  it('lists allocation sites of a sampling heap profile as information', async () => {
    const analysis = await analyzeFile(join(FIXTURES, 'node/20.20.2/burn.heapprofile'), {
      cwd,
      pathMap,
    });
    expect(
      analysis.findings.every((f) => f.id === 'memory.allocation-site' && f.severity === 'info'),
    ).toBe(true);
    expect(
      analysis.tables.hotspots.some((h) => h.functionName === 'retain' && h.file === BURN),
    ).toBe(true);
  });

  it('flags growth between two snapshots', async () => {
    const analysis = await analyzeFile(join(FIXTURES, 'node/20.20.2/after.heapsnapshot.gz'), {
      baseline: join(FIXTURES, 'node/20.20.2/before.heapsnapshot.gz'),
    });
    expect(analysis.findings[0]).toMatchObject({ id: 'memory.growth', area: 'memory' });
    expect(analysis.tables.functions[0]!.name).toBe('(string)');
  });
});

describe('categorizeFrame', () => {
  it('sorts frames into app, dependency (by package), core and V8 buckets', () => {
    expect(categorizeFrame({ name: 'f', file: 'file:///srv/app/src/a.js', kind: 'js' })).toEqual({
      category: 'app',
    });
    expect(
      categorizeFrame({ name: 'f', file: '/srv/app/node_modules/@scope/pkg/lib/x.js', kind: 'js' }),
    ).toEqual({ category: 'dependency', pkg: '@scope/pkg' });
    expect(
      categorizeFrame({ name: 'f', file: '/a/node_modules/x/node_modules/y/i.js', kind: 'js' }),
    ).toEqual({ category: 'dependency', pkg: 'y' });
    expect(categorizeFrame({ name: 'f', file: 'node:internal/crypto/pbkdf2', kind: 'js' })).toEqual(
      { category: 'core' },
    );
    expect(
      categorizeFrame({ name: 'f', file: '/usr/lib/python3.11/json/encoder.py', kind: 'js' }),
    ).toEqual({ category: 'core' });
    expect(categorizeFrame({ name: '(garbage collector)', kind: 'gc' })).toEqual({
      category: 'gc',
    });
    expect(categorizeFrame({ name: 'writev', kind: 'native' })).toEqual({ category: 'native' });
    expect(
      categorizeFrame({ name: '$exec_simple_query', file: 'wasm://wasm/f1cd278a', kind: 'js' }),
    ).toEqual({ category: 'native' });
  });
});
