/**
 * What the controller ships to an agent: the script as bundled on the controller (one ES module
 * and its source map), the files its init context read through `open()`, and the run's work (the
 * plan with the agent's execution segment, setup()'s data, the test's variables). The agent writes
 * them into a temp folder of its own; nothing is written anywhere else.
 */
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Plan } from '../config/plan.js';
import type { RemotePlan } from '../engine/index.js';
import { ExitCode } from '../errors/exit-codes.js';
import { RedlineError } from '../errors/redline-error.js';

/** Files larger than this in total are refused (a test's data belongs in the image or a volume). */
export const MAX_ARCHIVE_FILE_BYTES = 64 * 1024 * 1024;

/** The script and its files. */
export interface AgentArchive {
  /** The controller's script path (stack traces and `open()` resolve against it). */
  scriptPath: string;
  bundleName: string;
  bundle: string;
  sourceMap: string;
  /** The controller's Redline install (`file:///…/dist/`): module URLs in the bundle start with it. */
  redlineRoot: string;
  /** Files read by `open()` in the init context: the path on the controller, content in base64. */
  files: Array<{ path: string; base64: string }>;
}

/** The run's part an agent executes. */
export interface AgentWork {
  plan: Plan;
  setupData: string | undefined;
  env: Record<string, string>;
  perVuInit: boolean;
  intervalMs: number;
}

/** This install's `dist/` URL (module URLs of the bundle's Redline imports start with it). */
export function redlineRoot(): string {
  const here = import.meta.url.endsWith('.ts')
    ? import.meta.url.replace(/\/src\/distributed\/[^/]+$/, '/dist/distributed/x.js')
    : import.meta.url;
  return new URL('../', here).href;
}

/** Builds the archive of a prepared run (read once, sent to every agent). */
export async function buildArchive(remote: RemotePlan): Promise<AgentArchive> {
  const files: AgentArchive['files'] = [];
  let total = 0;
  for (const path of remote.script.openedFiles) {
    const info = await stat(path).catch(() => undefined);
    // A path open() failed on never reached the run; the agent fails the same way.
    if (!info?.isFile()) continue;
    total += info.size;
    if (total > MAX_ARCHIVE_FILE_BYTES)
      throw new RedlineError(
        'E_DISTRIBUTED_ARCHIVE',
        `the files the script opens exceed ${MAX_ARCHIVE_FILE_BYTES / 1024 / 1024} MB (at ${path})`,
        {
          exitCode: ExitCode.InvalidConfig,
          hint: 'put large data files into the agents’ image or a volume and open them by absolute path',
        },
      );
    files.push({ path, base64: (await readFile(path)).toString('base64') });
  }
  return {
    scriptPath: remote.script.scriptPath,
    bundleName: basename(remote.script.bundlePath),
    bundle: await readFile(remote.script.bundlePath, 'utf8'),
    sourceMap: await readFile(`${remote.script.bundlePath}.map`, 'utf8'),
    redlineRoot: redlineRoot(),
    files,
  };
}

/** An archive written out on the agent. */
export interface UnpackedArchive {
  bundleUrl: string;
  /** Controller path → local copy, for `open()`. */
  fileMap: Record<string, string>;
  dispose(): Promise<void>;
}

/**
 * Writes the archive into a new temp folder: the bundle with the controller's Redline module URLs
 * pointed at this install, its source map, and the opened files (named by index, never by the
 * controller's paths).
 */
export async function unpackArchive(archive: AgentArchive): Promise<UnpackedArchive> {
  const dir = await mkdtemp(join(tmpdir(), 'redline-agent-'));
  const name = basename(archive.bundleName);
  const bundlePath = join(dir, name);
  const bundle = archive.bundle.replaceAll(archive.redlineRoot, redlineRoot());
  await writeFile(bundlePath, bundle);
  await writeFile(`${bundlePath}.map`, archive.sourceMap);
  const fileMap: Record<string, string> = {};
  for (const [i, file] of archive.files.entries()) {
    const local = join(dir, `file-${i}`);
    await writeFile(local, Buffer.from(file.base64, 'base64'));
    fileMap[file.path] = local;
  }
  return {
    bundleUrl: pathToFileURL(bundlePath).href,
    fileMap,
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
}
