// Micro-benchmark of the trend hot path: hdr-histogram-js recordValue vs Redline's FastRecorder
// (same bucket layout, drained into hdr-histogram-js once per interval). Run after `npm run build`.
import * as hdr from 'hdr-histogram-js';
import { FastRecorder } from '../../dist/metrics/fast-recorder.js';
import { createHistogram, decodeHistogram, encodeHistogram } from '../../dist/metrics/histogram.js';

const N = 10_000_000;
const values = new Uint32Array(4096);
for (let i = 0; i < values.length; i++) values[i] = Math.floor(50 + Math.random() ** 3 * 500_000); // 50 µs .. 0.5 s, skewed

function time(label, fn) {
  fn(N / 10); // warm-up
  const start = process.hrtime.bigint();
  fn(N);
  const ns = Number(process.hrtime.bigint() - start) / N;
  console.log(`${label.padEnd(44)} ${ns.toFixed(1)} ns/value`);
  return ns;
}

const lib = hdr.build({
  bitBucketSize: 32,
  autoResize: true,
  lowestDiscernibleValue: 1,
  highestTrackableValue: 2,
  numberOfSignificantValueDigits: 3,
  useWebAssembly: false,
});
const a = time('hdr-histogram-js recordValue', (n) => {
  for (let i = 0; i < n; i++) lib.recordValue(values[i & 4095]);
});
const rec = new FastRecorder();
const b = time('FastRecorder.record', (n) => {
  for (let i = 0; i < n; i++) rec.record(values[i & 4095]);
});
let start = process.hrtime.bigint();
const encoded = rec.encodeAndReset();
console.log(
  `${'FastRecorder.encodeAndReset (once per interval)'.padEnd(44)} ${(Number(process.hrtime.bigint() - start) / 1e3).toFixed(0)} µs (${encoded.length} bytes)`,
);
start = process.hrtime.bigint();
const decoded = decodeHistogram(encoded);
console.log(
  `${'hdr-histogram-js decode (controller side)'.padEnd(44)} ${(Number(process.hrtime.bigint() - start) / 1e3).toFixed(0)} µs (${decoded.totalCount} values)`,
);
const viaLibrary = createHistogram('interval');
for (let i = 0; i < 4096; i++) viaLibrary.recordValue(values[i]);
start = process.hrtime.bigint();
encodeHistogram(viaLibrary);
console.log(
  `${'hdr-histogram-js encodeIntoCompressedBase64'.padEnd(44)} ${(Number(process.hrtime.bigint() - start) / 1e3).toFixed(0)} µs`,
);
console.log(`ratio: FastRecorder is ${(a / b).toFixed(1)}x faster per value`);
