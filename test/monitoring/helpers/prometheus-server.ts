/** Test helper: a real Prometheus (Debian package) on a free loopback port, in a temp dir. */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findFreePort } from '../../../src/util/net.js';

/** Path of the Prometheus binary; fails with the apt package name when it is missing. */
export function prometheusBinary(name: 'prometheus' | 'promtool' = 'prometheus'): string {
  const path = `/usr/bin/${name}`;
  if (!existsSync(path)) {
    throw new Error(
      `${path} is missing: install it with \`apt-get install -y prometheus\` (Debian package "prometheus")`,
    );
  }
  return path;
}

/** A running Prometheus. */
export interface PrometheusServer {
  port: number;
  baseUrl: string;
  /** Instant query; returns the result vector (throws on API errors). */
  query(expr: string): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>>;
  /** Polls `query(expr)` until `accept` holds or the timeout passes; returns the last result. */
  waitFor(
    expr: string,
    accept: (r: Array<{ metric: Record<string, string>; value: [number, string] }>) => boolean,
    timeoutMs?: number,
  ): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>>;
  stop(): Promise<void>;
  /** Output of the process (for failure messages). */
  log(): string;
}

/** Options: scrape targets (host:port) and the scrape interval. */
export interface PrometheusServerOptions {
  scrapeTargets?: string[];
  scrapeIntervalS?: number;
  nativeHistograms?: boolean;
}

/** Starts Prometheus with `--web.enable-remote-write-receiver` and waits until it is ready. */
export async function startPrometheus(
  options: PrometheusServerOptions = {},
): Promise<PrometheusServer> {
  const binary = prometheusBinary();
  const dir = mkdtempSync(join(tmpdir(), 'redline-prom-'));
  const port = await findFreePort();
  const interval = `${options.scrapeIntervalS ?? 1}s`;
  const scrape = options.scrapeTargets?.length
    ? `scrape_configs:\n  - job_name: redline\n    scrape_interval: ${interval}\n    static_configs:\n      - targets: [${options.scrapeTargets.map((t) => `'${t}'`).join(', ')}]\n`
    : '';
  writeFileSync(
    join(dir, 'prometheus.yml'),
    `global:\n  scrape_interval: ${interval}\n  evaluation_interval: ${interval}\n${scrape}`,
  );
  const args = [
    `--config.file=${join(dir, 'prometheus.yml')}`,
    `--storage.tsdb.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--web.enable-remote-write-receiver',
    '--log.level=warn',
  ];
  if (options.nativeHistograms) args.push('--enable-feature=native-histograms');
  const child: ChildProcess = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  const baseUrl = `http://127.0.0.1:${port}`;
  const server: PrometheusServer = {
    port,
    baseUrl,
    log: () => output,
    async query(expr) {
      const res = await fetch(`${baseUrl}/api/v1/query?query=${encodeURIComponent(expr)}`);
      const body = (await res.json()) as { status: string; error?: string; data?: { result: [] } };
      if (body.status !== 'success') throw new Error(`query ${expr} failed: ${body.error}`);
      return body.data?.result ?? [];
    },
    async waitFor(expr, accept, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const result = await server.query(expr);
        if (accept(result) || Date.now() > deadline) return result;
        await new Promise((r) => setTimeout(r, 250));
      }
    },
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`prometheus exited (${child.exitCode}): ${output}`);
    const ready = await fetch(`${baseUrl}/-/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) return server;
    if (Date.now() > deadline) {
      await server.stop();
      throw new Error(`prometheus did not become ready: ${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Runs promtool with `args`; returns its exit status and output. */
export function runPromtool(args: string[]): { status: number; output: string } {
  const r = spawnSync(prometheusBinary('promtool'), args, { encoding: 'utf8', timeout: 60_000 });
  return { status: r.status ?? -1, output: `${r.stdout}${r.stderr}` };
}
