// A/B micro-benchmark of quick mode's per-response hot path without the network: response bytes
// are fed straight into HttpConnection (`handleRead`, as its socket's `onread` does: parser,
// timing trail, owner callback recording as QuickShard.onResponse does: HttpSeriesSet.record's
// trends, counter and rate, then iterations, data_sent and data_received), one and ten responses
// per read. The connection is
// really connected (to a local server that never answers) so its state is the production one.
// CPU time per response (process.cpuUsage), builds alternated round by round, medians.
// Usage: node bench/micro/connection-hot-path.bench.mjs [distA] [distB] (default: ./dist only)
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const dists = (process.argv.length > 2 ? process.argv.slice(2) : ['dist']).map((d) => resolve(d));
const RESPONSE =
  'HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\nDate: Thu, 26 Nov 2026 19:00:00 GMT\r\nContent-Type: text/plain\r\nContent-Length: 6\r\nConnection: keep-alive\r\n\r\nhello\n';
const REQUEST = Buffer.from('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
const BATCH = 1000; // requests in flight per round (the connection's pipelining window)
const ROUNDS = 400;

const server = createServer((s) => s.on('error', () => {}).resume());
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const url = `http://127.0.0.1:${server.address().port}/`;

async function load(dist) {
  const imp = (p) => import(pathToFileURL(`${dist}/${p}`).href);
  const [{ HttpConnection }, { HttpSeriesCache, DEFAULT_EXPECTED_STATUS }, { MetricRegistry }] =
    await Promise.all([
      imp('http/connection.js'),
      imp('http/http-metrics.js'),
      imp('metrics/registry.js'),
    ]);
  const { parseTarget } = await imp('http/target.js');
  const registry = new MetricRegistry(() => performance.now());
  const series = new HttpSeriesCache(registry, { method: 'GET' }, DEFAULT_EXPECTED_STATUS, false);
  const iterations = registry.counter('iterations');
  const dataSent = registry.counter('data_sent');
  const dataReceived = registry.counter('data_received');
  let done = 0;
  let ready;
  const up = new Promise((r) => {
    ready = r;
  });
  const owner = {
    onConnectionReady: () => ready(),
    onResponse(conn) {
      done++;
      const trail = conn.trail;
      series.forStatus(conn.statusCode).record(trail, trail.tag);
      iterations.add(1);
      dataSent.add(trail.bytesSent);
      dataReceived.add(trail.bytesReceived);
    },
    onRequestFailed() {},
    onRequestRetry() {},
    onConnectionClosed() {},
  };
  const conn = new HttpConnection(0, parseTarget(url), owner, {
    pipelining: BATCH,
    insecure: false,
    readBuffer: Buffer.alloc(64 * 1024),
    keepHeaders: false,
    keepBody: false,
  });
  conn.connect();
  await up;
  return { conn, registry, done: () => done };
}

const builds = await Promise.all(dists.map(load));
const shared = Buffer.allocUnsafe(64 * 1024);
/** One round: BATCH requests written, then their responses fed `per` to a read. */
function round(b, reads) {
  for (let i = 0; i < BATCH; i++) b.conn.send(REQUEST, 0, performance.now(), 0);
  const t = process.cpuUsage();
  // Each read lands in the one shared read buffer, as `onread` delivers it (a copy of ~150
  // bytes per response, the same for every build).
  for (const buf of reads) {
    buf.copy(shared, 0);
    b.conn.handleRead(shared, buf.length);
  }
  const u = process.cpuUsage(t);
  b.registry.snapshot(0, 0, 0, 1); // drain, as the interval clock does
  return ((u.user + u.system) * 1000) / BATCH;
}
for (const per of [1, 10]) {
  const reads = Array.from({ length: BATCH / per }, () => Buffer.from(RESPONSE.repeat(per)));
  const samples = builds.map(() => []);
  for (let r = 0; r < ROUNDS; r++) {
    for (let i = 0; i < builds.length; i++) {
      const b = builds[(i + r) % builds.length];
      const ns = round(b, reads);
      if (r >= ROUNDS / 4) samples[builds.indexOf(b)].push(ns); // first quarter: warm-up
    }
  }
  const med = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const line = samples.map((s, i) => `${dists[i]}: ${med(s).toFixed(0)} ns`).join('   ');
  console.log(`${String(per).padStart(2)} response(s) per read: ${line}`);
}
for (const b of builds) {
  if (b.done() !== ROUNDS * 2 * BATCH) console.error(`responses: ${b.done()}`);
  b.conn.destroy(null);
}
server.close();
