/**
 * JVM services under Flight Recorder. A started `java …` gets `-XX:StartFlightRecording` (profile
 * settings, lock waits from 1 ms); an attached pid gets `jcmd <pid> JFR.start` when the window
 * opens. When it closes, `jcmd <pid> JFR.dump` copies the recording (a started JVM that cannot be
 * attached to is stopped instead and dumps on exit), and only events inside the window are read.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { ExitCode } from '../../errors/exit-codes.js';
import { RedlineError } from '../../errors/redline-error.js';
import { importJfrFile, jdkTool } from '../import/jfr.js';
import type { CaptureTarget, RuntimeCapturer } from './runtime-capturer.js';

const run = promisify(execFile);

/** Recording name used with jcmd. */
const RECORDING = 'redline';

/**
 * Event settings on top of JDK's `profile` settings: monitor and lock waits from 1 ms (the
 * default 10–20 ms thresholds hide short but frequent waits), and Java execution samples every
 * 5 ms instead of 10 (a load window of seconds otherwise yields too few samples to rank).
 */
export const JFR_EVENT_SETTINGS = [
  'jdk.JavaMonitorEnter#threshold=1ms',
  'jdk.ThreadPark#threshold=1ms',
  'jdk.ExecutionSample#period=5ms',
];

/** True when the command runs the `java` launcher directly. */
export function isJavaCommand(command: readonly string[]): boolean {
  return /^java(\.exe)?$/.test(basename(command[0] ?? ''));
}

/** True when the process runs a JVM (Linux: its /proc cmdline starts with a java binary). */
export function isJvmProcess(pid: number): boolean {
  try {
    const argv0 = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0] ?? '';
    return /(^|\/)java$/.test(argv0);
  } catch {
    return false;
  }
}

async function jcmd(pid: number, args: string[]): Promise<string> {
  try {
    const { stdout } = await run(jdkTool('jcmd'), [String(pid), ...args], { timeout: 60_000 });
    return stdout;
  } catch (cause) {
    const error = cause as NodeJS.ErrnoException & { stdout?: string; stderr?: string };
    throw new RedlineError('PROFILE_JCMD_FAILED', `jcmd ${pid} ${args[0]} failed`, {
      exitCode: error.code === 'ENOENT' ? ExitCode.Unavailable : ExitCode.TargetUnreachable,
      hint:
        error.code === 'ENOENT'
          ? 'Install a JDK (jcmd ships with it) or set JAVA_HOME.'
          : 'jcmd must run as the same user as the JVM, share its /tmp, and the JVM must not run with -XX:+DisableAttachMechanism.',
      problems: `${error.stdout ?? ''}\n${error.stderr ?? ''}`.trim().split('\n').slice(-5),
      cause,
    });
  }
}

/** Options of {@link createJfrCapturer}. */
export interface JfrCapturerOptions {
  /** Attach to a running JVM instead of starting one. */
  attachPid?: number;
  onProgress?: (message: string) => void;
}

/** A capturer for JVM targets (see the file comment). */
export async function createJfrCapturer(
  options: JfrCapturerOptions = {},
): Promise<RuntimeCapturer> {
  const dir = await mkdtemp(join(tmpdir(), 'redline-jfr-capture-'));
  const onExit = join(dir, 'on-exit.jfr');
  const dumped = join(dir, 'recording.jfr');
  let windowStart = 0;
  let windowEnd = 0;
  const flags = [
    `name=${RECORDING}`,
    'settings=profile',
    ...JFR_EVENT_SETTINGS,
    'maxage=30m',
    'dumponexit=true',
    `filename=${onExit}`,
  ].join(',');
  return {
    runtime: 'jvm',
    invocation(command, env) {
      if (!isJavaCommand(command)) {
        throw new RedlineError('PROFILE_NOT_JAVA', `${command[0]} is not the java launcher`, {
          exitCode: ExitCode.Usage,
          hint: 'Start the service as `-- java …`; for wrappers (mvn, gradle, scripts) start it yourself and use --attach <pid>.',
        });
      }
      return {
        command: [command[0] as string, `-XX:StartFlightRecording=${flags}`, ...command.slice(1)],
        env,
      };
    },
    async start(target) {
      if (options.attachPid !== undefined) {
        await jcmd(options.attachPid, [
          'JFR.start',
          `name=${RECORDING}`,
          'settings=profile',
          ...JFR_EVENT_SETTINGS,
        ]);
      } else if (target.pid === undefined) {
        throw new Error('the JFR capturer needs the JVM pid');
      }
      windowStart = Date.now();
    },
    async stop(target: CaptureTarget) {
      windowEnd = Date.now();
      const pid = options.attachPid ?? target.pid;
      const notes: string[] = [];
      let file = dumped;
      try {
        await jcmd(pid as number, ['JFR.dump', `name=${RECORDING}`, `filename=${dumped}`]);
        if (options.attachPid !== undefined)
          await jcmd(pid as number, ['JFR.stop', `name=${RECORDING}`]).catch(() => {});
      } catch (error) {
        if (!target.started || !target.stop) throw error;
        // A JVM we started writes its recording when it exits.
        options.onProgress?.('jcmd could not attach; stopping the JVM so it writes its recording');
        notes.push('jcmd could not attach: the recording was written when the JVM exited');
        await target.stop();
        file = onExit;
      }
      if (!existsSync(file)) {
        throw new RedlineError('PROFILE_NO_RECORDING', 'the JVM wrote no Flight Recorder file', {
          exitCode: ExitCode.TargetUnreachable,
          hint: 'Check target.log: the JVM may have rejected -XX:StartFlightRecording (JDK 11+ is needed).',
        });
      }
      const recording = await importJfrFile(file, { startMs: windowStart, endMs: windowEnd });
      recording.notes.push(...notes);
      return { recording, raw: [{ name: 'recording.jfr', path: file }] };
    },
    async dispose() {
      await rm(dir, { recursive: true, force: true });
    },
  };
}
