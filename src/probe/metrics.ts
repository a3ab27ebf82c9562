/** Prometheus metrics of the probe (prom-client) on a side port: route latency, DB time, loop lag, pools. */
import http from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import client from 'prom-client';
import { readPoolGauges } from './drivers/pools.js';
import { ignoreServer } from './http-server.js';

const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** The probe's metrics. Children are cached per label set, so observing costs no label hashing. */
export class ProbeMetrics {
  readonly registry = new client.Registry();
  #latency: client.Histogram<'method' | 'route' | 'status'>;
  #dbTime: client.Histogram<'route'>;
  #queries: client.Counter<'driver'>;
  #children = new Map<string, client.Histogram.Internal<'method' | 'route' | 'status'>>();
  #dbChildren = new Map<string, client.Histogram.Internal<'route'>>();
  #loop = monitorEventLoopDelay({ resolution: 10 });

  constructor() {
    const registers = [this.registry];
    this.#latency = new client.Histogram({
      name: 'redline_http_request_duration_seconds',
      help: 'HTTP request latency by route',
      labelNames: ['method', 'route', 'status'],
      buckets: BUCKETS,
      registers,
    });
    this.#dbTime = new client.Histogram({
      name: 'redline_request_db_seconds',
      help: 'Database time per request by route',
      labelNames: ['route'],
      buckets: BUCKETS,
      registers,
    });
    this.#queries = new client.Counter({
      name: 'redline_db_queries_total',
      help: 'Database queries issued inside requests',
      labelNames: ['driver'],
      registers,
    });
    const loop = this.#loop;
    loop.enable();
    new client.Gauge({
      name: 'redline_event_loop_lag_seconds',
      help: 'Event-loop delay since the last scrape (p99)',
      registers,
      collect() {
        this.set(loop.percentile(99) / 1e9);
        loop.reset();
      },
    });
    new client.Gauge({
      name: 'redline_db_pool_connections',
      help: 'Connection pool gauges (state = total | idle | waiting)',
      labelNames: ['driver', 'pool', 'state'],
      registers,
      collect() {
        this.reset();
        for (const p of readPoolGauges()) {
          this.set({ driver: p.driver, pool: String(p.id), state: 'total' }, p.total);
          this.set({ driver: p.driver, pool: String(p.id), state: 'idle' }, p.idle);
          this.set({ driver: p.driver, pool: String(p.id), state: 'waiting' }, p.waiting);
        }
      },
    });
  }

  /** Records one finished request. */
  observeRequest(
    method: string,
    route: string,
    status: number,
    seconds: number,
    dbSeconds: number,
  ): void {
    const key = `${method} ${route} ${status}`;
    let child = this.#children.get(key);
    if (!child) {
      child = this.#latency.labels(method, route, String(status));
      this.#children.set(key, child);
    }
    child.observe(seconds);
    let db = this.#dbChildren.get(route);
    if (!db) {
      db = this.#dbTime.labels(route);
      this.#dbChildren.set(route, db);
    }
    db.observe(dbSeconds);
  }

  /** Counts one query. */
  countQuery(driver: string): void {
    this.#queries.labels(driver).inc();
  }

  /** Serves GET /metrics on 127.0.0.1:`port` (0 = any free port); resolves with the bound port. */
  listen(port: number): Promise<{ port: number; close: () => void }> {
    const server = http.createServer(async (req, res) => {
      if (req.url !== '/metrics') {
        res.writeHead(404).end();
        return;
      }
      const body = await this.registry.metrics();
      res.writeHead(200, { 'content-type': this.registry.contentType }).end(body);
    });
    ignoreServer(server);
    server.unref();
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        const address = server.address();
        resolve({
          port: typeof address === 'object' && address ? address.port : port,
          close: () => server.close(),
        });
      });
    });
  }

  /** Stops the event-loop monitor. */
  close(): void {
    this.#loop.disable();
  }
}
