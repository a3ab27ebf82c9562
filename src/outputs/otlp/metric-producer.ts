/**
 * A MetricProducer for @opentelemetry/sdk-metrics that reports a run's merged totals directly:
 * counters as monotonic cumulative sums, gauges and rate ratios as gauges, trends as explicit
 * bucket histograms in seconds (bucket counts come from the HDR histograms, so no per-request
 * `record()` calls are needed and the counts are exact to HDR precision).
 */
import { type Attributes, type HrTime, ValueType } from '@opentelemetry/api';
import { emptyResource } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  type CollectionResult,
  DataPointType,
  type MetricData,
  type MetricProducer,
} from '@opentelemetry/sdk-metrics';
import type { SeriesState } from '../../metrics/aggregate.js';
import type { MetricDescriptor } from '../../metrics/metric-types.js';
import type { PrometheusModel } from '../prometheus/model.js';
import { helpText, unitFactor } from '../prometheus/naming.js';

/** Converts epoch milliseconds to OpenTelemetry's [seconds, nanoseconds]. */
export function toHrTime(epochMs: number): HrTime {
  const seconds = Math.floor(epochMs / 1000);
  return [seconds, Math.round((epochMs - seconds * 1000) * 1e6)];
}

/** OTel unit of a metric's exported values (UCUM): seconds, bytes, or none. */
function unitOf(d: MetricDescriptor): string {
  if (d.type === 'rate') return '1';
  return d.contains === 'time' ? 's' : d.contains === 'data' ? 'By' : '';
}

/** Reads the model's totals and buckets on every collection. */
export class RunMetricProducer implements MetricProducer {
  readonly #model: PrometheusModel;
  readonly #prefix: string;
  #attributes: Attributes = {};
  #startTime: HrTime = [0, 0];
  #scope = { name: 'redline', version: '' };

  constructor(model: PrometheusModel, prefix: string, version: string) {
    this.#model = model;
    this.#prefix = prefix;
    this.#scope.version = version;
  }

  /** Sets the attributes every data point carries and the cumulative start time. */
  start(attributes: Attributes, startedAtMs: number): void {
    this.#attributes = attributes;
    this.#startTime = toHrTime(startedAtMs);
  }

  /** Builds the metric data of the latest totals. */
  async collect(): Promise<CollectionResult> {
    const totals = this.#model.totals;
    const metrics = new Map<string, MetricData>();
    if (totals) {
      const endTime = toHrTime(this.#model.lastUpdateMs);
      for (const s of totals.series.values()) {
        const d = totals.descriptors.get(s.metric) ?? {
          name: s.metric,
          type: s.type,
          contains: 'default',
        };
        this.#addSeries(metrics, d, s, endTime);
      }
    }
    return {
      resourceMetrics: {
        resource: emptyResource(),
        scopeMetrics: [{ scope: this.#scope, metrics: [...metrics.values()] }],
      },
      errors: [],
    };
  }

  #addSeries(
    metrics: Map<string, MetricData>,
    d: MetricDescriptor,
    s: SeriesState,
    endTime: HrTime,
  ): void {
    const attributes: Attributes = { ...this.#attributes, ...s.tags };
    const point = <T>(value: T) => ({ startTime: this.#startTime, endTime, attributes, value });
    const name = this.#prefix + d.name;
    const get = (
      metricName: string,
      type: DataPointType,
      unit: string,
      description: string,
    ): MetricData => {
      let m = metrics.get(metricName);
      if (!m) {
        const descriptor = { name: metricName, description, unit, valueType: ValueType.DOUBLE };
        const base = {
          descriptor,
          aggregationTemporality: AggregationTemporality.CUMULATIVE,
          dataPoints: [],
        };
        m =
          type === DataPointType.SUM
            ? { ...base, dataPointType: DataPointType.SUM, isMonotonic: true }
            : type === DataPointType.GAUGE
              ? { ...base, dataPointType: DataPointType.GAUGE }
              : { ...base, dataPointType: DataPointType.HISTOGRAM };
        metrics.set(metricName, m);
      }
      return m;
    };
    const help = helpText(d);
    switch (s.type) {
      case 'counter':
        (get(name, DataPointType.SUM, unitOf(d), help).dataPoints as unknown[]).push(point(s.sum));
        break;
      case 'gauge':
        (get(name, DataPointType.GAUGE, unitOf(d), help).dataPoints as unknown[]).push(
          point(s.sum),
        );
        break;
      case 'rate':
        (get(name, DataPointType.GAUGE, '1', help).dataPoints as unknown[]).push(
          point(s.count > 0 ? s.sum / s.count : 0),
        );
        (
          get(`${name}.passes`, DataPointType.SUM, '', `${help} (non-zero values)`)
            .dataPoints as unknown[]
        ).push(point(s.sum));
        (
          get(`${name}.fails`, DataPointType.SUM, '', `${help} (zero values)`)
            .dataPoints as unknown[]
        ).push(point(s.count - s.sum));
        break;
      case 'trend': {
        const b = this.#model.buckets(s.key);
        if (!b) break;
        const f = unitFactor(d.contains);
        const value = {
          buckets: { boundaries: [...b.bounds], counts: [...b.counts] },
          sum: s.sum * f,
          count: b.count,
          ...(s.count > 0 ? { min: s.min * f, max: s.max * f } : {}),
        };
        (get(name, DataPointType.HISTOGRAM, unitOf(d), help).dataPoints as unknown[]).push(
          point(value),
        );
        break;
      }
    }
  }
}
