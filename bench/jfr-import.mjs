// How Redline reads Flight Recorder files: `jfr print --json` (the JDK's CLI) against Redline's
// exporter (the JDK's jdk.jfr.consumer parser run with the source launcher), on one recording.
// Usage: npm run build && node bench/jfr-import.mjs <recording.jfr>   (needs a JDK on the PATH)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JFR_EXPORTER_SOURCE } from '../dist/profiler/import/jfr-exporter-source.js';

const file = process.argv[2];
if (!file) {
  console.error('usage: node bench/jfr-import.mjs <recording.jfr>');
  process.exit(2);
}
const events =
  'jdk.ExecutionSample,jdk.ObjectAllocationSample,jdk.GarbageCollection,jdk.JavaMonitorEnter,jdk.ThreadPark,jdk.SafepointBegin';
const time = (label, cmd, args) => {
  const t0 = performance.now();
  const run = spawnSync(cmd, args, { maxBuffer: 2 ** 31 - 1 });
  const ms = performance.now() - t0;
  if (run.status !== 0) throw new Error(`${label} failed: ${run.stderr}`);
  return { ms, bytes: run.stdout.length, out: run.stdout };
};
const print = time('jfr print --json', 'jfr', [
  'print',
  '--json',
  '--stack-depth',
  '64',
  '--events',
  events,
  file,
]);
let parseMs = Number.NaN;
try {
  const t0 = performance.now();
  JSON.parse(print.out.toString());
  parseMs = performance.now() - t0;
} catch (error) {
  console.log(`JSON.parse of jfr print output failed: ${error.message}`);
}
const dir = mkdtempSync(join(tmpdir(), 'rl-jfr-bench-'));
const source = join(dir, 'RedlineJfrExport.java');
writeFileSync(source, JFR_EXPORTER_SOURCE);
const exported = time('exporter', 'java', [
  '-XX:TieredStopAtLevel=1',
  '-XX:+UseSerialGC',
  source,
  file,
]);
rmSync(dir, { recursive: true, force: true });
const mb = (b) => (b / 1e6).toFixed(1);
console.log(
  `jfr print --json: ${print.ms.toFixed(0)} ms, ${mb(print.bytes)} MB, JSON.parse ${parseMs.toFixed(0)} ms`,
);
console.log(`redline exporter: ${exported.ms.toFixed(0)} ms, ${mb(exported.bytes)} MB`);
console.log(
  `ratio (print+parse / exporter): ${((print.ms + parseMs) / exported.ms).toFixed(1)}x time, ${(print.bytes / exported.bytes).toFixed(0)}x bytes`,
);
