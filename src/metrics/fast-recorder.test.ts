import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { histogramState } from './__fixtures__/histogram-state.js';
import { FastRecorder } from './fast-recorder.js';
import { createHistogram, decodeHistogram } from './histogram.js';

describe('FastRecorder', () => {
  it('drains into the same buckets as hdr-histogram-js recordValue', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 2 ** 33 }), { minLength: 1, maxLength: 300 }),
        (values) => {
          const recorder = new FastRecorder();
          const viaRecorder = createHistogram('total');
          const direct = createHistogram('total');
          for (const v of values) {
            recorder.record(v);
            direct.recordValue(v);
          }
          recorder.drainInto(viaRecorder);
          expect(viaRecorder.totalCount).toBe(direct.totalCount);
          // Same bucket for every percentile; HDR keeps the exact min/max of what was recorded,
          // which a bucket cannot know, so p0/p100 agree within the bucket's 0.1% resolution.
          for (const p of [1, 25, 50, 90, 99, 99.9]) {
            expect(viaRecorder.getValueAtPercentile(p)).toBe(direct.getValueAtPercentile(p));
          }
          for (const p of [0, 100]) {
            const expected = direct.getValueAtPercentile(p);
            expect(Math.abs(viaRecorder.getValueAtPercentile(p) - expected)).toBeLessThanOrEqual(
              expected / 1000 + 1,
            );
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('resets after a drain and records fractional values through the overflow path', () => {
    const recorder = new FastRecorder();
    recorder.record(5);
    recorder.record(12.6);
    const first = createHistogram('total');
    recorder.drainInto(first);
    expect(first.totalCount).toBe(2);
    expect(first.maxValue).toBe(13);
    const second = createHistogram('total');
    recorder.drainInto(second);
    expect(second.totalCount).toBe(0);
  });
});

describe('FastRecorder V2 encoding', () => {
  it('encodes exactly what hdr-histogram-js would, for any values', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 2 ** 31 - 1 }), { maxLength: 400 }),
        fc.boolean(),
        (values, withFraction) => {
          const recorder = new FastRecorder();
          const direct = createHistogram('total');
          for (const v of values) {
            recorder.record(v);
            direct.recordValue(v);
          }
          if (withFraction) {
            recorder.record(7.6);
            direct.recordValue(8);
          }
          const decoded = decodeHistogram(recorder.encodeAndReset());
          expect(decoded.totalCount).toBe(direct.totalCount);
          for (const p of [1, 10, 50, 90, 99, 99.9])
            expect(decoded.getValueAtPercentile(p)).toBe(direct.getValueAtPercentile(p));
          expect(recorder.count).toBe(0);
          expect(decodeHistogram(recorder.encodeAndReset()).totalCount).toBe(0);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('FastRecorder.takeHistogram (snapshots merged in their own thread)', () => {
  it('is the histogram the encoded form decodes to, and merges into the same totals', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.integer({ min: 0, max: 2 ** 31 - 1 }), { maxLength: 300 }), {
          minLength: 1,
          maxLength: 4,
        }),
        fc.boolean(),
        (intervals, withFraction) => {
          const encoded = new FastRecorder();
          const local = new FastRecorder();
          const viaCodec = createHistogram('total');
          const viaLocal = createHistogram('total');
          for (const values of intervals) {
            for (const v of values) {
              encoded.record(v);
              local.record(v);
            }
            if (withFraction) {
              encoded.record(7.6);
              local.record(7.6);
            }
            const decoded = decodeHistogram(encoded.encodeAndReset());
            const taken = local.takeHistogram();
            expect(histogramState(taken)).toEqual(histogramState(decoded));
            viaCodec.add(decoded);
            viaLocal.add(taken);
            expect(local.count).toBe(0);
          }
          expect(histogramState(viaLocal)).toEqual(histogramState(viaCodec));
          expect(viaLocal.totalCount).toBe(
            intervals.reduce((n, v) => n + v.length + (withFraction ? 1 : 0), 0),
          );
        },
      ),
      { numRuns: 50 },
    );
  });

  it('hands over an empty histogram after a reset', () => {
    const recorder = new FastRecorder();
    recorder.record(1500);
    expect(recorder.takeHistogram().totalCount).toBe(1);
    const empty = recorder.takeHistogram();
    expect(empty.totalCount).toBe(0);
    expect(histogramState(empty)).toEqual(
      histogramState(decodeHistogram(new FastRecorder().encodeAndReset())),
    );
  });
});
