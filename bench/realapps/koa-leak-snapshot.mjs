#!/usr/bin/env node
// What the audit's leak check reads as late growth on the real Koa service (bench/realapps,
// gothinkster/koa-knex-realworld-example): the service started as the audit starts it (the probe's
// register.js in NODE_OPTIONS, its report file, samples on; inspector on), driven with the study's
// flow (koa-flow.yaml: article list, one article, its comments, a profile, tags), one checkpoint
// every STEP requests (full GC; used heap, V8 code statistics, the probe's own estimate), and a heap
// snapshot at two late checkpoints diffed by type:constructor (net) and by the old object that holds
// the new ones. Needs the service fetched (bench/realapps/fetch.mjs koa) and a PostgreSQL database
// seeded with koa-seed.sql (run.mjs does it; DB names the database). Usage:
//   DB=ra_koa node bench/realapps/koa-leak-snapshot.mjs [total=3000] [step=500] [snapA=1500]
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createProbeEnv } from '../../dist/probe/index.js';
import { connectInspector, discoverDebuggerUrl } from '../../dist/profiler/index.js';
import { freePort, ROOT } from '../lib.mjs';

const TOTAL = Number(process.argv[2] ?? 3000);
const STEP = Number(process.argv[3] ?? 500);
const SNAP_A = Number(process.argv[4] ?? TOTAL / 2);
const APP = process.env.APP_DIR ?? join(ROOT, 'bench/realapps/apps/koa');
const DB = process.env.DB ?? 'ra_koa';
const PROBE = process.env.PROBE !== '0';
if (!existsSync(APP)) throw new Error(`no checkout in ${APP} (bench/realapps/fetch.mjs koa)`);

const port = await freePort();
const inspectPort = await freePort();
const base = {
  ...process.env,
  DB_CLIENT: 'pg',
  DB_CONNECTION: `postgres://postgres@127.0.0.1:5432/${DB}`,
  NODE_ENV: 'production',
  SECRET: 'realapps-secret',
  HOST: '127.0.0.1',
  LOG_LEVEL: 'warn',
  PORT: String(port),
};
const env = PROBE
  ? {
      ...createProbeEnv({
        base,
        reportFile: join(mkdtempSync(join(tmpdir(), 'koaleak-')), 'probe.ndjson'),
        flushMs: 1000,
        querySamples: true,
      }),
      REDLINE_PROBE_N1_MS: '10',
    }
  : base;
const child = spawn(process.execPath, [`--inspect=127.0.0.1:${inspectPort}`, 'src/bin/server.js'], {
  cwd: APP,
  env,
  stdio: ['ignore', 'ignore', 'inherit'],
});
process.on('exit', () => child.kill('SIGKILL'));
const url = (p) => `http://127.0.0.1:${port}${p}`;
for (let i = 0; ; i++) {
  if (i > 600) throw new Error('the service did not answer within 60 s');
  if (
    await fetch(url('/api/tags')).then(
      (r) => r.ok,
      () => false,
    )
  )
    break;
  await new Promise((r) => setTimeout(r, 100));
}
const login = await fetch(url('/api/users/login'), {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ user: { email: 'user7@demo.com', password: 'X12345678' } }),
});
const token = (await login.json()).user.token;
const auth = { authorization: `Token ${token}` };

// A fixed pseudo-random sequence (same slugs and profiles run to run).
let seed = 14;
const rand = (n) => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return 1 + (seed % n);
};
let sent = 0;
let iteration = [];
async function get(path, headers) {
  const res = await fetch(url(path), { headers });
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
  sent++;
}
async function requests(n) {
  const end = sent + n;
  while (sent < end) {
    if (iteration.length === 0) {
      const a = `/api/articles/how-to-tune-a-service-part-${rand(20000)}`;
      iteration = [
        ['/api/articles?limit=20', auth],
        [a, auth],
        [`${a}/comments`, auth],
        [`/api/profiles/user${rand(2000)}`, auth],
        ['/api/tags', {}],
      ];
    }
    const [p, h] = iteration.shift();
    await get(p, h);
  }
}

