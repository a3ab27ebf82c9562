/** Public surface of metrics/. */
export { Aggregate, type MetricSummary, type SeriesState, trendStat } from './aggregate.js';
export { BUILTIN_METRICS, type BuiltinMetricName, isBuiltinMetricName } from './builtin.js';
export { FastRecorder } from './fast-recorder.js';
export {
  createHistogram,
  decodeHistogram,
  encodeHistogram,
  type Histogram,
  percentile,
  TREND_SCALE,
} from './histogram.js';
export * from './metric-types.js';
export { MetricRegistry } from './registry.js';
export { CounterSeries, GaugeSeries, RateSeries, type Series, TrendSeries } from './series.js';
export type * from './snapshot.js';
