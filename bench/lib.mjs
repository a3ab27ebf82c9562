// Shared helpers for Redline's benchmarks: targets pinned to one core, tools pinned to the other,
// process CPU/RSS readings, medians. Traffic goes to 127.0.0.1 only; every run is time-bounded.
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeSelfSignedCertificate } from './certificate.mjs';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const REDLINE = join(ROOT, 'bin/redline.js');
export const GEN_CPU = process.env.GEN_CPU ?? '0';
export const TGT_CPU = process.env.TGT_CPU ?? '1';
export const WORK = process.env.BENCH_WORK ?? join(tmpdir(), 'redline-bench');
mkdirSync(WORK, { recursive: true });

/** A free TCP port on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** Waits until something accepts connections on the port. */
export async function waitForPort(port, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await new Promise((resolve) => {
      const c = createConnection({ port, host: '127.0.0.1' });
      c.once('connect', () => {
        c.destroy();
        resolve(true);
      });
      c.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`port ${port} did not open`);
}

/** Checks that a command exists; prints the apt/npm line to install it otherwise. */
export function need(command, install) {
  const paths = (process.env.PATH ?? '').split(':');
  if (!paths.some((p) => existsSync(join(p, command)))) {
    console.error(`missing ${command}: ${install}`);
    process.exit(1);
  }
}

/**
 * Starts nginx (1 worker, `return 200 "hello\n"`) pinned to the target core. `keepaliveRequests`
 * 1 closes every connection after its response (a client then reconnects for each request).
 */
export async function startNginx(port, { tls = false, keepaliveRequests = 1_000_000 } = {}) {
  need('nginx', 'apt-get install -y nginx');
  const dir = join(WORK, `nginx-${port}`);
  mkdirSync(dir, { recursive: true });
  // TLS: a fresh self-signed RSA-2048 certificate (TLS 1.2 and 1.3, nginx's default ciphers,
  // session tickets on: every client resumes when it reconnects).
  if (tls) writeSelfSignedCertificate(dir);
  const listen = tls
    ? `listen 127.0.0.1:${port} ssl; ssl_certificate ${dir}/cert.pem; ssl_certificate_key ${dir}/key.pem; ssl_protocols TLSv1.2 TLSv1.3;`
    : `listen 127.0.0.1:${port};`;
  const conf = join(dir, 'nginx.conf');
  writeFileSync(
    conf,
    `worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
worker_rlimit_nofile 40000;
events { worker_connections 20000; }
http {
  access_log off;
  keepalive_requests ${keepaliveRequests};
  keepalive_timeout 65s;
  client_body_temp_path ${dir}/cb; proxy_temp_path ${dir}/px; fastcgi_temp_path ${dir}/fc; uwsgi_temp_path ${dir}/uw; scgi_temp_path ${dir}/sc;
  server { ${listen} location / { default_type text/plain; return 200 "hello\\n"; } }
}
`,
  );
  const child = spawn('taskset', ['-c', TGT_CPU, 'nginx', '-p', dir, '-c', conf], {
    stdio: 'ignore',
  });
  await waitForPort(port);
  return {
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}/`,
    pid: () => Number(readFileSync(join(dir, 'nginx.pid'), 'utf8')),
    stop: () => child.kill('SIGTERM'),
  };
}

/** Starts the plain Node hello server (`res.end('hello')`) pinned to the target core. */
export async function startNodeHello(port) {
  const script = join(WORK, 'hello-server.cjs');
  writeFileSync(
    script,
    `require('http').createServer((q, s) => s.end('hello')).listen(${port}, '127.0.0.1');\n`,
  );
  const child = spawn('taskset', ['-c', TGT_CPU, process.execPath, script], { stdio: 'ignore' });
  await waitForPort(port);
  return {
    url: `http://127.0.0.1:${port}/`,
    pid: () => child.pid,
    stop: () => child.kill('SIGTERM'),
  };
}

/** Runs a command pinned to the generator core; resolves with stdout, stderr and CPU seconds. */
export function runPinned(command, args, { timeoutMs = 120_000, env } = {}) {
  return new Promise((resolve) => {
    const timeFile = join(WORK, `time-${process.pid}-${Date.now()}.txt`);
    execFile(
      '/usr/bin/time',
      ['-f', '%U %S %M', '-o', timeFile, 'taskset', '-c', GEN_CPU, command, ...args],
      { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, ...env } },
      (error, stdout, stderr) => {
        let cpuSeconds = Number.NaN;
        let maxRssKb = Number.NaN;
        try {
          const [u, s, m] = readFileSync(timeFile, 'utf8')
            .trim()
            .split(/\s+/)
            .slice(-3)
            .map(Number);
          cpuSeconds = u + s;
          maxRssKb = m;
        } catch {}
        resolve({ error, stdout, stderr, cpuSeconds, maxRssKb });
      },
    );
  });
}

