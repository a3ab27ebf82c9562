// Distributed runs (docs/distributed.md): what the controller costs and how closely agents start.
//
//   npm run build && node bench/distributed.mjs [seconds=20]
//
// 1. Merge cost per agent-second, in this process: one synthetic agent's per-second snapshots
//    (2,000 req/s over 10 endpoints × 2 statuses: every HTTP trend, counters, rates, gauges,
//    checks; the registry and HDR encoding the shards use) are recorded once as the JSON frames
//    an agent sends, then replayed as 4 and 100 agents through the controller's path: JSON.parse,
//    IntervalMerger.add, totals.addAggregate.
// 2. The controller process (`redline run --agents N`, real) with 4 and 100 simulated agents:
//    WebSocket clients in this process that authenticate, answer pings and replay the recorded
//    frames once per second each; CPU (utime+stime from /proc) and peak RSS (VmHWM) of the
//    controller while the load runs.
// 3. Start spread on loopback: a real controller and 4 real agents, 1 VU each; a local server
//    notes when each agent's first request arrives (one clock: ground truth); 5 repetitions.
// Traffic stays on 127.0.0.1; every loop is bounded.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { freePort, REDLINE, ROOT } from './lib.mjs';

const SECONDS = Number(process.argv[2] ?? 20);
const dist = (p) => import(join(ROOT, 'dist', p));
const { MetricRegistry } = await dist('metrics/registry.js');
const { IntervalMerger } = await dist('engine/interval-merger.js');
const { Aggregate } = await dist('metrics/aggregate.js');
const { proof, nonce, encode, decode, monotonicEpochMs } = await dist('distributed/protocol.js');
const dir = mkdtempSync(join(tmpdir(), 'redline-bench-distributed-'));
const TOKEN = 'bench-token-0123456789abcdef';
writeFileSync(join(dir, 'token'), TOKEN);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// --- 1. Record one agent's frames -------------------------------------------------------------
function recordFrames(seconds) {
  let now = 0;
  const registry = new MetricRegistry(() => now);
  const trends = [
    'http_req_duration',
    'http_req_waiting',
    'http_req_blocked',
    'http_req_connecting',
    'http_req_sending',
    'http_req_receiving',
    'http_req_tls_handshaking',
  ];
  const frames = [];
  let seed = 42;
  const rnd = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  for (let s = 0; s < seconds; s++) {
    for (let r = 0; r < 2000; r++) {
      now = s * 1000 + r / 2;
      const endpoint = `/api/item/${r % 10}`;
      const status = rnd() < 0.02 ? '500' : '200';
      const tags = {
        method: 'GET',
        name: endpoint,
        url: `http://127.0.0.1${endpoint}`,
        status,
        scenario: 'default',
        expected_response: String(status === '200'),
      };
      const latency = 1 + rnd() * rnd() * 200;
      for (const t of trends)
        registry
          .trend(t, tags)
          .add(t === 'http_req_duration' || t === 'http_req_waiting' ? latency : rnd());
      registry.counter('http_reqs', tags).add(1);
      registry.rate('http_req_failed', tags).add(status === '200' ? 0 : 1);
      registry.counter('data_sent', { scenario: 'default' }).add(120);
      registry.counter('data_received', { scenario: 'default' }).add(400);
      registry.trend('iteration_duration', { scenario: 'default' }).add(latency + 0.2);
      registry.counter('iterations', { scenario: 'default' }).add(1);
      registry
        .rate('checks', { check: 'status 200', scenario: 'default' })
        .add(status === '200' ? 1 : 0);
    }
    registry.gauge('vus').add(50);
    const snapshot = registry.snapshot(0, s, s * 1000, (s + 1) * 1000);
    frames.push(
      encode({
        type: 'report',
        report: {
          snapshot,
          health: { lagP99Ms: 1, lagMaxMs: 2 },
          final: s === seconds - 1,
          warnings: [],
        },
      }),
    );
  }
  return frames;
}
const frames = recordFrames(SECONDS);
const frameBytes = median(frames.map((f) => f.length));