const client = await connectInspector(
  await discoverDebuggerUrl('127.0.0.1', inspectPort, 3000),
  10_000,
);
await client.send('HeapProfiler.enable');
const READ = `(() => {
  const v8 = require('v8');
  const code = v8.getHeapCodeStatistics();
  const probe = globalThis[Symbol.for('redline.probe.footprint')]?.(false) ?? 0;
  return JSON.stringify({ code: code.code_and_metadata_size + code.bytecode_and_metadata_size, probe });
})()`;
async function checkpoint() {
  await client.send('HeapProfiler.collectGarbage');
  await new Promise((r) => setTimeout(r, 300));
  await client.send('HeapProfiler.collectGarbage');
  const { usedSize } = await client.send('Runtime.getHeapUsage');
  const { result } = await client.send('Runtime.evaluate', {
    expression: READ,
    returnByValue: true,
    includeCommandLineAPI: true,
  });
  return { requests: sent, used: usedSize, ...JSON.parse(result.value) };
}
async function snapshot() {
  const chunks = [];
  const off = client.on('HeapProfiler.addHeapSnapshotChunk', (p) => chunks.push(p.chunk));
  await client.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
  off();
  return JSON.parse(chunks.join(''));
}

const rows = [await checkpoint()];
const snaps = [];
while (sent < TOTAL) {
  await requests(Math.min(STEP, TOTAL - sent));
  rows.push(await checkpoint());
  if (sent === SNAP_A || sent === TOTAL)
    snaps.push({ at: sent, row: rows.at(-1), s: await snapshot() });
}
child.kill('SIGTERM');
await client.close().catch(() => {});

console.log(`koa service, probe ${PROBE}: checkpoints and growth of each window (B/request)`);
console.log('req     used KiB  code KiB probe KiB |  used  code probe  rest=used-code-probe');
for (let i = 0; i < rows.length; i++) {
  const r = rows[i];
  const p = rows[i - 1];
  const per = (f) => (p ? ((f(r) - f(p)) / (r.requests - p.requests)).toFixed(0) : '-').padStart(5);
  const kb = (b) => (b / 1024).toFixed(0).padStart(9);
  console.log(
    `${String(r.requests).padStart(5)} ${kb(r.used)} ${kb(r.code)} ${kb(r.probe)} | ${per((x) => x.used)} ${per((x) => x.code)} ${per((x) => x.probe)} ${per((x) => x.used - x.code - x.probe)}`,
  );
}
const late = rows.filter((r) => r.requests >= TOTAL / 2);
if (late.length > 1) {
  const [a, b] = [late[0], late.at(-1)];
  const n = b.requests - a.requests;
  console.log(
    `late half ${a.requests}->${b.requests}: rest ${((b.used - b.code - b.probe - (a.used - a.code - a.probe)) / n).toFixed(0)} B/req (used ${((b.used - a.used) / n).toFixed(0)}, code ${((b.code - a.code) / n).toFixed(0)}, probe estimate ${((b.probe - a.probe) / n).toFixed(0)})`,
  );
}

