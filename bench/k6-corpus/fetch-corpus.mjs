// Re-creates the k6 corpus (corpus.mjs) under bench/k6-corpus/.corpus/ (git-ignored): each
// script at its pinned commit, the local files it imports or open()s, and the remote modules it
// imports (served to Redline with --module-mirror, so runs need no network).
//
//   node bench/k6-corpus/fetch-corpus.mjs              # from git mirrors (K6_CORPUS_MIRRORS,
//                                                      # default /work/.mirror/<owner>+<name>/repo)
//   node bench/k6-corpus/fetch-corpus.mjs --download   # from raw.githubusercontent.com instead
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CORPUS, MODULE_SOURCES } from './corpus.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
export const CORPUS_DIR = join(HERE, '.corpus');
const MIRRORS = process.env.K6_CORPUS_MIRRORS ?? '/work/.mirror';
const download = process.argv.includes('--download');

/** The folder a repository's files land in. */
export function repoDir(repo) {
  return join(CORPUS_DIR, repo.replace('/', '+'));
}

/** The folder a remote-module prefix is mirrored into (the --module-mirror target). */
export function moduleDir(prefix) {
  const [repo, , base] = MODULE_SOURCES[prefix];
  return join(CORPUS_DIR, 'modules', repo.replace('/', '+'), base);
}

async function readAt(repo, commit, path) {
  if (download) {
    const res = await fetch(`https://raw.githubusercontent.com/${repo}/${commit}/${path}`);
    if (!res.ok) throw new Error(`${repo}@${commit}:${path}: HTTP ${res.status}`);
    return Buffer.from(await res.arrayBuffer());
  }
  const git = join(MIRRORS, repo.replace('/', '+'), 'repo');
  if (!existsSync(git))
    throw new Error(`no mirror of ${repo} at ${git} (fetch it, or use --download)`);
  return execFileSync('git', ['-C', git, 'show', `${commit}:${path}`], {
    maxBuffer: 64 << 20,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

const IMPORT =
  /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\s*['"]([^'"]+)['"]|(?<![.\w$])open\(\s*['"]([^'"]+)['"]/g;

/** Copies `path` of `repo` and, recursively, what it imports or opens. */
async function copyWithDeps(repo, commit, path, into, seen) {
  const key = `${into}:${path}`;
  if (seen.has(key)) return;
  seen.add(key);
  let text;
  try {
    text = await readAt(repo, commit, path);
  } catch (error) {
    // A file the script opens may be missing in its repository too: k6 then fails as we will.
    console.warn(`  missing ${repo}:${path} (${error.message.split('\n')[0]})`);
    return;
  }
  const target = join(into, path);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, text);
  if (!/\.(m?js|ts)$/.test(path)) return;
  for (const m of text.toString().matchAll(IMPORT)) {
    const spec = m[1] ?? m[2] ?? m[3];
    if (spec.startsWith('.') || (m[3] && !spec.startsWith('/') && !/^[a-z]+:/.test(spec))) {
      await copyWithDeps(
        repo,
        commit,
        posix.normalize(posix.join(posix.dirname(path), spec)),
        into,
        seen,
      );
    } else if (spec.startsWith('https://')) {
      await copyRemote(spec, seen);
    }
  }
}

/** Copies a remote module from the repository that publishes it (MODULE_SOURCES). */
async function copyRemote(url, seen) {
  const prefix = Object.keys(MODULE_SOURCES).find((p) => url.startsWith(p));
  if (!prefix) {
    console.warn(`  no source for remote module ${url} (the run will report it)`);
    return;
  }
  const [repo, commit, base] = MODULE_SOURCES[prefix];
  const into = join(CORPUS_DIR, 'modules', repo.replace('/', '+'));
  await copyWithDeps(repo, commit, base + url.slice(prefix.length), into, seen);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const seen = new Set();
  for (const entry of CORPUS) {
    await copyWithDeps(entry.repo, entry.commit, entry.path, repoDir(entry.repo), seen);
  }
  console.log(
    `corpus: ${CORPUS.length} scripts from ${new Set(CORPUS.map((c) => c.repo)).size} repositories in ${CORPUS_DIR}`,
  );
}
