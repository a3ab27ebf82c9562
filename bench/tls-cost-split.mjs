// Where Redline's CPU per request over TLS goes, against wrk -t1 -c50 and h2load --h1 on the same
// nginx (pinned to the other core): each mode's CPU µs per request on the generator core, modes
// rotated (order reversed every round), R rounds. Modes:
//   tls, tls-handle, tls-timed, tcp  the bare node request loop without Redline (bench/micro/tls-socket-path.mjs)
//   redline-A, redline-B  quick mode of two builds (REDLINE_A, REDLINE_B: paths to bin/redline.js),
//                         marginal CPU per request of -n N and -n 2N runs (start-up and JIT cancel)
//   redline-B-tcp         build B against the cleartext nginx
//   wrk, wrk-tcp, h2load, h2load-tcp  whole-run CPU of 3 s runs (C programs: start-up of a few ms)
// CLOSE=1 uses an nginx that closes every connection after its response (keepalive_requests 1):
// every request then pays a new TLS connection (resumed by Redline and wrk alike).
// Ratios: per round, wrk's µs/req ÷ the mode's (the mode's requests per CPU-second relative to
// wrk's), with a 95 % interval (bench/ratio-interval.mjs). Every Redline error is printed.
// Usage: REDLINE_A=/old/bin/redline.js REDLINE_B=/new/bin/redline.js \
//   node bench/tls-cost-split.mjs tls,redline-A,redline-B,wrk,h2load [rounds] [N]
import { freePort, median, REDLINE, runPinned, runRedlineJson, startNginx } from './lib.mjs';
import { formatInterval, loadText, ratioInterval } from './ratio-interval.mjs';

const modes = (process.argv[2] ?? 'tls,tcp,redline-B,redline-B-tcp,wrk,wrk-tcp,h2load').split(',');
const rounds = Number(process.argv[3] ?? 5);
const N = Number(process.argv[4] ?? 30000);
const close = process.env.CLOSE === '1';
const builds = { A: process.env.REDLINE_A ?? REDLINE, B: process.env.REDLINE_B ?? REDLINE };
const tlsTarget = await startNginx(await freePort(), {
  tls: true,
  ...(close ? { keepaliveRequests: 1 } : {}),
});
const plainTarget = await startNginx(await freePort());
const T = tlsTarget.url;
const P = plainTarget.url;

async function measure(mode) {
  if (mode.startsWith('h2load')) {
    const url = mode === 'h2load-tcp' ? P : T;
    const x = await runPinned('h2load', ['--h1', '-t1', '-c50', '-m1', '-D', '3', url]);
    return (x.cpuSeconds / Number(/(\d+) succeeded/.exec(x.stdout)?.[1])) * 1e6;
  }
  if (mode.startsWith('wrk')) {
    const x = await runPinned('wrk', ['-t1', '-c50', '-d3s', mode === 'wrk-tcp' ? P : T]);
    if (/Socket errors/.test(x.stdout)) console.error(mode, x.stdout.match(/Socket errors.*/)[0]);
    return (x.cpuSeconds / Number(/(\d+) requests in/.exec(x.stdout)?.[1])) * 1e6;
  }
  if (mode.startsWith('redline')) {
    const url = mode.endsWith('-tcp') ? P : T;
    const cli = builds[mode.split('-')[1]];
    const runs = [];
    for (const n of [N, 2 * N]) {
      const { result, run } = await runRedlineJson(
        [url, '-c', '50', '-n', String(n), '--insecure'],
        { cli },
      );
      if (Object.keys(result.errors).length > 0) console.error(mode, 'errors', result.errors);
      runs.push([run.cpuSeconds, result.metrics.http_reqs.values.count]);
    }
    return ((runs[1][0] - runs[0][0]) / (runs[1][1] - runs[0][1])) * 1e6;
  }
  const x = await runPinned(process.execPath, [
    new URL('./micro/tls-socket-path.mjs', import.meta.url).pathname,
    mode,
    mode === 'tcp' ? P : T,
    String(N),
  ]);
  return JSON.parse(x.stdout).usPerReq;
}

const res = {};
console.log(`start: ${loadText()}`);
try {
  for (let r = 0; r < rounds; r++) {
    for (const mode of r % 2 ? [...modes].reverse() : modes) {
      res[mode] ??= [];
      res[mode].push(await measure(mode));
    }
    process.stderr.write('.');
  }
} finally {
  tlsTarget.stop();
  plainTarget.stop();
}
console.log(`\nend: ${loadText()}; ${close ? 'nginx closes after every response' : 'keep-alive'}`);
for (const mode of modes) {
  const line = `${mode.padEnd(14)} CPU µs/req median ${median(res[mode]).toFixed(1)} (${res[mode].map((v) => v.toFixed(1)).join(' ')})`;
  // Each mode against the peers on the same target (TLS or cleartext).
  const tcp = mode.endsWith('-tcp');
  const vs = (peer) => {
    const p = res[tcp ? `${peer}-tcp` : peer];
    if (!p || mode === (tcp ? `${peer}-tcp` : peer)) return '';
    return `; vs ${peer} ${formatInterval(ratioInterval(p.map((w, i) => w / res[mode][i])))}`;
  };
  console.log(`${line}${vs('wrk')}${mode.startsWith('h2load') ? '' : vs('h2load')}`);
}
for (const suffix of ['', '-tcp']) {
  const [a, b] = [res[`redline-A${suffix}`], res[`redline-B${suffix}`]];
  if (!a || !b) continue;
  const ab = a.map((x, i) => x / b[i]);
  console.log(
    `redline-A${suffix} µs/req ÷ redline-B${suffix} µs/req: ${formatInterval(ratioInterval(ab))}`,
  );
}
