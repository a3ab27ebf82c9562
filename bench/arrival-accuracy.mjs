// Arrival-rate accuracy: requests the target counted vs requests asked for, quick mode (--rate)
// and a constant-arrival-rate script, at several rates. Goal: within 1% up to the rate the
// generator sustains. Usage: node bench/arrival-accuracy.mjs [seconds]
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, REDLINE, runPinned, TGT_CPU, WORK, waitForPort } from './lib.mjs';

const seconds = Number(process.argv[2] ?? 10);
const rates = (process.env.RATES ?? '100,1000,5000,20000').split(',').map(Number);
const port = await freePort();
const server = join(WORK, 'count-server.cjs');
writeFileSync(
  server,
  `let n = 0; const http = require('http');
http.createServer((req, res) => { if (req.url === '/count') return res.end(String(n)); n++; res.end('ok'); }).listen(${port}, '127.0.0.1');`,
);
const target = spawn('taskset', ['-c', TGT_CPU, process.execPath, server], { stdio: 'ignore' });
await waitForPort(port);
const count = async () => Number(await (await fetch(`http://127.0.0.1:${port}/count`)).text());
const script = join(WORK, 'arrival.ts');
writeFileSync(
  script,
  `import { http } from 'redline';
declare const __ENV: Record<string, string | undefined>;
export const options = { scenarios: { open: { executor: 'constant-arrival-rate', rate: Number(__ENV.RATE), timeUnit: '1s', duration: __ENV.DUR, preAllocatedVUs: 200, maxVUs: 2000 } } };
export default async function () { await http.get(__ENV.URL!); }
`,
);
console.log('| mode | rate asked /s | expected | counted by target | dropped | error % |');
console.log('|---|---:|---:|---:|---:|---:|');
try {
  for (const rate of rates) {
    for (const mode of ['quick', 'script']) {
      const before = await count();
      const out = join(WORK, 'arrival.json');
      const args =
        mode === 'quick'
          ? [
              REDLINE,
              'run',
              `http://127.0.0.1:${port}/`,
              '--rate',
              String(rate),
              '-c',
              String(Math.max(10, Math.ceil(rate / 500))),
              '-d',
              `${seconds}s`,
              '-q',
              '--json',
              out,
            ]
          : [
              REDLINE,
              'run',
              script,
              '-q',
              '--json',
              out,
              '-e',
              `RATE=${rate}`,
              '-e',
              `DUR=${seconds}s`,
              '-e',
              `URL=http://127.0.0.1:${port}/`,
            ];
      await runPinned(process.execPath, args);
      const counted = (await count()) - before;
      const result = JSON.parse(readFileSync(out, 'utf8'));
      const dropped = result.metrics.dropped_iterations?.values.count ?? 0;
      const expected = rate * seconds;
      console.log(
        `| ${mode} | ${rate} | ${expected} | ${counted} | ${dropped} | ${(((counted - expected) / expected) * 100).toFixed(2)}% |`,
      );
    }
  }
} finally {
  target.kill('SIGTERM');
}
