/**
 * The files a script needs on the controller pod: the script, the local modules it imports (found
 * by esbuild, as the loader will bundle them), the npm packages they import (with their
 * package.json, so resolution in the pod finds them as here), the data files its local modules
 * `open()` with a literal path, and files the user adds with `--include`. Paths are kept relative
 * to the folder that holds them all, so relative imports and `open()` calls resolve in the pod as
 * they do here. `k6`, `redline` and remote (https://) modules are not shipped: the image has the
 * former, the controller fetches (or mirrors) the latter as `redline run` does.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { type BuildFailure, build, type Metafile } from 'esbuild';
import { ExitCode } from '../errors/exit-codes.js';
import { RedlineError } from '../errors/redline-error.js';
import { LineIndex } from '../util/line-index.js';

/** One file of the bundle. */
export interface BundleFile {
  /** Path relative to {@link ScriptBundle.root}, with '/' separators, never '..'. */
  path: string;
  content: Buffer;
}

/** A script and the files it needs. */
export interface ScriptBundle {
  /** The folder every file is relative to (on this machine). */
  root: string;
  /** The script's path relative to `root`. */
  script: string;
  files: BundleFile[];
  /** Things the collector saw but could not ship (computed `open()` paths), for a warning. */
  notes: string[];
}

const SCRIPT = /\.(?:[cm]?[jt]sx?)$/i;
/** `open('./file')`, `open("x", "b")`, `fs.open(`...`)` with a literal path. */
const OPEN_LITERAL = /\bopen\s*\(\s*(['"`])([^'"`$\n]+)\1/g;
/** `open(` followed by anything that is not a plain literal (a variable, a template). */
const OPEN_ANY = /\bopen\s*\(\s*([^)\s])/g;

/** Collects the bundle of `scriptPath` (plus `includes`, resolved against the working folder). */
export async function collectScriptBundle(
  scriptPath: string,
  includes: readonly string[] = [],
): Promise<ScriptBundle> {
  const script = resolve(scriptPath);
  if (!existsSync(script) || !statSync(script).isFile())
    throw new RedlineError('E_SCRIPT_NOT_FOUND', `script not found: ${scriptPath}`, {
      hint: 'check the path of the script to run on the cluster',
      exitCode: ExitCode.NoInput,
    });
  const files = new Set<string>([script]);
  const notes: string[] = [];
  if (SCRIPT.test(script)) {
    for (const file of await importedFiles(script)) files.add(file);
    for (const file of [...files]) {
      if (!SCRIPT.test(file) || file.includes(`${sep}node_modules${sep}`)) continue;
      for (const data of openedFiles(file, notes)) files.add(data);
    }
    for (const file of [...files]) {
      const pkg = packageJsonOf(file);
      if (pkg) files.add(pkg);
    }
  }
  for (const include of includes) {
    const full = resolve(include);
    if (!existsSync(full) || !statSync(full).isFile())
      throw new RedlineError('E_K8S_INCLUDE', `--include: no such file: ${include}`, {
        hint: 'name a file (a data file the script opens with a computed path)',
        exitCode: ExitCode.NoInput,
      });
    files.add(full);
  }
  const all = [...files].sort();
  const root = commonFolder(all);
  return {
    root,
    script: toPosix(relative(root, script)),
    files: all.map((file) => ({
      path: toPosix(relative(root, file)),
      content: readFileSync(file),
    })),
    notes,
  };
}

/** The local files (not k6/redline/remote modules) esbuild reaches from `script`. */
async function importedFiles(script: string): Promise<string[]> {
  const dir = dirname(script);
  let metafile: Metafile;
  try {
    const result = await build({
      entryPoints: [script],
      bundle: true,
      write: false,
      metafile: true,
      format: 'esm',
      platform: 'node',
      logLevel: 'silent',
      absWorkingDir: dir,
      outdir: join(dir, '.redline-k8s-bundle'),
      external: ['k6', 'k6/*', 'redline', 'redline/*'],
      plugins: [
        {
          name: 'redline-k8s-remote',
          setup(b) {
            b.onResolve({ filter: /^https?:\/\// }, (args) => ({
              path: args.path,
              external: true,
            }));
          },
        },
      ],
    });
    metafile = result.metafile;
  } catch (error) {
    const failure = error as Partial<BuildFailure>;
    if (!Array.isArray(failure.errors)) throw error;
    const problems = failure.errors.map((e) =>
      e.location
        ? `${e.location.file}:${e.location.line}:${e.location.column + 1}: ${e.text}`
        : e.text,
    );
    throw new RedlineError('E_K8S_BUNDLE', `cannot collect the files of ${script}`, {
      hint: 'fix the import (the script must load here with `redline run` first)',
      problems,
      exitCode: ExitCode.ScriptException,
    });
  }
  return Object.keys(metafile.inputs)
    .filter((input) => !input.includes(':')) // namespaced inputs (none today) are not files
    .map((input) => resolve(dir, input));
}

/** The files `file` opens with a literal path (relative to `file`, as the runtime resolves them). */
function openedFiles(file: string, notes: string[]): string[] {
  const text = readFileSync(file, 'utf8');
  const found: string[] = [];
  const lines = new LineIndex(text);
  /** 1-based line of `index`, for the notes. */
  const lineOf = (index: number) => lines.lineOf(index) + 1;
  const literalAt = new Set<number>();
  for (const match of text.matchAll(OPEN_LITERAL)) {
    literalAt.add(match.index);
    const path = match[2] as string;
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(path)) continue; // a URL, not a file
    const full = isAbsolute(path) ? path : resolve(dirname(file), path);
    if (!existsSync(full) || !statSync(full).isFile()) {
      // A warning, not an error: the call may sit in a comment or a branch that never runs.
      notes.push(
        `${file}:${lineOf(match.index)}: open("${path}"): no such file here, so it is not shipped (the run fails in the pod if that line runs; fix the path or pass the file with --include)`,
      );
      continue;
    }
    found.push(full);
  }
  for (const match of text.matchAll(OPEN_ANY)) {
    if (literalAt.has(match.index)) continue;
    notes.push(
      `${file}:${lineOf(match.index)}: open() with a computed path: that file is not shipped unless you add it with --include`,
    );
  }
  return found;
}

/** The package.json of the npm package holding `file`, if `file` is in node_modules. */
function packageJsonOf(file: string): string | undefined {
  const marker = `${sep}node_modules${sep}`;
  const at = file.lastIndexOf(marker);
  if (at < 0) return undefined;
  const rest = file.slice(at + marker.length).split(sep);
  const depth = rest[0]?.startsWith('@') ? 2 : 1;
  const pkg = join(file.slice(0, at + marker.length), ...rest.slice(0, depth), 'package.json');
  return existsSync(pkg) ? pkg : undefined;
}

/** The deepest folder holding every one of `files` (absolute paths). */
function commonFolder(files: readonly string[]): string {
  let common = dirname(files[0] as string);
  for (const file of files) {
    while (common !== dirname(common) && !`${file}`.startsWith(`${common}${sep}`))
      common = dirname(common);
  }
  return common;
}

function toPosix(path: string): string {
  return path.split(sep).join('/');
}
