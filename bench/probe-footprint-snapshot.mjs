import { connectInspector, discoverDebuggerUrl } from '../dist/profiler/index.js';
import { startInspectedFixture } from './lib.mjs';

const WARM = Number(process.argv[2] ?? 300);
const MORE = Number(process.argv[3] ?? 1000);
const PROBE = process.argv[4] !== 'noprobe';

const {
  child,
  appPort,
  inspectPort: port,
} = await startInspectedFixture('leak-koa.mjs', {
  probe: PROBE,
  env: { LEAK_BYTES: '0' },
});
let id = 0;
async function requests(n) {
  for (let i = 0; i < n; i++) {
    id++;
    const res = await fetch(`http://127.0.0.1:${appPort}/api/items/${id}`);
    await res.arrayBuffer();
  }
}
const client = await connectInspector(await discoverDebuggerUrl('127.0.0.1', port, 3000), 10_000);
await client.send('HeapProfiler.enable');
async function snapshot() {
  await client.send('HeapProfiler.collectGarbage');
  const { usedSize } = await client.send('Runtime.getHeapUsage');
  const { result } = await client.send('Runtime.evaluate', {
    expression: `(globalThis[Symbol.for('redline.probe.footprint')]?.(false) ?? 0)`,
    returnByValue: true,
  });
  const chunks = [];
  const off = client.on('HeapProfiler.addHeapSnapshotChunk', (p) => chunks.push(p.chunk));
  await client.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
  off();
  return { used: usedSize, probe: result.value, snap: JSON.parse(chunks.join('')) };
}
await requests(WARM);
const a = await snapshot();
await requests(MORE);
const b = await snapshot();
child.kill('SIGTERM');

function parse(s) {
  const m = s.snapshot.meta;
  const nf = m.node_fields.length;
  const ef = m.edge_fields.length;
  const types = m.node_types[0];
  const etypes = m.edge_types[0];
  const F = Object.fromEntries(m.node_fields.map((f, i) => [f, i]));
  const E = Object.fromEntries(m.edge_fields.map((f, i) => [f, i]));
  const n = s.nodes.length / nf;
  const nodes = [];
  let edge = 0;
  for (let i = 0; i < n; i++) {
    const o = i * nf;
    const count = s.nodes[o + F.edge_count];
    nodes.push({
      type: types[s.nodes[o + F.type]],
      name: s.strings[s.nodes[o + F.name]],
      id: s.nodes[o + F.id],
      size: s.nodes[o + F.self_size],
      firstEdge: edge,
      count,
    });
    edge += count * ef;
  }
  const edges = [];
  for (let i = 0; i < nodes.length; i++) {
    const nd = nodes[i];
    for (let e = nd.firstEdge; e < nd.firstEdge + nd.count * ef; e += ef) {
      const t = etypes[s.edges[e + E.type]];
      const nameOrIndex = s.edges[e + E.name_or_index];
      edges.push({
        from: i,
        to: s.edges[e + E.to_node] / nf,
        type: t,
        name: t === 'element' || t === 'hidden' ? `[${nameOrIndex}]` : s.strings[nameOrIndex],
      });
    }
  }
  return { nodes, edges };
}
const A = parse(a.snap);
const B = parse(b.snap);
const oldIds = new Set(A.nodes.map((x) => x.id));
const isNew = B.nodes.map((x) => !oldIds.has(x.id));
const retainer = new Map();
for (const e of B.edges) {
  if (e.type === 'weak' || retainer.has(e.to)) continue;
  if (B.nodes[e.from].type === 'synthetic') continue;
  retainer.set(e.to, e);
}
function holder(i) {
  let path = '';
  for (let k = 0; k < 12 && isNew[i]; k++) {
    const e = retainer.get(i);
    if (!e) return `(no retainer)${path}`;
    path = `.${e.name}${path}`;
    i = e.from;
  }
  const nd = B.nodes[i];
  let up = '';
  for (let k = 0, j = i; k < 3; k++) {
    const e = retainer.get(j);
    if (!e) break;
    up = `${B.nodes[e.from].name.slice(0, 20)}.${e.name}/${up}`;
    j = e.from;
  }
  return `${up} ${nd.type}:${nd.name.slice(0, 40)}@${nd.id} ${path.split('.')[1] ?? ''}`;
}
const byType = new Map();
const byHolder = new Map();
let total = 0;
for (let i = 0; i < B.nodes.length; i++) {
  if (!isNew[i]) continue;
  const nd = B.nodes[i];
  if (nd.type === 'native' || nd.type === 'synthetic') continue;
  total += nd.size;
  const k = `${nd.type}:${nd.name.slice(0, 50)}`;
  const t = byType.get(k) ?? { n: 0, bytes: 0 };
  t.n++;
  t.bytes += nd.size;
  byType.set(k, t);
  const h = holder(i).replace(/\.\[\]/g, '[]');
  const hh = byHolder.get(h) ?? { n: 0, bytes: 0 };
  hh.n++;
  hh.bytes += nd.size;
  byHolder.set(h, hh);
}
const top = (m, k) =>
  [...m]
    .sort((x, y) => y[1].bytes - x[1].bytes)
    .slice(0, k)
    .map(
      ([name, v]) =>
        `${(v.bytes / MORE).toFixed(1).padStart(8)} B/req ${String(v.n).padStart(7)}  ${name}`,
    );
console.log(`requests ${WARM} -> ${WARM + MORE}, probe ${PROBE}`);
console.log(`used heap growth      ${((b.used - a.used) / MORE).toFixed(1)} B/req`);
console.log(`probe estimate growth ${((b.probe - a.probe) / MORE).toFixed(1)} B/req`);
console.log(
  `app heap (less probe) ${((b.used - b.probe - a.used + a.probe) / MORE).toFixed(1)} B/req`,
);
console.log(`new objects (self)    ${(total / MORE).toFixed(1)} B/req`);
const net = new Map();
for (const [sign, S] of [
  [-1, A],
  [1, B],
])
  for (const nd of S.nodes) {
    if (nd.type === 'native' || nd.type === 'synthetic') continue;
    const k =
      nd.type === 'code' ? 'code (all)' : `${nd.type}:${nd.name.slice(0, 50).replace(/\d+/g, 'N')}`;
    const t = net.get(k) ?? { n: 0, bytes: 0 };
    t.n += sign;
    t.bytes += sign * nd.size;
    net.set(k, t);
  }
console.log('-- net growth by type:name');
console.log(top(net, 15).join('\n'));
console.log('-- by type:name');
console.log(top(byType, 30).join('\n'));
console.log('-- by old holder');
console.log(top(byHolder, 40).join('\n'));
process.exit(0);