/** The nodes of a snapshot (type, name, id, self size) and, for each, its first strong retainer. */
function nodesOf(s) {
  const m = s.snapshot.meta;
  const nf = m.node_fields.length;
  const ef = m.edge_fields.length;
  const F = Object.fromEntries(m.node_fields.map((f, i) => [f, i]));
  const E = Object.fromEntries(m.edge_fields.map((f, i) => [f, i]));
  const count = s.nodes.length / nf;
  const type = new Array(count);
  const name = new Array(count);
  const id = new Float64Array(count);
  const size = new Float64Array(count);
  const owner = new Int32Array(count).fill(-1);
  const via = new Array(count);
  let e = 0;
  for (let i = 0; i < count; i++) {
    const o = i * nf;
    type[i] = m.node_types[0][s.nodes[o + F.type]];
    name[i] = s.strings[s.nodes[o + F.name]];
    id[i] = s.nodes[o + F.id];
    size[i] = s.nodes[o + F.self_size];
    const end = e + s.nodes[o + F.edge_count] * ef;
    for (; e < end; e += ef) {
      const et = m.edge_types[0][s.edges[e + E.type]];
      const to = s.edges[e + E.to_node] / nf;
      if (et === 'weak' || owner[to] !== -1) continue;
      owner[to] = i;
      const ni = s.edges[e + E.name_or_index];
      via[to] = et === 'element' || et === 'hidden' ? `[${et[0]}]` : String(s.strings[ni]);
    }
  }
  return { count, type, name, id, size, owner, via };
}
if (snaps.length === 2) {
  const [a, b] = snaps;
  const n = b.at - a.at;
  const A = nodesOf(a.s);
  a.s = undefined;
  const B = nodesOf(b.s);
  b.s = undefined;
  const key = (S, i) =>
    `${S.type[i]}:${S.name[i].slice(0, 60).replace(/\d+/g, 'N').replace(/\s+/g, ' ')}`;
  const net = new Map();
  for (const [sign, S] of [
    [-1, A],
    [1, B],
  ])
    for (let i = 0; i < S.count; i++) {
      if (S.type[i] === 'synthetic') continue;
      const k = key(S, i);
      const t = net.get(k) ?? { n: 0, bytes: 0 };
      t.n += sign;
      t.bytes += sign * S.size[i];
      net.set(k, t);
    }
  const old = new Set(A.id);
  const isNew = (i) => !old.has(B.id[i]);
  const holders = new Map();
  let total = 0;
  // HOLDERS_OF=<regex on type:name>: only the new objects whose key matches (e.g. '^string:').
  const only = process.env.HOLDERS_OF ? new RegExp(process.env.HOLDERS_OF) : undefined;
  for (let i = 0; i < B.count; i++) {
    if (!isNew(i) || B.type[i] === 'synthetic') continue;
    if (only && !only.test(key(B, i))) continue;
    total += B.size[i];
    let j = i;
    let path = '';
    for (let k = 0; k < 10 && j !== -1 && isNew(j); k++) {
      path = `.${B.via[j]}${path}`;
      j = B.owner[j];
    }
    const h =
      j === -1
        ? `(root)${path.slice(0, 60)}`
        : `${B.owner[j] === -1 ? '' : `${B.name[B.owner[j]].slice(0, 30)}.${B.via[j]} -> `}${key(B, j)}  ${path.split('.').slice(0, 3).join('.')}`;
    const t = holders.get(h) ?? { n: 0, bytes: 0 };
    t.n++;
    t.bytes += B.size[i];
    holders.set(h, t);
  }
  const top = (m, k) =>
    [...m]
      .sort((x, y) => y[1].bytes - x[1].bytes)
      .slice(0, k)
      .map(
        ([nm, v]) =>
          `${(v.bytes / n).toFixed(1).padStart(8)} B/req ${String(v.n).padStart(7)}  ${nm}`,
      );
  const sumNet = [...net.values()].reduce((s, v) => s + v.bytes, 0);
  console.log(
    `snapshots at ${a.at} and ${b.at}: net self size ${(sumNet / n).toFixed(1)} B/req; new objects ${(total / n).toFixed(1)} B/req`,
  );
  console.log('-- net growth by type:name (top 25)');
  console.log(top(net, 25).join('\n'));
  console.log('-- net shrink by type:name (top 8)');
  console.log(
    [...net]
      .sort((x, y) => x[1].bytes - y[1].bytes)
      .slice(0, 8)
      .map(
        ([nm, v]) =>
          `${(v.bytes / n).toFixed(1).padStart(8)} B/req ${String(v.n).padStart(7)}  ${nm}`,
      )
      .join('\n'),
  );
  console.log(
    `-- new objects${only ? ` matching ${only}` : ''} by the old object holding them (top 30)`,
  );
  console.log(top(holders, 30).join('\n'));
}
process.exit(0);
