/**
 * The OpenTelemetry side of the OTLP output (loaded on demand): a MeterProvider whose periodic
 * reader pulls the run's data from {@link RunMetricProducer} and pushes it with the OTLP/HTTP
 * exporter, and an exporter wrapper that counts failures the SDK would only log.
 */
import type { Attributes } from '@opentelemetry/api';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  MeterProvider,
  PeriodicExportingMetricReader,
  type PushMetricExporter,
} from '@opentelemetry/sdk-metrics';
import { describeDeliveryError } from '../delivery.js';
import type { PrometheusModel } from '../prometheus/model.js';
import { RunMetricProducer } from './metric-producer.js';

/** What {@link createOtlpPipeline} needs. */
export interface OtlpPipelineOptions {
  model: PrometheusModel;
  endpoint: string;
  version: string;
  prefix: string;
  exportIntervalMs: number;
  /** Timeout of one export, retries included (at most the flush timeout). */
  timeoutMs: number;
  /** Longest wait for the final export at shutdown. */
  flushTimeoutMs: number;
  headers?: Record<string, string>;
  /** Attributes of every data point (test-wide tags, testid). */
  attributes: Attributes;
  startedAtMs: number;
  /** Resource attributes (service.name, ...). */
  resource: Attributes;
}

/** A running export pipeline. */
export interface OtlpPipeline {
  /**
   * Runs the final export (waiting at most the flush timeout), stops the timer and tells how the
   * exports went: `pending` exports had no outcome when the flush timeout ended the wait.
   */
  shutdown(): Promise<{ exports: number; failed: number; pending: number; lastError: string }>;
}

/** Builds the provider, reader, exporter and producer, and starts periodic exports. */
export function createOtlpPipeline(o: OtlpPipelineOptions): OtlpPipeline {
  const producer = new RunMetricProducer(o.model, o.prefix, o.version);
  producer.start(o.attributes, o.startedAtMs);
  const exporter = new CountingExporter(
    o.timeoutMs,
    new OTLPMetricExporter({
      url: o.endpoint,
      timeoutMillis: o.timeoutMs,
      ...(o.headers ? { headers: o.headers } : {}),
    }),
  );
  const reader = new PeriodicExportingMetricReader({
    exporter,
    exportIntervalMillis: o.exportIntervalMs,
    exportTimeoutMillis: Math.min(o.exportIntervalMs, o.timeoutMs),
    metricProducers: [producer],
  });
  const provider = new MeterProvider({
    resource: resourceFromAttributes(o.resource),
    readers: [reader],
  });
  return {
    async shutdown() {
      // Shutting down runs the final export (once) and stops the timer. The exporter's own
      // timeout (at most the flush timeout) ends its requests; the race is a second bound.
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        provider.shutdown().catch(() => {}),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, o.flushTimeoutMs);
        }),
      ]);
      clearTimeout(timer);
      return {
        exports: exporter.exports,
        failed: exporter.failed,
        pending: exporter.pending,
        lastError: exporter.lastError,
      };
    },
  };
}

/** Wraps an exporter to count failed exports (the SDK only reports them to its diag logger). */
class CountingExporter implements PushMetricExporter {
  exports = 0;
  failed = 0;
  /** Exports started and not finished yet. */
  pending = 0;
  lastError = '';
  readonly #timeoutMs: number;
  readonly #inner: PushMetricExporter;
  constructor(timeoutMs: number, inner: PushMetricExporter) {
    this.#timeoutMs = timeoutMs;
    this.#inner = inner;
  }
  export(...[metrics, done]: Parameters<PushMetricExporter['export']>): void {
    this.exports++;
    this.pending++;
    this.#inner.export(metrics, (result) => {
      this.pending--;
      if (result.code !== 0) {
        this.failed++;
        this.lastError = result.error
          ? describeDeliveryError(result.error, this.#timeoutMs)
          : 'export failed';
      }
      done(result);
    });
  }
  forceFlush(): Promise<void> {
    return this.#inner.forceFlush();
  }
  shutdown(): Promise<void> {
    return this.#inner.shutdown();
  }
  selectAggregationTemporality(
    ...args: Parameters<NonNullable<PushMetricExporter['selectAggregationTemporality']>>
  ) {
    return this.#inner.selectAggregationTemporality!(...args);
  }
}
