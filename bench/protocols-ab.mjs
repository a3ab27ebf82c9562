// WebSocket echo and gRPC unary through k6 scripts (k6/ws, k6/net/grpc) against a bare client
// loop doing the same work with the same library (ws, @grpc/grpc-js + proto-loader), in one run,
// interleaved, against one server process pinned to the other core. The goal (issue 16) is
// ≥ 0.8× the bare loop while recording every metric.
//
// Two measures, because rates swing with whatever else the 2-core machine runs:
// - rate: messages or calls per second in a `seconds`-long run (a quiet machine's figure);
// - CPU per operation of the generator process (user+sys from /usr/bin/time), marginal: runs of
//   N and 2N operations, (cpu(2N) − cpu(N)) / N, so start-up (Node, the script's compilation,
//   proto loading) cancels out. CPU time counts only the generator's own work, so it stays
//   comparable while other processes compete for the cores.
// - per round, the ratio bare/redline of those CPU costs; the geometric mean of the rounds' ratios
//   with a 95 % Student-t interval (bench/ratio-interval.mjs), and the load average.
// Kinds: ws (k6/ws), wss (k6/websockets, the same bare `ws` loop), grpc; KINDS=ws,wss picks some.
// seconds = 0 skips the rate runs.
// Usage: [KINDS=ws,wss,grpc] node bench/protocols-ab.mjs [seconds] [reps] [concurrency] [N]
// REDLINE_A=/other/bin/redline.js adds that build to the CPU rounds (tool `A`, in rotation with
// the bare loop and this checkout's build) and prints A/redline CPU per operation.

import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  freePort,
  median,
  ROOT,
  runPinned,
  runRedlineJson,
  TGT_CPU,
  WORK,
  waitForPort,
} from './lib.mjs';
import { formatInterval, loadText, ratioInterval } from './ratio-interval.mjs';

const seconds = Number(process.argv[2] ?? 5);
const reps = Number(process.argv[3] ?? 3);
const c = Number(process.argv[4] ?? 10);
const N = Number(process.argv[5] ?? 20_000);
const KINDS = (process.env.KINDS ?? 'ws,wss,grpc').split(',');
const modules = join(ROOT, 'node_modules');
const proto = join(ROOT, 'test/k6-compat/scripts/grpc/hello.proto');

const wsPort = await freePort();
const grpcPort = await freePort();
const serverScript = join(WORK, 'protocols-server.cjs');
writeFileSync(
  serverScript,
  `// grpc-js servers leave Nagle on (Go servers do not): every unary answer would wait for the
// client's delayed ACK (~40 ms). Turn it off on accepted sockets so the client is what is measured.
const net = require('node:net');
const emit = net.Server.prototype.emit;
net.Server.prototype.emit = function (event, socket, ...rest) {
  if (event === 'connection' && socket && typeof socket.setNoDelay === 'function') socket.setNoDelay(true);
  return emit.call(this, event, socket, ...rest);
};
const { WebSocketServer } = require(${JSON.stringify(join(modules, 'ws'))});
const grpc = require(${JSON.stringify(join(modules, '@grpc/grpc-js'))});
const loader = require(${JSON.stringify(join(modules, '@grpc/proto-loader'))});
new WebSocketServer({ port: ${wsPort}, host: '127.0.0.1' }).on('connection', (ws) =>
  ws.on('message', (d, binary) => ws.send(d, { binary })));
const def = grpc.loadPackageDefinition(loader.loadSync(${JSON.stringify(proto)}, { longs: String, enums: String, defaults: true }));
const server = new grpc.Server();
server.addService(def.hello.Greeter.service, { SayHello: (call, cb) => cb(null, { message: 'Hello ' + call.request.name }) });
server.bindAsync('127.0.0.1:${grpcPort}', grpc.ServerCredentials.createInsecure(), () => {});
`,
);
const server = spawn('taskset', ['-c', TGT_CPU, process.execPath, serverScript], {
  stdio: 'inherit',
});
await waitForPort(wsPort);
await waitForPort(grpcPort);

