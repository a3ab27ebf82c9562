// Runs every script of the k6 corpus (corpus.mjs) unchanged through the built CLI against the
// local emulator (server.mjs), and classifies each run:
//   correct  k6's result: the expected exit code, checks, iteration errors (see corpus.mjs)
//   refused  out of scope (k6/browser, xk6) and refused before the run with a precise message
//   wrong    anything else: a different result, an unexpected refusal, a crash, a timeout
// The pass rate is correct / (correct + wrong): the scripts that use only supported APIs.
//
//   npm run build && node bench/k6-corpus/fetch-corpus.mjs && node bench/k6-corpus/run-corpus.mjs [filter]
//
// Network safety: the runner re-executes itself in a new network namespace (`unshare -rn`,
// loopback only) so a host the rules miss fails to resolve instead of connecting out; every
// hostname found in the corpus is mapped to the emulator with --host. Without `unshare` it
// refuses to run. Each script is bounded by --vus/--iterations overrides and a 90 s timeout.
import { spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeSelfSignedCertificate } from '../certificate.mjs';
import { CORPUS, MODULE_SOURCES } from './corpus.mjs';
import { CORPUS_DIR, moduleDir, repoDir } from './fetch-corpus.mjs';
import { startEmulator } from './server.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const REDLINE = join(HERE, '../../bin/redline.js');
const TIMEOUT_MS = 90_000;
const DEFAULT_ARGS = ['--vus', '1', '--iterations', '2'];

if (process.env.K6_CORPUS_NETNS !== '1') {
  const probe = spawnSync('unshare', ['-rn', 'true']);
  if (probe.status !== 0) {
    console.error(
      'run-corpus: cannot create a network namespace (unshare -rn); refusing to run scripts that name public hosts',
    );
    process.exit(2);
  }
  const child = spawnSync(
    'unshare',
    [
      '-rn',
      'sh',
      '-c',
      'ip link set lo up && exec "$0" "$@"',
      process.execPath,
      fileURLToPath(import.meta.url),
      ...process.argv.slice(2),
    ],
    { stdio: 'inherit', env: { ...process.env, K6_CORPUS_NETNS: '1' } },
  );
  process.exit(child.status ?? 1);
}

/** Every file under a folder. */
function walk(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else out.push(p);
  }
  return out;
}

/** Every hostname the corpus (scripts, their files, remote modules) names in a URL. */
function corpusHosts() {
  const hosts = new Set(['localhost']);
  for (const file of walk(CORPUS_DIR)) {
    if (!/\.(m?js|ts|json)$/.test(file)) continue;
    for (const m of readFileSync(file, 'utf8').matchAll(
      /\b(?:https?|wss?):\/\/(?:[^@/\s'"`]*@)?([a-zA-Z0-9.-]+\.[a-zA-Z]{2,})/g,
    )) {
      hosts.add(m[1].toLowerCase());
    }
  }
  return [...hosts].sort();
}

/** A self-signed certificate valid for every corpus host (bench/certificate.mjs). */
function certificateFor(hosts) {
  const dir = mkdtempSync(join(tmpdir(), 'k6-corpus-tls-'));
  const altName = hosts.map((h) => `DNS:${h}`).join(',');
  const { certPath, keyPath } = writeSelfSignedCertificate(dir, { cn: 'k6-corpus', altName });
  return { key: readFileSync(keyPath), cert: readFileSync(certPath), certFile: certPath };
}

function runOne(args, cwd, env = {}) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [REDLINE, ...args], {
      cwd,
      detached: true,
      env: { ...process.env, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {}
    }, TIMEOUT_MS);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? `killed (${signal})` : null), stdout, stderr });
    });
  });
}

/** Compares one run with the entry's expectation; returns [result, reason]. */
function classify(entry, run, result) {
  const expect = entry.expect ?? {};
  const out = `${run.stderr}\n${run.stdout}`;
  const firstError = (out.match(/^.*(error|not supported|cannot).*$/im) ?? [''])[0]
    .trim()
    .slice(0, 220);
  if (expect.refusedInIteration) {
    if (run.code === 0 && expect.refusedInIteration.test(out))
      return ['refused', (out.match(expect.refusedInIteration) ?? [''])[0]];
    return [
      'wrong',
      `expected the documented refusal ${expect.refusedInIteration}, got exit ${run.code}: ${firstError}`,
    ];
  }
  if (expect.refused) {
    if ((run.code === 107 || run.code === 104) && expect.refused.test(out)) {
      const line = out.split('\n').find((l) => /module "[^"]+" (is|cannot)/.test(l)) ?? firstError;
      return [
        'refused',
        line
          .replace(/^.*?\.(js|ts):\d+:\d+\s+/, '')
          .split(' (supported')[0]
          .trim(),
      ];
    }
    return [
      'wrong',
      `expected a refusal matching ${expect.refused}, got exit ${run.code}: ${firstError}`,
    ];
  }
  const problems = [];
  const exits = expect.exits ?? [expect.exit ?? 0];
  if (!exits.includes(run.code))
    problems.push(
      `exit ${run.code} (k6: ${exits.join(' or ')})${firstError ? `: ${firstError}` : ''}`,
    );
  if (result) {
    const failing = new Set(expect.failingChecks ?? []);
    const random = new Set(expect.randomChecks ?? []);
    for (const c of result.checks ?? []) {
      if (random.has(c.name)) continue;
      if (c.fails > 0 && !failing.has(c.name))
        problems.push(`check "${c.name}" failed ${c.fails}/${c.passes + c.fails}`);
      if (c.fails === 0 && failing.has(c.name))
        problems.push(`check "${c.name}" passed (k6 fails it)`);
    }
  } else if (run.code === 0 || run.code === 99) problems.push('no result file');
  const iterErrors = /error in an iteration/.test(out);
  if (iterErrors && !expect.iterationErrors) {
    const line = out.split('\n').find((l) => /error in an iteration/.test(l)) ?? '';
    problems.push(line.trim().slice(0, 220));
  }
  if (!iterErrors && expect.iterationErrors) problems.push('no iteration error (k6 throws there)');
  if (problems.length === 0) return ['correct', expect.why ?? ''];
  return ['wrong', `${expect.gap ? `known gap, ${expect.gap}: ` : ''}${problems.join('; ')}`];
}