function mergeCost(agents) {
  const totals = new Aggregate(agents);
  const merger = new IntervalMerger(agents, (m) => totals.addAggregate(m.delta));
  globalThis.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let parseMs = 0;
  for (const frame of frames) {
    for (let a = 0; a < agents; a++) {
      const p0 = performance.now();
      const m = JSON.parse(frame);
      parseMs += performance.now() - p0;
      m.report.snapshot.shard = a;
      merger.add(m.report);
    }
  }
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return {
    agents,
    perAgentSecondMs: ms / (agents * frames.length),
    cpuPerAgentSecondMs: (cpu.user + cpu.system) / 1000 / (agents * frames.length),
    heapDeltaMb: (process.memoryUsage().heapUsed - heapBefore) / 1e6,
    count: totals.summarize('http_reqs')?.sum,
    parseShare: parseMs / ms,
  };
}

// --- 2. The controller process with simulated agents --------------------------------------------
function procStat(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return {
    cpuS: (Number(stat[11]) + Number(stat[12])) / 100, // utime + stime, clock ticks of 10 ms
    hwmMb: Number(/VmHWM:\s+(\d+)/.exec(status)[1]) / 1024,
    rssMb: Number(/VmRSS:\s+(\d+)/.exec(status)[1]) / 1024,
  };
}

function simulatedAgent(port, index) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/`);
    const mine = nonce();
    let timer;
    ws.on('message', (data) => {
      const m = decode(data);
      if (!m) return;
      if (m.type === 'challenge')
        ws.send(
          encode({
            type: 'hello',
            v: 1,
            nonce: mine,
            proof: proof(TOKEN, 'agent', m.testId, m.nonce, mine),
            index,
            host: 'sim',
            pid: index,
          }),
        );
      else if (m.type === 'ping')
        ws.send(encode({ type: 'pong', t1: m.t1, t2: monotonicEpochMs() }));
      else if (m.type === 'prepare') ws.send(encode({ type: 'ready', shards: 1 }));
      else if (m.type === 'start') {
        let s = 0;
        const at = m.atAgentMs;
        const tick = () => {
          if (s >= frames.length) {
            ws.send(encode({ type: 'done' }));
            return resolve();
          }
          ws.send(frames[s]);
          s++;
          timer = setTimeout(tick, Math.max(0, at + (s + 1) * 1000 - monotonicEpochMs()));
        };
        timer = setTimeout(tick, Math.max(0, at + 1000 - monotonicEpochMs()));
      } else if (m.type === 'stop') clearTimeout(timer);
    });
    ws.on('error', reject);
  });
}

async function controllerUnderLoad(agents) {
  const port = await freePort();
  const script = join(dir, 'sim.js');
  writeFileSync(
    script,
    `export const options = { scenarios: { s: { executor: 'constant-vus', vus: ${agents}, duration: '${SECONDS}s' } }, thresholds: { http_req_duration: ['p(95)<300'], http_req_failed: [{ threshold: 'rate<0.5', window: '5s' }] } };\nexport default function () {}\n`,
  );
  const child = spawn(
    process.execPath,
    [
      REDLINE,
      'run',
      script,
      '--agents',
      String(agents),
      '--listen',
      `127.0.0.1:${port}`,
      '--agent-token-file',
      join(dir, 'token'),
      '--quiet',
      '--json',
      join(dir, `sim-${agents}.json`),
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  await new Promise((r) => {
    const i = setInterval(() => {
      if (/listening/.test(stderr)) {
        clearInterval(i);
        r();
      }
    }, 50);
  });
  const idle = procStat(child.pid);
  const sims = Array.from({ length: agents }, (_, i) => simulatedAgent(port, i));
  await new Promise((r) => {
    const i = setInterval(() => {
      if (/agents ready/.test(stderr)) {
        clearInterval(i);
        r();
      }
    }, 20);
  });
  const before = procStat(child.pid);
  const t0 = performance.now();
  // Sample until the controller exits: a backlog it merges after the last frame counts too.
  let last = { ...before, at: t0 };
  const sampler = setInterval(() => {
    try {
      last = { ...procStat(child.pid), at: performance.now() };
    } catch {}
  }, 250);
  await Promise.all(sims);
  const framesDone = performance.now();
  const code = await new Promise((r) => child.on('close', r));
  clearInterval(sampler);
  const wall = (last.at - t0) / 1000;
  const result = JSON.parse(readFileSync(join(dir, `sim-${agents}.json`), 'utf8'));
  return {
    agents,
    cpuPercent: ((last.cpuS - before.cpuS) / wall) * 100,
    cpuPerAgentSecondMs: ((last.cpuS - before.cpuS) * 1000) / (agents * SECONDS),
    backlogS: Math.max(0, (last.at - framesDone) / 1000),
    idleRssMb: idle.rssMb,
    peakRssMb: last.hwmMb,
    requests: result.metrics.http_reqs.values.count,
    expected: agents * SECONDS * 2000,
    code,
  };
}

// --- 3. Start spread with real agents -----------------------------------------------------------
async function startSpread() {
  const firsts = [];
  const server = createServer((req, res) => {
    const agent = req.headers['x-agent'];
    if (agent !== undefined && !firsts.some((f) => f.agent === agent))
      firsts.push({ agent, at: performance.now() });
    res.end('ok');
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const script = join(dir, 'spread.js');
  writeFileSync(
    script,
    `import http from 'k6/http';\nimport exec from 'k6/execution';\nexport const options = { scenarios: { s: { executor: 'per-vu-iterations', vus: 4, iterations: 1 } } };\nexport default function () { http.get(__ENV.BASE_URL, { headers: { 'x-agent': String(exec.vu.idInTest) } }); }\n`,
  );
  const reps = [];
  for (let rep = 0; rep < 5; rep++) {
    firsts.length = 0;
    const port = await freePort();
    const ctl = spawn(
      process.execPath,
      [
        REDLINE,
        'run',
        script,
        '--agents',
        '4',
        '--listen',
        `127.0.0.1:${port}`,
        '--agent-token-file',
        join(dir, 'token'),
        '--quiet',
        '--env',
        `BASE_URL=http://127.0.0.1:${server.address().port}/`,
        '--json',
        join(dir, 'spread.json'),
      ],
      { stdio: 'ignore' },
    );
    await new Promise((r) => setTimeout(r, 300));
    const agents = [0, 1, 2, 3].map(() =>
      spawn(
        process.execPath,
        [REDLINE, 'agent', '--join', `127.0.0.1:${port}`, '--agent-token-file', join(dir, 'token')],
        { stdio: 'ignore' },
      ),
    );
    await Promise.all([ctl, ...agents].map((c) => new Promise((r) => c.on('close', r))));
    const at = firsts.map((f) => f.at);
    const result = JSON.parse(readFileSync(join(dir, 'spread.json'), 'utf8'));
    reps.push({
      spreadMs: Math.max(...at) - Math.min(...at),
      agentsSeen: at.length,
      late: result.distributed.agents.map((a) => a.startLateMs),
    });
  }
  server.close();
  return reps;
}

