/** The interface every non-Node capturer implements (JFR, Python sampler, Go pprof over HTTP). */
import type { ProfiledRuntime } from '../model/profile.js';
import type { RuntimeRecording } from '../model/recording.js';

/** A file a capture produced, written next to the analysis (bytes, or a path to copy). */
export interface RawCaptureFile {
  /** File name in the output folder, e.g. `recording.jfr`, `cpu.pb.gz`. */
  name: string;
  bytes?: Uint8Array;
  path?: string;
}

/** What the target is, as the capturer needs it. */
export interface CaptureTarget {
  /** Process id (started by Redline, or given with --attach). */
  pid?: number;
  /** True when Redline started the process (it may then be stopped to flush a recording). */
  started: boolean;
  /** Stops a started target (used by the JFR fallback: dump on exit). */
  stop?: () => Promise<void>;
}

/** Captures one load window of a Go, JVM or Python service. */
export interface RuntimeCapturer {
  runtime: Exclude<ProfiledRuntime, 'node'>;
  /** The command and environment a started target needs (JFR flags, the Python bootstrap). */
  invocation?(
    command: readonly string[],
    env: NodeJS.ProcessEnv,
  ): { command: string[]; env: NodeJS.ProcessEnv };
  /** Opens the window; the load starts right after it resolves. */
  start(target: CaptureTarget): Promise<void>;
  /** Closes the window and reads what was recorded in it. */
  stop(target: CaptureTarget): Promise<{ recording: RuntimeRecording; raw: RawCaptureFile[] }>;
  /** Removes temporary files (after the target stopped). */
  dispose(): Promise<void>;
}