const filter = process.argv[2];
const emulator = await startEmulator();
const hosts = corpusHosts();
const hostArgs = hosts.flatMap((h) => ['--host', `${h}=127.0.0.1:${emulator.port}`]);
// Scripts that look at TLS (`tls: true`) get an HTTPS emulator whose certificate the child trusts.
const certificate = certificateFor(hosts);
const tlsEmulator = await startEmulator(0, certificate);
const tlsHostArgs = hosts.flatMap((h) => [
  '--host',
  `https://${h}=https://127.0.0.1:${tlsEmulator.port}`,
]);
const mirrorArgs = Object.keys(MODULE_SOURCES).flatMap((p) => [
  '--module-mirror',
  `${p}=${moduleDir(p)}`,
]);
const rows = [];
for (const entry of CORPUS) {
  const id = `${entry.repo}/${entry.path}`;
  if (filter && !id.includes(filter)) continue;
  const script = join(repoDir(entry.repo), entry.path);
  if (!existsSync(script)) {
    rows.push({ id, entry, result: 'wrong', reason: 'not fetched (run fetch-corpus.mjs)' });
    continue;
  }
  const work = mkdtempSync(join(tmpdir(), 'k6-corpus-'));
  const args = [
    'run',
    script,
    '--quiet',
    '--no-remote-modules',
    '--json',
    join(work, 'result.json'),
    ...(entry.tls ? tlsHostArgs : []),
    ...hostArgs,
    ...mirrorArgs,
    ...(entry.args ?? DEFAULT_ARGS),
    ...Object.entries(entry.env ?? {}).flatMap(([k, v]) => ['-e', `${k}=${v}`]),
  ];
  const started = Date.now();
  const run = await runOne(
    args,
    work,
    entry.tls ? { NODE_EXTRA_CA_CERTS: certificate.certFile } : {},
  );
  let result;
  try {
    result = JSON.parse(readFileSync(join(work, 'result.json'), 'utf8'));
  } catch {}
  const [verdict, reason] = classify(entry, run, result);
  rows.push({
    id,
    entry,
    result: verdict,
    reason,
    exit: run.code,
    seconds: (Date.now() - started) / 1000,
  });
  console.log(
    `${verdict.padEnd(8)} ${id} (exit ${run.code}, ${((Date.now() - started) / 1000).toFixed(1)}s)${verdict === 'correct' ? '' : `  ${reason}`}`,
  );
  if (process.env.K6_CORPUS_VERBOSE)
    console.log(run.stderr.slice(0, 3000), run.stdout.slice(-2000));
}
await emulator.close();
await tlsEmulator.close();

const count = (r) => rows.filter((x) => x.result === r).length;
const correct = count('correct');
const wrong = count('wrong');
const refused = count('refused');
const summary = `${rows.length} scripts from ${new Set(rows.map((r) => r.entry.repo)).size} repositories: ${correct} correct, ${refused} refused (out of scope), ${wrong} wrong; pass rate ${((100 * correct) / Math.max(1, correct + wrong)).toFixed(1)}% of the scripts that use only supported APIs`;
console.log(`\n${summary}`);
// A filtered run updates its rows in the last full run's results.
let all = rows.map(({ entry, ...r }) => ({ ...r, commit: entry.commit }));
const resultsFile = join(HERE, 'results.json');
if (filter && existsSync(resultsFile)) {
  const previous = JSON.parse(readFileSync(resultsFile, 'utf8')).rows;
  all = previous.map((old) => all.find((r) => r.id === old.id) ?? old);
}
if (!filter || existsSync(resultsFile)) {
  const tally = (r) => all.filter((x) => x.result === r).length;
  const [c, w, f] = [tally('correct'), tally('wrong'), tally('refused')];
  const total = `${all.length} scripts from ${new Set(CORPUS.filter((e) => all.some((r) => r.id === `${e.repo}/${e.path}`)).map((e) => e.repo)).size} repositories: ${c} correct, ${f} refused (out of scope), ${w} wrong; pass rate ${((100 * c) / Math.max(1, c + w)).toFixed(1)}% of the scripts that use only supported APIs`;
  if (filter) console.log(`all scripts (this run's rows updated in results.json): ${total}`);
  writeFileSync(
    resultsFile,
    `${JSON.stringify({ date: new Date().toISOString(), summary: total, rows: all }, null, 2)}\n`,
  );
}
