/** Runs a fixture app under the built probe (dist/probe/register.js) and reads its report. */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  createProbeEnv,
  PROBE_REGISTER_PATH,
  type ProbeReport,
  readProbeReport,
} from '../../src/probe/index.js';

/** Repository root (the apps' paths are reported relative to it). */
export const ROOT = resolve(import.meta.dirname, '../..');
/** The built probe entry the apps are started with. */
export const BUILT_REGISTER = join(ROOT, 'dist/probe/register.js');

/** A fixture app started with the probe. */
export interface ProbedApp {
  port: number;
  child: ChildProcess;
  reportFile: string;
  /** Sends SIGTERM, waits for exit, reads the report, removes the temp dir. */
  stop(): Promise<ProbeReport>;
}

/** Starts `test/fixtures/apps/db/<name>` with the probe; resolves once it prints `listening <port>`. */
export async function startProbedApp(
  name: string,
  env: Record<string, string>,
  withProbe = true,
  startTimeoutMs = 20_000,
): Promise<ProbedApp> {
  if (!existsSync(BUILT_REGISTER))
    throw new Error(`run npm run build first: ${BUILT_REGISTER} is missing`);
  // The tests import the probe from src/, so PROBE_REGISTER_PATH points there: use the built one.
  void PROBE_REGISTER_PATH;
  const dir = mkdtempSync(join(tmpdir(), 'redline-probe-'));
  const reportFile = join(dir, 'probe.ndjson');
  const probeEnv = createProbeEnv({ reportFile, flushMs: 200 });
  probeEnv['NODE_OPTIONS'] = `--import=${BUILT_REGISTER}`;
  const child = spawn(process.execPath, [join(ROOT, 'test/fixtures/apps/db', name)], {
    cwd: ROOT,
    env: { ...(withProbe ? probeEnv : process.env), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const port = await new Promise<number>((resolvePort, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`app did not start: ${stderr}`)),
      startTimeoutMs,
    );
    child.stdout?.on('data', (chunk: Buffer) => {
      const match = /listening (\d+)/.exec(chunk.toString());
      if (match) {
        clearTimeout(timer);
        resolvePort(Number(match[1]));
      }
    });
    child.once('exit', (code) => reject(new Error(`app exited (${code}): ${stderr}`)));
  });
  return {
    port,
    child,
    reportFile,
    async stop() {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
      try {
        return withProbe
          ? await readProbeReport(reportFile)
          : { findings: [], ended: true, badLines: 0 };
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/** GETs a path `times` times, sequentially (bounded). */
export async function getMany(port: number, path: string, times: number): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < times; i++) {
    const response = await fetch(`http://127.0.0.1:${port}${path}`);
    await response.arrayBuffer();
    statuses.push(response.status);
  }
  return statuses;
}

/** The 1-based line of `test/fixtures/apps/db/<app>` holding `marker` (0 when none does). */
export function fixtureLine(app: string, marker: string): number {
  const lines = readFileSync(join(ROOT, 'test/fixtures/apps/db', app), 'utf8').split('\n');
  return lines.findIndex((line) => line.includes(marker)) + 1;
}