const bareScript = join(WORK, 'protocols-bare.mjs');
writeFileSync(
  bareScript,
  `import { createRequire } from 'node:module';
const require = createRequire(${JSON.stringify(join(ROOT, 'package.json'))});
const WebSocket = require('ws');
const grpc = require('@grpc/grpc-js');
const loader = require('@grpc/proto-loader');
const [kind, seconds, c] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4])];
// Count-bound when a total is given: each client does total / c operations, whatever the time.
const perClient = Number(process.argv[5] ?? 0) / c;
const end = performance.now() + seconds * 1000;
const more = (done) => (perClient > 0 ? done < perClient : performance.now() < end);
let count = 0;
const start = performance.now();
if (kind === 'ws') {
  await Promise.all(Array.from({ length: c }, () => new Promise((resolve) => {
    const ws = new WebSocket('ws://127.0.0.1:${wsPort}');
    let done = 0;
    ws.on('open', () => ws.send('hello'));
    // Text in, text out, as a k6/ws script gets and sends it.
    ws.on('message', (m) => { count++; done++; if (more(done)) ws.send(m.toString()); else { ws.close(); resolve(); } });
  })));
} else {
  const def = loader.loadSync(${JSON.stringify(proto)}, { longs: String, enums: String, bytes: String, defaults: true, oneofs: true });
  const method = def['hello.Greeter'].SayHello;
  await Promise.all(Array.from({ length: c }, async () => {
    const client = new grpc.Client('127.0.0.1:${grpcPort}', grpc.credentials.createInsecure(), { 'grpc.use_local_subchannel_pool': 1 });
    let done = 0;
    while (more(done)) {
      done++;
      await new Promise((resolve, reject) => client.makeUnaryRequest(method.path, method.requestSerialize, method.responseDeserialize, { name: 'Bert' }, (e, v) => e ? reject(e) : resolve(v)));
      count++;
    }
    client.close();
  }));
}
console.log(JSON.stringify({ rate: count / ((performance.now() - start) / 1000) }));
`,
);

const wsK6 = join(WORK, 'protocols-ws.js');
writeFileSync(
  wsK6,
  `import ws from 'k6/ws';
export default function () {
  ws.connect('ws://127.0.0.1:${wsPort}', {}, (socket) => {
    socket.on('open', () => socket.send('hello'));
    // Count-bound when MSGS is set (messages per VU), else time-bound.
    let n = 0;
    socket.on('message', (m) => {
      n++;
      if (__ENV.MSGS && n >= Number(__ENV.MSGS)) socket.close();
      else socket.send(m);
    });
    if (!__ENV.MSGS) socket.setTimeout(() => socket.close(), ${seconds * 1000});
  });
}
`,
);
const wssK6 = join(WORK, 'protocols-wss.js');
writeFileSync(
  wssK6,
  `import { WebSocket } from 'k6/websockets';
export default function () {
  const socket = new WebSocket('ws://127.0.0.1:${wsPort}');
  // Count-bound when MSGS is set (messages per VU), else time-bound.
  let n = 0;
  socket.onopen = () => socket.send('hello');
  socket.onmessage = (e) => {
    n++;
    if (__ENV.MSGS && n >= Number(__ENV.MSGS)) socket.close();
    else socket.send(e.data);
  };
  if (!__ENV.MSGS) setTimeout(() => socket.close(), ${seconds * 1000});
}
`,
);
const grpcK6 = join(WORK, 'protocols-grpc.js');
writeFileSync(
  grpcK6,
  `import grpc from 'k6/net/grpc';
const client = new grpc.Client();
client.load([], ${JSON.stringify(proto)});
export default () => {
  if (__ITER === 0) client.connect('127.0.0.1:${grpcPort}', { plaintext: true });
  client.invoke('hello.Greeter/SayHello', { name: 'Bert' });
};
`,
);

/** Generator CPU seconds for `total` operations (count-bound), bare loop or redline. */
async function cpuFor(tool, kind, total) {
  if (tool === 'bare') {
    const run = await runPinned(process.execPath, [
      bareScript,
      kind === 'grpc' ? 'grpc' : 'ws',
      '0',
      String(c),
      String(total),
    ]);
    return run.cpuSeconds;
  }
  const cli = tool === 'A' ? process.env.REDLINE_A : undefined;
  if (kind === 'ws' || kind === 'wss') {
    const { result, run } = await runRedlineJson(
      [
        kind === 'ws' ? wsK6 : wssK6,
        '--vus',
        String(c),
        '--iterations',
        String(c),
        '--env',
        `MSGS=${total / c}`,
      ],
      { cli },
    );
    if (result.metrics.ws_msgs_received.values.count < total) throw new Error('ws run short');
    return run.cpuSeconds;
  }
  const { result, run } = await runRedlineJson(
    [grpcK6, '--vus', String(c), '--iterations', String(total)],
    { cli },
  );
  if (result.metrics.grpc_req_duration.values.count !== total) throw new Error('grpc run short');
  return run.cpuSeconds;
}

