/** `redline profile` for Go, JVM and Python targets: the part of the command that is not Node's. */
import { ExitCode } from '../../errors/exit-codes.js';
import { RedlineError } from '../../errors/redline-error.js';
import { renderSummaryText } from '../../outputs/summary/summary-text.js';
import {
  type LoadRunner,
  type ProfiledRuntime,
  parsePprofTypes,
  profileStackTarget,
  renderRecordingText,
  type StackProfileResult,
} from '../../profiler/index.js';

/** What `redline profile` hands over for a non-Node target. */
export interface StackProfileRequest {
  runtime: Exclude<ProfiledRuntime, 'node'>;
  command: string[];
  attach?: string;
  url?: string;
  pprof?: string;
  pprofTypes?: string;
  /** Load window length (-d); Go needs it to size net/http/pprof's `seconds`. */
  durationMs?: number;
  requests?: number;
  load: LoadRunner;
  warmup?: LoadRunner;
  outDir: string;
  startupTimeoutMs?: number;
  signal: AbortSignal;
  top: number;
  json?: boolean;
  quiet?: boolean;
  onProgress?: (message: string) => void;
}

function attachPid(request: StackProfileRequest): number | undefined {
  if (request.attach === undefined) return undefined;
  if (!/^\d+$/.test(request.attach)) {
    throw new RedlineError(
      'PROFILE_BAD_ATTACH',
      `--attach ${request.attach}: a ${request.runtime === 'jvm' ? 'JVM' : request.runtime} target is attached to by pid`,
      {
        exitCode: ExitCode.Usage,
        hint: 'Use --attach <pid> (jcmd -l lists JVMs).',
      },
    );
  }
  return Number(request.attach);
}

/** Runs the capture and prints it; returns the result for the exit code. */
export async function runStackProfile(request: StackProfileRequest): Promise<StackProfileResult> {
  if (
    request.runtime === 'go' &&
    request.requests !== undefined &&
    request.durationMs === undefined
  ) {
    throw new RedlineError(
      'PROFILE_GO_NEEDS_DURATION',
      'a Go CPU profile covers a fixed window: use -d, not -n',
      {
        exitCode: ExitCode.Usage,
        hint: 'e.g. -d 20s (net/http/pprof records for whole seconds)',
      },
    );
  }
  const pid = attachPid(request);
  const result = await profileStackTarget({
    runtime: request.runtime,
    ...(request.command.length > 0 ? { command: request.command } : {}),
    ...(pid !== undefined ? { attachPid: pid } : {}),
    ...(request.url ? { url: request.url } : {}),
    ...(request.pprof
      ? { pprof: { url: request.pprof, types: parsePprofTypes(request.pprofTypes) } }
      : {}),
    windowMs: request.durationMs ?? 10_000,
    load: request.load,
    ...(request.warmup ? { warmup: request.warmup } : {}),
    outDir: request.outDir,
    ...(request.startupTimeoutMs ? { startupTimeoutMs: request.startupTimeoutMs } : {}),
    signal: request.signal,
    top: request.top,
    ...(request.onProgress ? { onProgress: request.onProgress } : {}),
  });
  if (request.json) {
    const { recording: _recording, loadResult: _load, ...rest } = result;
    process.stdout.write(`${JSON.stringify(rest, null, 2)}\n`);
    return result;
  }
  const run = result.loadResult as { result?: Parameters<typeof renderSummaryText>[0] } | undefined;
  if (run?.result && !request.quiet)
    process.stdout.write(renderSummaryText(run.result, { color: false }));
  process.stdout.write(
    `\n${renderRecordingText(result.analysis, Math.min(request.top, 10))}\n\nFiles:\n`,
  );
  const { raw, ...others } = result.files;
  for (const path of raw) process.stdout.write(`  ${'recording'.padEnd(12)} ${path}\n`);
  for (const [kind, path] of Object.entries(others))
    process.stdout.write(`  ${kind.padEnd(12)} ${path}\n`);
  return result;
}
