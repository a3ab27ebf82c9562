/**
 * `--out prometheus=[host]:port`: serves the run's metrics at `/metrics` in the Prometheus text
 * format while the run goes on (counters, gauges, rates, trends as classic histograms plus
 * statistic gauges). Rendering happens on scrape; `onInterval` only grows trend buckets.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ExitCode } from '../../errors/exit-codes.js';
import { RedlineError } from '../../errors/redline-error.js';
import type { IntervalUpdate, RunEnd, RunMeta } from '../../results/run-meta.js';
import type { Output } from '../output.js';
import { renderExposition, TEXT_CONTENT_TYPE } from './exposition.js';
import { PrometheusModel, type PrometheusModelOptions } from './model.js';
import { modelOptionsFromEnv, parseDurationOption, parseListenAddress } from './options.js';

/** Default port of the exposition endpoint (the OpenTelemetry Prometheus exporter's port). */
export const DEFAULT_PROMETHEUS_PORT = 9464;

/** Options of {@link createPrometheusOutput}. */
export interface PrometheusOutputOptions extends PrometheusModelOptions {
  /** Listen host (default 127.0.0.1). */
  host?: string;
  /** Listen port (default 9464; 0 picks a free one, see `address()`). */
  port?: number;
  /**
   * After the run, keep serving until one scrape has seen the final values, at most this long
   * (default 0: stop at once). Lets a Prometheus with a long scrape interval get the last numbers.
   */
  lingerMs?: number;
}

/** The exposition output, with its bound address (useful with port 0). */
export interface PrometheusOutput extends Output {
  /** Where the endpoint listens, once started. */
  address(): { host: string; port: number } | undefined;
  /** The current exposition text (what a scrape gets). */
  render(): string;
}

/** Creates the exposition endpoint output. */
export function createPrometheusOutput(options: PrometheusOutputOptions = {}): PrometheusOutput {
  const model = new PrometheusModel(options);
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? DEFAULT_PROMETHEUS_PORT;
  let server: Server | undefined;
  let bound: { host: string; port: number } | undefined;
  let finalVersion = -1;
  let version = 0;
  let scrapedVersion = -1;
  let onScrape: (() => void) | undefined;
  let startedAtMs = 0;

  const render = () => renderExposition(model.families(true));
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(path === '/metrics' ? 405 : 404, {
        'content-type': 'text/plain; charset=utf-8',
      });
      res.end(
        path === '/metrics' ? 'method not allowed\n' : 'not found: metrics are at /metrics\n',
      );
      return;
    }
    const body = render();
    scrapedVersion = version;
    res.writeHead(200, {
      'content-type': TEXT_CONTENT_TYPE,
      'content-length': Buffer.byteLength(body),
      'cache-control': 'no-store',
    });
    res.end(req.method === 'HEAD' ? undefined : body);
    onScrape?.();
  };

  return {
    get description() {
      return `prometheus (http://${formatHost(bound?.host ?? host)}:${bound?.port ?? port}/metrics)`;
    },
    address: () => bound,
    render,
    async start(meta: RunMeta) {
      model.start(meta);
      startedAtMs = meta.startedAtMs;
      server = createServer(handle);
      bound = await listen(server, host, port);
    },
    onInterval(update: IntervalUpdate) {
      model.update(update.delta, update.totals, startedAtMs + update.endMs);
      version++;
    },
    async stop(end: RunEnd) {
      model.update(undefined, end.totals, Date.now());
      finalVersion = ++version;
      const linger = options.lingerMs ?? 0;
      if (linger > 0 && scrapedVersion < finalVersion) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, linger);
          onScrape = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
      await close(server);
      server = undefined;
    },
  };
}

/** Factory for `--out prometheus=[host]:port` (extra settings from REDLINE_PROMETHEUS_* variables). */
export function createPrometheusOutputFromArgument(argument: string): PrometheusOutput {
  const { host, port } = parseListenAddress(argument, DEFAULT_PROMETHEUS_PORT, '--out prometheus');
  const linger = process.env['REDLINE_PROMETHEUS_LINGER'];
  const options: PrometheusOutputOptions = { ...modelOptionsFromEnv(), host, port };
  if (linger !== undefined && linger.trim() !== '')
    options.lingerMs = parseDurationOption(linger, 'REDLINE_PROMETHEUS_LINGER');
  return createPrometheusOutput(options);
}

function formatHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/** Listens, turning "address in use" and friends into a clear error. */
export function listen(
  server: Server,
  host: string,
  port: number,
): Promise<{ host: string; port: number }> {
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        new RedlineError(
          'E_OUTPUT_LISTEN',
          `cannot listen on ${formatHost(host)}:${port}: ${error.code ?? error.message}`,
          {
            hint:
              error.code === 'EADDRINUSE'
                ? 'pick another port (port 0 picks a free one)'
                : 'check the host and port',
            exitCode: ExitCode.Usage,
            cause: error,
          },
        ),
      );
    });
    server.listen(port, host, () => {
      const a = server.address() as AddressInfo;
      resolve({ host: a.address, port: a.port });
    });
  });
}

/** Closes a server, ending idle keep-alive connections so it does not wait for them. */
export function close(server: Server | undefined): Promise<void> {
  if (!server) return Promise.resolve();
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
    setTimeout(() => server.closeAllConnections(), 1000).unref();
  });
}
