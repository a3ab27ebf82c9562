/**
 * Registers every built-in output type (imported once by the CLI). One line per output; each
 * output's module is imported only when a run asks for it (protobufjs, OpenTelemetry, uPlot and
 * friends cost hundreds of milliseconds of start-up otherwise).
 */
import { registerOutput } from './registry.js';

registerOutput('ndjson', 'ndjson=<file>', async (arg, ctx) =>
  (await import('./ndjson/ndjson-output.js')).createNdjsonOutput(arg, ctx),
);
registerOutput('prometheus', 'prometheus=[host]:port', async (arg) =>
  (await import('./prometheus/prometheus-output.js')).createPrometheusOutputFromArgument(arg),
);
registerOutput('prometheus-rw', 'prometheus-rw=<url>', async (arg) =>
  (await import('./remote-write/remote-write-output.js')).createRemoteWriteOutputFromArgument(arg),
);
registerOutput('otlp', 'otlp=<collector url>', async (arg) =>
  (await import('./otlp/otlp-output.js')).createOtlpOutputFromArgument(arg),
);
registerOutput('csv', 'csv=<file>', async (arg, ctx) =>
  (await import('./csv/csv-output.js')).createCsvOutput(arg, ctx),
);
registerOutput('dashboard', 'dashboard[=[host]:port]', async (arg, ctx) =>
  (await import('./dashboard/dashboard-output.js')).createDashboardOutputFromArgument(arg, ctx),
);
