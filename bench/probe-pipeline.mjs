// The probe's detector pipeline wired in-process as startProbe wires it (stats, findings store,
// query sink, request-end handler), without instrumentation, I/O or a report file: what the probe
// benchmarks drive with synthetic requests. `dist` is the build to load (default this one's).
import { fileURLToPath } from 'node:url';

/** Loads the probe modules of `dist` and connects its pipeline; returns what a driver calls. */
export async function startProbePipeline(
  dist = fileURLToPath(new URL('../dist', import.meta.url)),
) {
  const { parseProbeConfig } = await import(`${dist}/probe/config.js`);
  const { createProbeFindingsStore, createQuerySink, createRequestEndHandler } = await import(
    `${dist}/probe/pipeline.js`
  );
  const recorder = await import(`${dist}/probe/recorder.js`);
  const { createRequestState } = await import(`${dist}/probe/state.js`);
  const { ProbeStats } = await import(`${dist}/probe/stats.js`);
  const targets = {
    config: parseProbeConfig({}, process.cwd()),
    store: createProbeFindingsStore(),
    stats: new ProbeStats(),
    metrics: undefined,
  };
  recorder.setQuerySink(createQuerySink(targets));
  return {
    targets,
    onEnd: createRequestEndHandler(targets, () => {}),
    beginQuery: recorder.beginQuery,
    finishQuery: recorder.finishQuery,
    createRequestState,
  };
}
