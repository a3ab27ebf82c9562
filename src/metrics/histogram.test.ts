import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { histogramState } from './__fixtures__/histogram-state.js';
import { FastRecorder } from './fast-recorder.js';
import { addHistogram, createHistogram, decodeHistogram, type Histogram } from './histogram.js';

/** A source histogram as Redline makes them: decoded from a snapshot, taken locally, or a total. */
function source(kind: number, values: number[]): Histogram {
  const recorder = new FastRecorder();
  for (const v of values) recorder.record(v);
  if (kind === 0) return decodeHistogram(recorder.encodeAndReset());
  if (kind === 1) return recorder.takeHistogram();
  const total = createHistogram('total');
  for (const v of values) total.recordValue(v);
  return total;
}

describe('addHistogram', () => {
  it("leaves the target exactly as the library's add does, for any sequence of sources", () => {
    const values = fc.array(
      fc.oneof(fc.integer({ min: 0, max: 3000 }), fc.integer({ min: 0, max: 2 ** 31 - 1 })),
      { maxLength: 120 },
    );
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 2 }), values), { minLength: 1, maxLength: 5 }),
        (sources) => {
          const viaLibrary = createHistogram('total');
          const viaOurs = createHistogram('total');
          for (const [kind, vs] of sources) {
            viaLibrary.add(source(kind, vs));
            addHistogram(viaOurs, source(kind, vs));
            expect(histogramState(viaOurs)).toEqual(histogramState(viaLibrary));
          }
          for (const p of [0, 50, 99, 100])
            expect(viaOurs.getValueAtPercentile(p)).toBe(viaLibrary.getValueAtPercentile(p));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('moves the minimum to the lowest non-zero value even when zeros were recorded', () => {
    const viaLibrary = createHistogram('total');
    const viaOurs = createHistogram('total');
    viaLibrary.recordValue(900_000);
    viaOurs.recordValue(900_000);
    const zerosAndSmall = () => source(0, [0, 0, 7, 5000]);
    viaLibrary.add(zerosAndSmall());
    addHistogram(viaOurs, zerosAndSmall());
    expect(viaOurs.minNonZeroValue).toBe(7);
    expect(histogramState(viaOurs)).toEqual(histogramState(viaLibrary));
  });
});
