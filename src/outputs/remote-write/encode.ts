/**
 * Prometheus remote write 1.0 payloads: the `prometheus.WriteRequest` protobuf (field numbers of
 * prompb/types.proto and remote.proto, parsed at load time by protobufjs) compressed with Snappy
 * in the raw block format, plus native histogram spans/deltas from sparse bucket counts.
 */
import protobuf from 'protobufjs';
import snappy from 'snappyjs';

const SCHEMA = `
syntax = "proto3";
package prometheus;
message WriteRequest { repeated TimeSeries timeseries = 1; }
message TimeSeries {
  repeated Label labels = 1;
  repeated Sample samples = 2;
  repeated Histogram histograms = 4;
}
message Label { string name = 1; string value = 2; }
message Sample { double value = 1; int64 timestamp = 2; }
message BucketSpan { sint32 offset = 1; uint32 length = 2; }
message Histogram {
  oneof count { uint64 count_int = 1; double count_float = 2; }
  double sum = 3;
  sint32 schema = 4;
  double zero_threshold = 5;
  oneof zero_count { uint64 zero_count_int = 6; double zero_count_float = 7; }
  repeated BucketSpan negative_spans = 8;
  repeated sint64 negative_deltas = 9;
  repeated BucketSpan positive_spans = 11;
  repeated sint64 positive_deltas = 12;
  int32 reset_hint = 14;
  int64 timestamp = 15;
}
`;

const root = protobuf.parse(SCHEMA, { keepCase: true }).root;
const WriteRequest = root.lookupType('prometheus.WriteRequest');

/** One label; a series' labels include `__name__` and are sorted by name. */
export interface WireLabel {
  name: string;
  value: string;
}

/** A native histogram sample (integer counts, cumulative since the run started). */
export interface WireHistogram {
  count: number;
  sum: number;
  schema: number;
  zeroThreshold: number;
  zeroCount: number;
  positiveSpans: Array<{ offset: number; length: number }>;
  positiveDeltas: number[];
  timestamp: number;
}

/** One series of a request: float samples or native histograms, in time order. */
export interface WireSeries {
  labels: WireLabel[];
  samples?: Array<{ value: number; timestamp: number }>;
  histograms?: WireHistogram[];
}

/** Encodes a WriteRequest (uncompressed protobuf bytes). */
export function encodeWriteRequest(series: readonly WireSeries[]): Uint8Array {
  const timeseries = series.map((s) => ({
    labels: s.labels,
    samples: s.samples ?? [],
    histograms: (s.histograms ?? []).map((h) => ({
      count_int: h.count,
      sum: h.sum,
      schema: h.schema,
      zero_threshold: h.zeroThreshold,
      zero_count_int: h.zeroCount,
      positive_spans: h.positiveSpans,
      positive_deltas: h.positiveDeltas,
      timestamp: h.timestamp,
    })),
  }));
  // Plain objects already have the message's shape and types: encode them directly
  // (fromObject would copy every nested object first, several times slower).
  return WriteRequest.encode({ timeseries }).finish();
}

/** Decodes a WriteRequest (for tests and debugging). */
export function decodeWriteRequest(bytes: Uint8Array): {
  timeseries: Array<Record<string, unknown>>;
} {
  const message = WriteRequest.decode(bytes);
  return WriteRequest.toObject(message, { longs: Number, defaults: false, oneofs: false }) as {
    timeseries: Array<Record<string, unknown>>;
  };
}

/** Snappy raw block compression (what remote write's `Content-Encoding: snappy` means). */
export function compressBlock(bytes: Uint8Array): Buffer {
  return snappy.compress(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
}

/** Snappy raw block decompression. */
export function uncompressBlock(bytes: Uint8Array): Buffer {
  return snappy.uncompress(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
}

/**
 * Spans and deltas of sparse native buckets (index -> count): runs of consecutive indexes form a
 * span; gaps of up to `maxGap` empty buckets are filled with zeros instead of starting a new span.
 * Deltas are each bucket's count minus the previous bucket's (the first is absolute).
 */
export function toSpansAndDeltas(
  buckets: ReadonlyMap<number, number>,
  maxGap = 2,
): { spans: Array<{ offset: number; length: number }>; deltas: number[] } {
  const indexes = [...buckets.keys()].sort((a, b) => a - b);
  const spans: Array<{ offset: number; length: number }> = [];
  const deltas: number[] = [];
  let previousCount = 0;
  let previousIndex = 0;
  for (let i = 0; i < indexes.length; i++) {
    const index = indexes[i] as number;
    const gap = i === 0 ? 0 : index - previousIndex - 1;
    if (i === 0 || gap > maxGap) {
      spans.push({ offset: i === 0 ? index : gap, length: 1 });
    } else {
      const span = spans[spans.length - 1] as { offset: number; length: number };
      for (let g = 0; g < gap; g++) {
        deltas.push(-previousCount);
        previousCount = 0;
      }
      span.length += gap + 1;
    }
    const count = buckets.get(index) as number;
    deltas.push(count - previousCount);
    previousCount = count;
    previousIndex = index;
  }
  return { spans, deltas };
}
