/**
 * HTTP/2 over TLS, connection set-up: CPU per new connection of `redline run --http2` for two
 * builds (A and B), interleaved, against a node:http2 TLS server. Each connection sends one
 * request (`-c C --streams 1 -n C`); the CPU of a `-c c0 -n c0` run is subtracted, so Node's
 * start-up cancels out: µs per connection = (cpu(C) − cpu(c0)) / (C − c0). What it isolates is
 * the per-connection work: TCP + TLS handshake, the client SecureContext (shared per option set
 * since secure-context.ts is used by both HTTP/2 clients), the HTTP/2 preface and SETTINGS.
 *
 *   REDLINE_A=/path/to/other/bin/redline.js node bench/h2-connect-ab.mjs [rounds=6] [C=400] [c0=20]
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeSelfSignedCertificate } from './certificate.mjs';
import {
  freePort,
  median,
  REDLINE,
  redlineH2Args,
  runRedlineJson,
  startNodeH2,
  WORK,
} from './lib.mjs';
import { formatInterval, loadText, ratioInterval } from './ratio-interval.mjs';

const [rounds, C, c0] = [6, 400, 20].map((d, i) => Number(process.argv[2 + i] ?? d));
const builds = { B: process.env.REDLINE_B ?? REDLINE, A: process.env.REDLINE_A };
if (!builds.A) throw new Error('REDLINE_A names the build to compare with');
const dir = join(WORK, 'h2-connect');
mkdirSync(dir, { recursive: true });
const { certPath, keyPath } = writeSelfSignedCertificate(dir, { ec: true });
const target = await startNodeH2(await freePort(), { key: keyPath, cert: certPath });

async function cpu(cli, connections) {
  const { result, run } = await runRedlineJson(
    redlineH2Args(target.url, connections, 1, ['-n', String(connections)]),
    { cli },
  );
  const m = result.metrics;
  const answered = m.http_reqs.values.count - (m.http_req_failed?.values.passes ?? 0);
  if (answered !== connections) throw new Error(`${cli}: ${answered} of ${connections} answered`);
  return run.cpuSeconds;
}

console.log(
  `HTTP/2 TLS connection set-up, ${C} − ${c0} connections, ${rounds} rounds; ${loadText()}`,
);
const us = { A: [], B: [] };
try {
  for (let i = 0; i < rounds; i++) {
    for (const b of i % 2 === 0 ? ['A', 'B'] : ['B', 'A']) {
      const full = await cpu(builds[b], C);
      const base = await cpu(builds[b], c0);
      us[b].push(((full - base) * 1e6) / (C - c0));
    }
    console.log(
      `  round ${i + 1}: A ${us.A.at(-1).toFixed(0)}, B ${us.B.at(-1).toFixed(0)} µs/connection; ${loadText()}`,
    );
  }
} finally {
  target.stop();
}
console.log(
  `median µs per connection: A ${median(us.A).toFixed(0)}, B ${median(us.B).toFixed(0)}; A/B ${formatInterval(ratioInterval(us.A.map((a, i) => a / us.B[i])))}`,
);
