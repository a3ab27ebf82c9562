/** Test fixture: the state of an hdr-histogram-js histogram, for exact comparisons in tests. */
import type { Histogram } from '../histogram.js';

/** Everything of a histogram that an add, a query or an encoding reads. */
export function histogramState(h: Histogram) {
  const js = h as unknown as {
    countsArrayLength: number;
    getCountAtIndex(i: number): number;
    bucketCount: number;
    subBucketCount: number;
    unitMagnitude: number;
    highestTrackableValue: number;
    autoResize: boolean;
    startTimeStampMsec: number;
    endTimeStampMsec: number;
  };
  const counts: number[] = [];
  for (let i = 0; i < js.countsArrayLength; i++) counts.push(js.getCountAtIndex(i));
  return {
    className: h.constructor.name,
    counts,
    totalCount: h.totalCount,
    maxValue: h.maxValue,
    minNonZeroValue: h.minNonZeroValue,
    bucketCount: js.bucketCount,
    subBucketCount: js.subBucketCount,
    unitMagnitude: js.unitMagnitude,
    highestTrackableValue: js.highestTrackableValue,
    autoResize: js.autoResize,
    startTimeStampMsec: js.startTimeStampMsec,
    endTimeStampMsec: js.endTimeStampMsec,
  };
}