/** CPU seconds used so far by a process (utime + stime from /proc). */
export function processCpuSeconds(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

/**
 * CPU time in µs a process's live threads (or one thread, `tid`) have run so far, from
 * /proc/<pid>/task/<tid>/schedstat (nanoseconds): /proc/<pid>/stat counts in 10 ms ticks, which
 * made a 2 s slice of a light service ±7 % by quantisation alone. Threads that have exited are not
 * counted. NaN when /proc is not there.
 */
export function threadCpuUs(pid, tid) {
  try {
    const tids = tid !== undefined ? [tid] : readdirSync(`/proc/${pid}/task`);
    let ns = 0;
    for (const t of tids)
      ns += Number(readFileSync(`/proc/${pid}/task/${t}/schedstat`, 'utf8').split(' ')[0]);
    return ns / 1000;
  } catch {
    return Number.NaN;
  }
}

/** Median of numbers (NaN-safe). */
export function median(values) {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return Number.NaN;
  const m = Math.floor(v.length / 2);
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

/** Installs the npm peers (autocannon, undici) in the bench work folder once, not in the project. */
export async function ensurePeers() {
  const dir = join(WORK, 'peers');
  if (
    existsSync(join(dir, 'node_modules/.bin/autocannon')) &&
    existsSync(join(dir, 'node_modules/undici'))
  )
    return dir;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), '{"name":"redline-bench-peers","private":true}');
  await new Promise((resolve, reject) =>
    execFile(
      'npm',
      ['install', '--no-save', '--no-audit', '--no-fund', 'autocannon@8', 'undici@7'],
      { cwd: dir },
      (e) => (e ? reject(e) : resolve()),
    ),
  );
  return dir;
}

/** The autocannon binary (installed by {@link ensurePeers}). */
export async function ensureAutocannon() {
  return join(await ensurePeers(), 'node_modules/.bin/autocannon');
}

/** Formats a rate like 123.4k. */
export function k(n) {
  return Number.isFinite(n) ? (n >= 1000 ? `${(n / 1000).toFixed(1)}k` : n.toFixed(0)) : 'n/a';
}

/**
 * Runs `redline run <args…> -q --json <tmp>` on the generator core; resolves with the JSON
 * summary it wrote and the pinned run (CPU seconds, stderr). `options.cli` runs another build's
 * bin/redline.js (A/B comparisons); the rest goes to {@link runPinned}.
 */
export async function runRedlineJson(args, { cli = REDLINE, ...options } = {}) {
  const out = join(WORK, `redline-${process.pid}.json`);
  const run = await runPinned(
    process.execPath,
    [cli, 'run', ...args, '-q', '--json', out],
    options,
  );
  if (run.error) console.error(run.stderr.slice(-2000));
  return { result: JSON.parse(readFileSync(out, 'utf8')), run };
}

/**
 * Starts the login → me → items flow server of the 10,000-VU benchmarks (bench/vus-10k*.mjs),
 * pinned to the target core, with room for 20,000 keep-alive connections.
 */
export async function startFlowServer(port) {
  mkdirSync(WORK, { recursive: true });
  const script = join(WORK, 'flow-server.cjs');
  writeFileSync(
    script,
    `const http = require('http');
const s = http.createServer((req, res) => {
  if (req.url === '/auth/login') { req.resume(); req.on('end', () => res.end('{"token":"t"}')); return; }
  res.setHeader('content-type', 'application/json');
  res.end(req.url.startsWith('/items') ? '[{"id":1},{"id":2}]' : '{"id":1,"email":"u@example.com"}');
});
s.keepAliveTimeout = 60000;
s.maxConnections = 20000;
s.listen(${port}, '127.0.0.1');
`,
  );
  const child = spawn('taskset', ['-c', TGT_CPU, process.execPath, script], { stdio: 'ignore' });
  await waitForPort(port);
  return { stop: () => child.kill('SIGTERM') };
}

/**
 * Starts a node:http2 hello server (`:status 200`, content-type, body `hello`) pinned to the
 * target core: TLS with `tls` ({ key, cert } file paths), cleartext h2c without.
 */
export async function startNodeH2(port, tls = null) {
  const script = join(WORK, `h2-hello-server-${port}.cjs`);
  writeFileSync(
    script,
    `const fs = require('fs');
const s = ${tls ? `require('http2').createSecureServer({ key: fs.readFileSync(${JSON.stringify(tls.key)}), cert: fs.readFileSync(${JSON.stringify(tls.cert)}) })` : "require('http2').createServer()"};
s.on('stream', (st) => { st.on('error', () => {}); st.respond({ ':status': 200, 'content-type': 'text/plain' }); st.end('hello'); });
s.listen(${port}, '127.0.0.1');
`,
  );
  const child = spawn('taskset', ['-c', TGT_CPU, process.execPath, script], { stdio: 'ignore' });
  await waitForPort(port);
  return {
    name: tls ? 'node:http2 (TLS)' : 'node:http2 (h2c)',
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}/`,
    stop: () => child.kill(),
  };
}

/** `redline run` arguments for HTTP/2 (`--http2` for https, `--h2c` for http) without warm-up. */
export function redlineH2Args(url, connections, streams, bound) {
  return [
    url,
    url.startsWith('https:') ? '--http2' : '--h2c',
    '--insecure',
    '-c',
    String(connections),
    '--streams',
    String(streams),
    ...bound,
    '--warmup',
    '0',
  ];
}

/**
 * Starts test/fixtures/apps/db/<name> with an inspector on a free port (and the built probe when
 * `probe`), `env` added; resolves { child, appPort, inspectPort } once it prints `listening <port>`.
 * The child is killed when this process exits.
 */
export async function startInspectedFixture(name, { probe = true, env = {} } = {}) {
  const inspectPort = await freePort();
  const child = spawn(process.execPath, [join(ROOT, 'test/fixtures/apps/db', name)], {
    cwd: ROOT,
    env: {
      ...process.env,
      ...env,
      NODE_OPTIONS: `${probe ? `--import=${join(ROOT, 'dist/probe/register.js')} ` : ''}--inspect=127.0.0.1:${inspectPort}`,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  process.on('exit', () => child.kill('SIGKILL'));
  const appPort = await new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${name} exited (${code})`)));
    child.stdout.on('data', (c) => {
      const m = /listening (\d+)/.exec(c.toString());
      if (m) resolve(Number(m[1]));
    });
  });
  return { child, appPort, inspectPort };
}
