// Latency accuracy: quick mode (one connection, closed loop) against a server that answers every
// request exactly N ms after it arrived (test/fixtures/servers/delay-server.mjs), generator and
// target pinned to different cores. Prints the measured median and p99 against the true delay.
// This is where the "±1 ms on a fixed delay" claim is measured; the unit test only checks that
// the measurement is never below the delay and stays consistent with the request count.
// Usage: node bench/latency-accuracy.mjs [seconds]   (DELAYS=5,20,100 by default)
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ROOT, runRedlineJson, TGT_CPU } from './lib.mjs';

const seconds = Number(process.argv[2] ?? 5);
const delays = (process.env.DELAYS ?? '5,20,100').split(',').map(Number);
const SERVER = join(ROOT, 'test/fixtures/servers/delay-server.mjs');

console.log('| delay ms | requests | median ms | median error ms | p99 ms | p99 error ms |');
console.log('|---:|---:|---:|---:|---:|---:|');
for (const delay of delays) {
  const target = spawn('taskset', ['-c', TGT_CPU, process.execPath, SERVER, String(delay)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    // The server listens on port 0 and prints `listening <port>`.
    const port = await new Promise((resolve, reject) => {
      let text = '';
      target.stdout.on('data', (chunk) => {
        text += chunk.toString();
        const match = /listening (\d+)/.exec(text);
        if (match) resolve(Number(match[1]));
      });
      target.once('exit', (code) => reject(new Error(`delay server exited with ${code}`)));
    });
    const { result } = await runRedlineJson([
      `http://127.0.0.1:${port}/`,
      '-c',
      '1',
      '-d',
      `${seconds}s`,
    ]);
    const d = result.metrics.http_req_duration.values;
    const n = result.metrics.http_reqs.values.count;
    console.log(
      `| ${delay} | ${n} | ${d.med.toFixed(2)} | ${(d.med - delay).toFixed(2)} | ${d['p(99)'].toFixed(2)} | ${(d['p(99)'] - delay).toFixed(2)} |`,
    );
  } finally {
    target.kill('SIGTERM');
  }
}
