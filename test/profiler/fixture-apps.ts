// Compiles the hot-spot fixture apps (TypeScript) with source maps into a temp dir and drives them.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { runQuickTest } from '../../src/engine/index.js';
import {
  type ProfileTargetOptions,
  type ProfileTargetResult,
  profileTarget,
} from '../../src/profiler/index.js';

/** The repository root (paths in findings are shown relative to it). */
export const ROOT = resolve(import.meta.dirname, '../..');
/** Where the app sources live. */
export const APPS_DIR = join(ROOT, 'test/fixtures/apps/profiler');
/** The apps. */
export const APPS = ['sync-crypto', 'big-json', 'catastrophic-regex', 'leak', 'healthy'] as const;
export type AppName = (typeof APPS)[number];

/** Bundles every app into `<tmp>/<app>.mjs` with a linked `.map`; returns the dir and a cleanup. */
export async function compileApps(): Promise<{ dir: string; cleanup: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), 'redline-profiler-apps-'));
  await build({
    entryPoints: APPS.map((app) => join(APPS_DIR, `${app}.ts`)),
    outdir: dir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: 'linked',
    logLevel: 'silent',
  });
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** 1-based line of the `// HOT-SPOT` marker in an app's TypeScript source. */
export function hotSpotLine(app: AppName): number {
  return (
    readFileSync(join(APPS_DIR, `${app}.ts`), 'utf8')
      .split('\n')
      .findIndex((line) => line.includes('// HOT-SPOT')) + 1
  );
}

interface Stats {
  hotMs: number;
  hotCalls: number;
  activeMs: number;
}

async function stats(url: string): Promise<Stats> {
  const response = await fetch(new URL('/__stats', url));
  return (await response.json()) as Stats;
}

/** A profile of one app plus the hot spot's share measured by timing it directly in the app. */
export interface AppRun {
  result: ProfileTargetResult;
  /** Σ time inside the marked hot spot / event-loop active time, over the load window. */
  directShare: number;
  /** Requests that reached the hot spot during the window. */
  requests: number;
}

/** Profiles one compiled app under Redline's own load (runQuickTest) and times the hot spot directly. */
export async function profileApp(
  dir: string,
  app: AppName,
  options: { loadMs?: number; capture?: ProfileTargetOptions['capture'] } = {},
): Promise<AppRun> {
  let before: Stats | undefined;
  let after: Stats | undefined;
  const result = await profileTarget({
    target: { command: [process.execPath, join(dir, `${app}.mjs`)] },
    warmup: (url, signal) => runQuickTest({ url, connections: 4, durationMs: 1000, signal }),
    load: async (url, signal) => {
      before = await stats(url);
      const run = await runQuickTest({
        url,
        connections: 8,
        durationMs: options.loadMs ?? 4000,
        signal,
      });
      after = await stats(url);
      return run;
    },
    cwd: ROOT,
    ...(options.capture ? { capture: options.capture } : {}),
  });
  if (!before || !after) throw new Error('the load did not run');
  const requests = after.hotCalls - before.hotCalls;
  return {
    result,
    directShare: (after.hotMs - before.hotMs) / (after.activeMs - before.activeMs),
    requests,
  };
}
