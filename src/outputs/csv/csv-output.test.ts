import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { BUILTIN_METRICS } from '../../metrics/builtin.js';
import { createIntervalFeed, testMeta } from '../prometheus/__fixtures__/interval-feed.js';
import { CSV_HEADER, createCsvOutput, csvField } from './csv-output.js';

const dir = mkdtempSync(join(tmpdir(), 'redline-csv-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function writeRun(file: string): Promise<void> {
  const out = createCsvOutput(file, { cwd: dir });
  const feed = createIntervalFeed();
  await out.start!(testMeta({ startedAtMs: 1_700_000_000_000 }));
  const tags = { method: 'GET', status: '200', url: 'http://127.0.0.1/a,b?"q"', custom: 'x y' };
  const trend = feed.registry.trend(BUILTIN_METRICS.http_req_duration, tags);
  for (let i = 1; i <= 100; i++) trend.add(i);
  feed.registry.counter(BUILTIN_METRICS.http_reqs, tags).add(100);
  feed.registry.rate(BUILTIN_METRICS.http_req_failed).addMany(5, 100);
  feed.registry.gauge(BUILTIN_METRICS.vus).add(8);
  out.onInterval!(feed.next());
  feed.registry.counter(BUILTIN_METRICS.http_reqs, tags).add(3);
  out.onInterval!(feed.next());
  await out.stop!({ totals: feed.totals, durationMs: 2000, reason: 'completed' });
}

describe('csv output', () => {
  it('writes a header and one row per series per interval with k6 tag columns', async () => {
    await writeRun('run.csv');
    const lines = readFileSync(join(dir, 'run.csv'), 'utf8').trimEnd().split('\n');
    expect(lines[0]).toBe(CSV_HEADER.join(','));
    const col = (name: string) => CSV_HEADER.indexOf(name);
    const rows = lines.slice(1);
    const reqs = rows.filter((r) => r.includes(',http_reqs,'));
    expect(reqs).toHaveLength(2);
    expect(reqs[0]!.startsWith('1700000001,http_reqs,counter,100,,100,')).toBe(true);
    expect(reqs[1]!.startsWith('1700000002,http_reqs,counter,3,,3,')).toBe(true);
    expect(reqs[0]).toContain(',"http://127.0.0.1/a,b?""q""",custom=x%20y');
    const duration = rows.find((r) => r.includes(',http_req_duration,'))!.split(',');
    expect(duration[col('value')]).toBe('50.5');
    expect(duration[col('count')]).toBe('100');
    expect(duration[col('min')]).toBe('1');
    expect(duration[col('max')]).toBe('100');
    expect(Math.abs(Number(duration[col('p(95)')]) - 95)).toBeLessThan(0.1);
    expect(duration[col('method')]).toBe('GET');
    const failed = rows.find((r) => r.includes(',http_req_failed,'))!.split(',');
    expect(failed.slice(3, 6)).toEqual(['0.05', '100', '5']);
    const vus = rows.filter((r) => r.includes(',vus,'));
    expect(vus).toHaveLength(2);
    expect(vus[0]!.split(',')[col('value')]).toBe('8');
  });

  it('gzips when the file name ends in .gz', async () => {
    await writeRun('run.csv.gz');
    const text = gunzipSync(readFileSync(join(dir, 'run.csv.gz'))).toString('utf8');
    expect(text.split('\n')[0]).toBe(CSV_HEADER.join(','));
    expect(text).toContain('1700000002,http_reqs,counter,3,');
  });

  it('quotes fields per RFC 4180 and reports unwritable paths', async () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a"b')).toBe('"a""b"');
    expect(csvField('a\nb')).toBe('"a\nb"');
    const out = createCsvOutput('/nonexistent-dir/x.csv', { cwd: dir });
    await expect(out.start!(testMeta())).rejects.toThrow(/cannot write \/nonexistent-dir\/x.csv/);
    expect(() => createCsvOutput('', { cwd: dir })).toThrow(/needs a file/);
  });
});
