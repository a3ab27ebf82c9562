// Go services: profiles fetched from a server that behaves like net/http/pprof while Redline's
// load runs; planted problems named at their file:line, healthy profiles silent, pprof's own
// errors turned into clear ones.
import { afterEach, describe, expect, it } from 'vitest';
import { runQuickTest } from '../../src/engine/quick/run-quick.js';
import { profileStackTarget } from '../../src/profiler/index.js';
import { type PprofServer, startPprofServer } from '../helpers/pprof-server.js';

let server: PprofServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const load = (url: string, signal: AbortSignal) =>
  runQuickTest({ url, connections: 2, durationMs: 1000, signal });

async function profile(types: Array<'cpu' | 'heap' | 'allocs' | 'mutex' | 'block' | 'goroutine'>) {
  const s = server as PprofServer;
  return profileStackTarget({
    runtime: 'go',
    url: `${s.url}/`,
    pprof: { url: s.pprofUrl, types },
    windowMs: 1000,
    load,
  });
}

describe('redline profile --pprof (Go)', () => {
  it('fetches the CPU profile for exactly the load window and names the hot line', async () => {
    server = await startPprofServer({ cpu: 'shop-cpu.pb.gz' });
    const result = await profile(['cpu']);
    expect(server.requests).toEqual(['profile?seconds=1']);
    expect(server.count()).toBeGreaterThan(server.requests.length); // the load reached the service
    expect(result.recording.cpu?.durationMs).toBe(1000);
    const first = result.findings[0];
    expect(first).toMatchObject({
      id: 'cpu.hot-function',
      location: {
        file: '/home/dev/shop/catalog.go',
        line: 88,
        functionName: 'main.(*catalog).priceOf',
      },
    });
    expect(result.findings.find((f) => f.id === 'cpu.json')?.location).toMatchObject({
      file: '/home/dev/shop/handlers.go',
      line: 41,
    });
    // The standard library is core, not the user's code; no runtime rule fires on this service.
    expect(
      result.analysis.tables.categories.find((c) => c.category === 'core')?.share,
    ).toBeGreaterThan(0.3);
    for (const id of ['gc.pressure', 'go.scheduler', 'lock.contention'])
      expect(result.findings.some((f) => f.id === id)).toBe(false);
  });

  it('reports GC pressure with the allocating line from mark workers and assists', async () => {
    server = await startPprofServer({ cpu: 'report-cpu.pb.gz', allocs: 'report-allocs.pb.gz' });
    const result = await profile(['cpu', 'allocs']);
    expect(server.requests.sort()).toEqual(['allocs?seconds=1', 'profile?seconds=1']);
    const gc = result.findings.find((f) => f.id === 'gc.pressure');
    expect(gc?.impact?.share).toBeGreaterThan(0.4);
    expect(gc?.location).toMatchObject({ file: '/home/dev/shop/report.go', line: 41 });
    expect(gc?.rootCause).toMatch(/mark assists/);
    expect(result.findings.find((f) => f.id === 'go.alloc')?.location).toMatchObject({
      file: '/home/dev/shop/report.go',
      line: 41,
      functionName: 'main.buildReport',
    });
    const allocs = result.analysis.views.find((v) => v.kind === 'alloc');
    expect(allocs?.analysis.tables.hotspots[0]).toMatchObject({
      file: '/home/dev/shop/report.go',
      line: 41,
    });
  });

  it('finds the contended mutex in the block and mutex profiles, not the idle channel reader', async () => {
    server = await startPprofServer({
      cpu: 'healthy-cpu.pb.gz',
      block: 'ledger-block.pb.gz',
      mutex: 'ledger-mutex.pb.gz',
    });
    const result = await profile(['cpu', 'block', 'mutex']);
    const locks = result.findings.filter((f) => f.id === 'lock.contention');
    expect(locks.map((f) => f.location?.line).sort()).toEqual([22, 27]);
    expect(locks.every((f) => f.location?.file === '/home/dev/shop/ledger.go')).toBe(true);
    // 14.8 s of waits in a 1 s window: severe.
    expect(locks[0]?.severity).toBe('high');
    // The mailer waiting on its channel (79 s of "delay") is idle, never reported.
    expect(result.findings.some((f) => f.location?.file?.endsWith('mailer.go'))).toBe(false);
  });

  it('stays silent on a healthy service (CPU, block and goroutine profiles)', async () => {
    server = await startPprofServer({
      cpu: 'healthy-cpu.pb.gz',
      block: 'healthy-block.pb.gz',
      goroutine: 'healthy-goroutine.pb.gz',
    });
    const result = await profile(['cpu', 'block', 'goroutine']);
    expect(server.requests).toContain('goroutine');
    const ids = result.findings.filter((f) => f.severity !== 'info').map((f) => f.id);
    for (const id of [
      'gc.pressure',
      'go.scheduler',
      'lock.contention',
      'go.goroutine-pileup',
      'go.alloc',
    ])
      expect(ids).not.toContain(id);
  });

  it('reports scheduler overhead and a goroutine pile-up', async () => {
    server = await startPprofServer({
      cpu: 'fanout-cpu.pb.gz',
      goroutine: 'notifier-goroutine.pb.gz',
    });
    const result = await profile(['cpu', 'goroutine']);
    expect(result.findings.find((f) => f.id === 'go.scheduler')?.impact?.share).toBeGreaterThan(
      0.3,
    );
    expect(result.findings.find((f) => f.id === 'go.goroutine-pileup')).toMatchObject({
      location: { file: '/home/dev/shop/notifier.go', line: 31 },
      title: expect.stringContaining('5230 goroutines'),
    });
  });

  it('says why an empty mutex profile measured nothing', async () => {
    server = await startPprofServer({ cpu: 'shop-cpu.pb.gz', mutex: 'empty-mutex.pb.gz' });
    const result = await profile(['cpu', 'mutex']);
    expect(result.analysis.notes.join('\n')).toMatch(/SetMutexProfileFraction/);
  });

  it('turns net/http/pprof errors into errors that say what to change', async () => {
    server = await startPprofServer({ noPprof: true });
    await expect(profile(['cpu'])).rejects.toMatchObject({
      code: 'PROFILE_PPROF_FAILED',
      exitCode: 69,
      hint: expect.stringContaining('net/http/pprof'),
    });
    await server.close();
    server = await startPprofServer({ cpu: 'shop-cpu.pb.gz', writeTimeoutS: 1 });
    await expect(profile(['cpu'])).rejects.toMatchObject({
      exitCode: 2,
      hint: expect.stringContaining('WriteTimeout'),
    });
  });

  it('refuses a second CPU profile at once, as Go does', async () => {
    server = await startPprofServer({ cpu: 'shop-cpu.pb.gz' });
    const first = profile(['cpu']);
    await new Promise((r) => setTimeout(r, 100));
    await expect(profile(['cpu'])).rejects.toMatchObject({
      exitCode: 72,
      hint: expect.stringContaining('one at a time'),
    });
    await first;
  });
});
