/**
 * Python services under Redline's own sampler: the target starts with the sampler as
 * `sitecustomize` on PYTHONPATH (its code is not changed); the window opens and closes through a
 * control file, and each sampled process writes one JSON file (python-sampler-source.ts).
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { ExitCode } from '../../errors/exit-codes.js';
import { RedlineError } from '../../errors/redline-error.js';
import {
  importFromPythonSampler,
  type PythonSamplerFile,
  parsePythonSamplerFile,
} from '../import/python-sampler.js';
import { PYTHON_SAMPLER_SOURCE } from './python-sampler-source.js';
import type { RawCaptureFile, RuntimeCapturer } from './runtime-capturer.js';

/** Default sampling interval of the Python sampler (ms): py-spy's default rate of 100 Hz. */
export const PYTHON_SAMPLE_INTERVAL_MS = 10;

/** Where a sampler lives: its bootstrap folder (on PYTHONPATH), control file and output folder. */
export interface PythonSamplerPaths {
  boot: string;
  control: string;
  out: string;
}

/**
 * Writes the sampler's bootstrap and control file under `dir` (synchronously: a target starter
 * calls it while it builds the environment). The sampler stays idle until a window opens.
 */
export function setUpPythonSampler(dir: string): PythonSamplerPaths {
  const paths = { boot: join(dir, 'boot'), control: join(dir, 'control'), out: join(dir, 'out') };
  mkdirSync(paths.boot, { recursive: true });
  mkdirSync(paths.out, { recursive: true });
  writeFileSync(join(paths.boot, 'sitecustomize.py'), PYTHON_SAMPLER_SOURCE);
  writeFileSync(paths.control, 'idle\n');
  return paths;
}

/** Options of {@link createPythonCapturer}. */
export interface PythonCapturerOptions {
  intervalMs?: number;
  /** How long to wait for the sampler files after "stop" (default 15 s). */
  collectTimeoutMs?: number;
  /** A sampler the target was already started with (the audit's target); else a new one. */
  paths?: PythonSamplerPaths;
}

/** The environment that loads the sampler into every Python process the command starts. */
export function pythonSamplerEnv(
  env: NodeJS.ProcessEnv,
  paths: { boot: string; control: string; out: string },
  intervalMs = PYTHON_SAMPLE_INTERVAL_MS,
): NodeJS.ProcessEnv {
  return {
    ...env,
    PYTHONPATH: [paths.boot, env['PYTHONPATH']].filter(Boolean).join(delimiter),
    REDLINE_PY_CONTROL: paths.control,
    REDLINE_PY_OUT: paths.out,
    REDLINE_PY_INTERVAL_MS: String(intervalMs),
  };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A capturer for Python targets started by Redline (attaching is not possible: see the docs). */
export async function createPythonCapturer(
  options: PythonCapturerOptions = {},
): Promise<RuntimeCapturer> {
  const dir = options.paths ? undefined : await mkdtemp(join(tmpdir(), 'redline-python-'));
  const paths = options.paths ?? setUpPythonSampler(dir as string);
  // Each window gets its own number, so one started target can be sampled more than once.
  const window = String(Date.now());
  const ready = async (): Promise<number[]> =>
    (await readdir(paths.out))
      .filter((name) => name.startsWith('ready-'))
      .map((name) => Number(name.slice('ready-'.length)));
  return {
    runtime: 'python',
    invocation(command, env) {
      return { command: [...command], env: pythonSamplerEnv(env, paths, options.intervalMs) };
    },
    async start() {
      if ((await ready()).length === 0) {
        throw new RedlineError(
          'PROFILE_NO_SAMPLER',
          'the Python sampler did not start in the target',
          {
            exitCode: ExitCode.Unavailable,
            hint: 'The command must run CPython 3.8+ and honour PYTHONPATH (not python -E or -I); check target.log for "redline:" lines.',
          },
        );
      }
      await writeFile(paths.control, `start ${window}\n`);
    },
    async stop() {
      await writeFile(paths.control, `stop ${window}\n`);
      const deadline = Date.now() + (options.collectTimeoutMs ?? 15_000);
      const files = new Map<number, PythonSamplerFile>();
      for (;;) {
        for (const pid of await ready()) {
          const path = join(paths.out, `python-${pid}-${window}.json`);
          if (!files.has(pid) && existsSync(path))
            files.set(pid, parsePythonSamplerFile(await readFile(path), path));
        }
        const missing = (await ready()).filter((pid) => !files.has(pid) && alive(pid));
        if (missing.length === 0 || Date.now() > deadline) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      if (files.size === 0) {
        throw new RedlineError('PROFILE_NO_SAMPLES', 'the Python sampler wrote no samples', {
          exitCode: ExitCode.TargetUnreachable,
          hint: 'The target may have exited during the window; check target.log.',
        });
      }
      const recording = importFromPythonSampler([...files.values()], 'python sampler');
      const raw: RawCaptureFile[] = [...files.keys()].map((pid) => ({
        name: `python-${pid}.json`,
        path: join(paths.out, `python-${pid}-${window}.json`),
      }));
      return { recording, raw };
    },
    async dispose() {
      if (!dir) return; // a sampler set up by the target's starter stays with the target
      await writeFile(paths.control, 'exit\n').catch(() => {});
      await rm(dir, { recursive: true, force: true });
    },
  };
}
