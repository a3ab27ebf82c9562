/**
 * A stand-in for `kubectl`, for the tests of `redline k8s run`: no Kubernetes cluster exists on
 * the machines that run the tests, so a real `kubectl` cannot apply anything there. This small
 * program, written by the test into a folder it puts first on PATH, records every call (its
 * arguments and its standard input) and answers as kubectl would for the calls Redline makes:
 * `apply -f -`, `logs --follow job/…`, `get pods … -o jsonpath=…` and `delete … -l …`. It proves
 * which command lines Redline runs and what it does with the answers; it is not a cluster run.
 *
 * Behaviour (environment of the stand-in):
 * - FAKE_KUBECTL_DIR: where it writes `calls.jsonl` and the `deleted` marker (required).
 * - FAKE_KUBECTL_APPLY_FAIL=1: `apply` fails, and its error message repeats the Secret's data
 *   line (as a careless tool could), to check that Redline scrubs it.
 * - FAKE_KUBECTL_LOGS: `lines` (default) prints the controller's lines and exits 0; `hang` prints
 *   one line, then waits (at most 20 s) until `delete` ran, then prints a partial summary and
 *   exits 0 (as the controller does on SIGTERM); `fail` exits 1 as kubectl after
 *   --pod-running-timeout.
 * - FAKE_KUBECTL_LEAK=1: the log repeats the token it was given (to check scrubbing).
 * - FAKE_KUBECTL_EXIT: what `get pods` answers (default `99 Error`).
 */
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const PROGRAM = String.raw`
const fs = require('node:fs');
const path = require('node:path');
const dir = process.env.FAKE_KUBECTL_DIR;
const args = process.argv.slice(2);
let input = '';
const verb = args.find((a, i) => !a.startsWith('-') && !['--namespace', '--context'].includes(args[i - 1]));
function record() {
  fs.appendFileSync(path.join(dir, 'calls.jsonl'), JSON.stringify({ args, stdin: input }) + '\n');
}
function tokenOf(text) {
  const m = /token: (\S+)/.exec(text);
  return m ? Buffer.from(m[1], 'base64').toString() : '';
}
function answer() {
  record();
  if (verb === 'apply') {
    if (process.env.FAKE_KUBECTL_APPLY_FAIL === '1') {
      const line = input.split('\n').find((l) => l.includes('token: ')) || '';
      process.stderr.write('error: the server rejected the request near "' + line.trim() + '" (' + tokenOf(input) + ')\n');
      process.exit(1);
    }
    for (const m of input.matchAll(/^kind: (\w+)\n(?:.*\n)*?  name: (\S+)/gm))
      process.stdout.write(m[1].toLowerCase() + '/' + m[2] + ' created\n');
    process.exit(0);
  }
  if (verb === 'logs') {
    const mode = process.env.FAKE_KUBECTL_LOGS || 'lines';
    if (mode === 'fail') {
      process.stderr.write('error: timed out waiting for the condition\n');
      process.exit(1);
    }
    process.stdout.write('running (1.0s), 8/8 agents joined, 800/800 VUs\n');
    if (process.env.FAKE_KUBECTL_LEAK === '1') {
      const applied = fs.readFileSync(path.join(dir, 'calls.jsonl'), 'utf8');
      process.stdout.write('the token is ' + tokenOf(applied) + '\n');
    }
    if (mode === 'hang') {
      const started = Date.now();
      const timer = setInterval(() => {
        if (fs.existsSync(path.join(dir, 'deleted'))) {
          clearInterval(timer);
          process.stdout.write('interrupted: partial summary of what was measured\n');
          process.exit(0);
        }
        if (Date.now() - started > 20000) process.exit(3);
      }, 50);
      process.on('SIGTERM', () => process.exit(143));
      return;
    }
    process.stdout.write('http_reqs: 4000\nthresholds: 1 failed\n');
    process.exit(0);
  }
  if (verb === 'get') {
    process.stdout.write((process.env.FAKE_KUBECTL_EXIT || '99 Error') + '\n');
    process.exit(0);
  }
  if (verb === 'delete') {
    fs.writeFileSync(path.join(dir, 'deleted'), '');
    process.stdout.write('job.batch "x" deleted\n');
    process.exit(0);
  }
  process.stderr.write('recording kubectl: no answer for ' + args.join(' ') + '\n');
  process.exit(2);
}
if (verb === 'apply') {
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (c) => { input += c; });
  process.stdin.on('end', answer);
} else answer();
`;

/** A recorded call. */
export interface KubectlCall {
  args: string[];
  stdin: string;
}

/** Where the stand-in lives and what it recorded. */
export interface RecordingKubectl {
  /** Folder holding the `kubectl` stand-in (put it on PATH). */
  binDir: string;
  /** Its absolute path. */
  path: string;
  /** The environment the stand-in needs (merge into the child's env). */
  env: Record<string, string>;
  /** The calls so far, in order. */
  calls(): KubectlCall[];
}

/** Writes the stand-in into `dir` (a fresh temporary folder owned by the test). */
export function createRecordingKubectl(dir: string): RecordingKubectl {
  const binDir = join(dir, 'bin');
  mkdirSync(binDir, { recursive: true });
  const path = join(binDir, 'kubectl');
  writeFileSync(path, `#!${process.execPath}\n${PROGRAM}`);
  chmodSync(path, 0o755);
  return {
    binDir,
    path,
    env: { FAKE_KUBECTL_DIR: dir },
    calls: () => {
      let text = '';
      try {
        text = readFileSync(join(dir, 'calls.jsonl'), 'utf8');
      } catch {
        return [];
      }
      return text
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as KubectlCall);
    },
  };
}