async function bare(kind) {
  const run = await runPinned(process.execPath, [
    bareScript,
    kind === 'grpc' ? 'grpc' : 'ws',
    String(seconds),
    String(c),
  ]);
  return JSON.parse(run.stdout.trim().split('\n').pop()).rate;
}
async function redline(kind) {
  if (kind === 'ws' || kind === 'wss') {
    // One session per VU for the whole test: messages received per second of the sessions.
    const { result } = await runRedlineJson([
      kind === 'ws' ? wsK6 : wssK6,
      '--vus',
      String(c),
      '--iterations',
      String(c),
    ]);
    const m = result.metrics;
    return m.ws_msgs_received.values.count / (m.ws_session_duration.values.avg / 1000);
  }
  const { result } = await runRedlineJson([
    grpcK6,
    '--vus',
    String(c),
    '--duration',
    `${seconds}s`,
  ]);
  return result.metrics.grpc_req_duration.values.count / (result.durationMs / 1000);
}

const rows = Object.fromEntries(KINDS.map((kind) => [kind, { bare: [], redline: [] }]));
const cpu = Object.fromEntries(KINDS.map((kind) => [kind, { bare: [], redline: [], A: [] }]));
const tools = ['bare', 'redline', ...(process.env.REDLINE_A ? ['A'] : [])];
const loads = [loadText()];
for (let i = 0; i < reps; i++) {
  for (const kind of KINDS) {
    const order = tools.map((_, j) => tools[(i + j) % tools.length]);
    for (const tool of order) {
      const one = await cpuFor(tool, kind, N);
      const two = await cpuFor(tool, kind, 2 * N);
      const us = ((two - one) / N) * 1e6;
      cpu[kind][tool].push(us);
      console.log(`${kind} ${tool} rep ${i + 1}: ${us.toFixed(1)} µs CPU per operation`);
    }
  }
  loads.push(loadText());
}
for (let i = 0; i < (seconds > 0 ? reps : 0); i++) {
  for (const kind of KINDS) {
    const order = i % 2 === 0 ? ['bare', 'redline'] : ['redline', 'bare'];
    for (const tool of order) {
      const rate = tool === 'bare' ? await bare(kind) : await redline(kind);
      rows[kind][tool].push(rate);
      console.log(`${kind} ${tool} rep ${i + 1}: ${rate.toFixed(0)}/s`);
    }
  }
}
server.kill('SIGTERM');
console.log(
  `load average at the end: ${(await import('node:os'))
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')}`,
);
console.log(`load during the CPU rounds: ${loads.join(' | ')}`);
for (const kind of KINDS) {
  // Per round: bare µs / redline µs = redline's operations per CPU-second relative to the bare loop.
  const ratios = cpu[kind].bare.map((b, i) => b / cpu[kind].redline[i]);
  console.log(
    `${kind} per-round CPU ratio (bare/redline): ${formatInterval(ratioInterval(ratios))}; rounds ${ratios.map((r) => r.toFixed(2)).join(', ')}`,
  );
}
for (const kind of KINDS) {
  if (cpu[kind].A.length === 0) continue;
  const ratios = cpu[kind].A.map((a, i) => a / cpu[kind].redline[i]);
  const aRatios = cpu[kind].bare.map((b, i) => b / cpu[kind].A[i]);
  console.log(
    `${kind} A/redline CPU per operation: ${formatInterval(ratioInterval(ratios))}; A per-round ratio (bare/A): ${formatInterval(ratioInterval(aRatios))}`,
  );
}
for (const kind of KINDS) {
  const b = median(cpu[kind].bare);
  const r = median(cpu[kind].redline);
  console.log(
    `${kind} CPU per operation: bare ${b.toFixed(1)} µs  redline ${r.toFixed(1)} µs  ratio (bare/redline, per core) ${(b / r).toFixed(2)}×  (runs: bare ${cpu[kind].bare.map((x) => x.toFixed(1)).join(', ')}; redline ${cpu[kind].redline.map((x) => x.toFixed(1)).join(', ')})`,
  );
}
for (const kind of KINDS) {
  const b = median(rows[kind].bare);
  const r = median(rows[kind].redline);
  console.log(
    `${kind}: bare ${b.toFixed(0)}/s  redline ${r.toFixed(0)}/s  ratio ${(r / b).toFixed(2)}×  (runs: bare ${rows[kind].bare.map((x) => x.toFixed(0)).join(', ')}; redline ${rows[kind].redline.map((x) => x.toFixed(0)).join(', ')})`,
  );
}
