// 10,000 open keep-alive connections: Redline's memory (peak RSS) against nginx, bounded to a few
// seconds. Needs `ulimit -n` above 10,000 on both sides (nginx raises its own limit as root).
// Usage: node bench/connections-10k.mjs [connections] [seconds]
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, k, REDLINE, runPinned, startNginx, WORK } from './lib.mjs';

const connections = Number(process.argv[2] ?? 10_000);
const seconds = Number(process.argv[3] ?? 10);
const nginx = await startNginx(await freePort());
try {
  const out = join(WORK, 'conn10k.json');
  const r = await runPinned(process.execPath, [
    REDLINE,
    'run',
    nginx.url,
    '-c',
    String(connections),
    '-d',
    `${seconds}s`,
    '-q',
    '--json',
    out,
  ]);
  if (r.error) console.error(r.stderr);
  const result = JSON.parse(readFileSync(out, 'utf8'));
  const vus = result.metrics.vus.values.max;
  console.log(`| connections asked | open (max) | req/s | errors | peak RSS MB | goal |`);
  console.log(`|---:|---:|---:|---:|---:|---|`);
  console.log(
    `| ${connections} | ${vus} | ${k(result.metrics.http_reqs.values.rate)} | ${Object.values(result.errors).reduce((a, b) => a + b, 0)} | ${(r.maxRssKb / 1024).toFixed(0)} | < 200 MB |`,
  );
} finally {
  nginx.stop();
}
