// Runs Redline's benchmarks in sequence and prints their Markdown tables (see bench/README.md).
// Usage: node bench/run.mjs [name ...]   (names: peers, undici, connections, script, vus, arrival, latency, micro)
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const all = {
  micro: ['micro/histogram-record.bench.mjs', 'micro/parser.bench.mjs'],
  peers: ['quick-vs-peers.mjs'],
  undici: ['client-vs-undici.mjs'],
  connections: ['connections-10k.mjs'],
  script: ['script-vs-quick.mjs'],
  vus: ['vus-10k.mjs'],
  arrival: ['arrival-accuracy.mjs'],
  latency: ['latency-accuracy.mjs'],
};
const chosen = process.argv.length > 2 ? process.argv.slice(2) : Object.keys(all);
for (const name of chosen) {
  for (const file of all[name] ?? []) {
    console.log(`\n## ${file}\n`);
    const r = spawnSync(process.execPath, [here + file], { stdio: 'inherit' });
    if (r.status !== 0) console.log(`(${file} exited with ${r.status})`);
  }
}