const load0 = loadavg()[0].toFixed(2);
console.log(`# distributed bench, ${SECONDS} s per replay, load average ${load0} at start`);
console.log(`one agent-second frame: ${(frameBytes / 1024).toFixed(1)} KiB of JSON`);
mergeCost(4); // warm-up (JIT)
for (const a of [4, 100]) {
  const r = mergeCost(a);
  console.log(
    `merge ${a} agents: ${r.perAgentSecondMs.toFixed(3)} ms wall / ${r.cpuPerAgentSecondMs.toFixed(3)} ms CPU per agent-second, heap +${r.heapDeltaMb.toFixed(1)} MB (JSON.parse ${(r.parseShare * 100).toFixed(0)}% of the time), merged http_reqs ${r.count}`,
  );
}
for (const a of [4, 100]) {
  const r = await controllerUnderLoad(a);
  console.log(
    `controller with ${a} simulated agents: CPU ${r.cpuPercent.toFixed(1)}% of one core (${r.cpuPerAgentSecondMs.toFixed(2)} ms per agent-second, incl. its own overhead), done ${r.backlogS.toFixed(1)} s after the last frame, RSS idle ${r.idleRssMb.toFixed(0)} MB, peak ${r.peakRssMb.toFixed(0)} MB, merged http_reqs ${r.requests} (expected ${r.expected}), exit ${r.code}`,
  );
}
const spread = await startSpread();
for (const s of spread)
  console.log(
    `start spread (4 real agents, first request at the server): ${s.spreadMs.toFixed(1)} ms over ${s.agentsSeen} agents; agents' own timer lateness ${s.late.join(', ')} ms`,
  );
console.log(
  `median spread ${median(spread.map((s) => s.spreadMs)).toFixed(1)} ms, max ${Math.max(...spread.map((s) => s.spreadMs)).toFixed(1)} ms; load average ${loadavg()[0].toFixed(2)} at the end`,
);
