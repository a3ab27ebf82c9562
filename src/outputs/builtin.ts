/** Registers every built-in output type (imported once by the CLI). One line per output. */
import { createCsvOutput } from './csv/csv-output.js';
import { createDashboardOutputFromArgument } from './dashboard/dashboard-output.js';
import { createNdjsonOutput } from './ndjson/ndjson-output.js';
import { createOtlpOutputFromArgument } from './otlp/otlp-output.js';
import { createPrometheusOutputFromArgument } from './prometheus/prometheus-output.js';
import { registerOutput } from './registry.js';
import { createRemoteWriteOutputFromArgument } from './remote-write/remote-write-output.js';

registerOutput('ndjson', 'ndjson=<file>', createNdjsonOutput);
registerOutput('prometheus', 'prometheus=[host]:port', createPrometheusOutputFromArgument);
registerOutput('prometheus-rw', 'prometheus-rw=<url>', (argument) =>
  createRemoteWriteOutputFromArgument(argument),
);
registerOutput('otlp', 'otlp=<collector url>', (argument) =>
  createOtlpOutputFromArgument(argument),
);
registerOutput('csv', 'csv=<file>', createCsvOutput);
registerOutput('dashboard', 'dashboard[=[host]:port]', createDashboardOutputFromArgument);
