/**
 * Go services: fetches profiles from net/http/pprof for exactly the load window. The CPU profile
 * (`profile?seconds=N`) and the delta profiles (`allocs`, `mutex`, `block` with `?seconds=N`) are
 * requested when the window opens and answer when it closes; `goroutine` is taken mid-window and
 * `heap` (live heap as of the last GC) at the end.
 */
import { ExitCode, type ExitCodeValue } from '../../errors/exit-codes.js';
import { RedlineError } from '../../errors/redline-error.js';
import { decodePprof, importFromPprof } from '../import/pprof.js';
import { maybeGunzip } from '../import/registry.js';
import type { Profile } from '../model/profile.js';
import type { RuntimeRecording } from '../model/recording.js';
import type { RuntimeCapturer } from './runtime-capturer.js';

/** The profiles `--pprof-types` accepts (net/http/pprof names; `cpu` is `/profile`). */
export const PPROF_TYPES = ['cpu', 'heap', 'allocs', 'mutex', 'block', 'goroutine'] as const;

/** One of {@link PPROF_TYPES}. */
export type PprofType = (typeof PPROF_TYPES)[number];

/** Raw bytes fetched, by type (gzipped protobuf as served), for writing next to the analysis. */
export type PprofFiles = Partial<Record<PprofType, Uint8Array>>;

/** Options of {@link startPprofCapture}. */
export interface PprofCaptureOptions {
  /** `http://host:port/debug/pprof/profile`, `…/debug/pprof/` or `…/debug/pprof`. */
  url: string;
  /** Window length in whole seconds (net/http/pprof's `seconds` parameter). */
  seconds: number;
  types: readonly PprofType[];
  signal?: AbortSignal;
}

/** A running capture: `finish()` waits for every profile and returns the recording. */
export interface PprofCapture {
  finish(): Promise<{ recording: RuntimeRecording; files: PprofFiles }>;
}

/** The `/debug/pprof/` base URL of a `--pprof` value. */
export function pprofBaseUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw usageError(`--pprof ${url} is not a URL`);
  }
  const path = parsed.pathname.replace(/\/+$/, '');
  const known = new RegExp(`/(profile|${PPROF_TYPES.join('|')}|threadcreate)$`);
  parsed.pathname = `${path.replace(known, '')}/`;
  parsed.search = '';
  if (parsed.pathname === '/') parsed.pathname = '/debug/pprof/';
  return parsed.href;
}

function usageError(message: string): RedlineError {
  return new RedlineError('PROFILE_BAD_PPROF_URL', message, {
    exitCode: ExitCode.Usage,
    hint: 'Use --pprof http://host:port/debug/pprof/profile (the service imports net/http/pprof).',
  });
}

/** Turns a net/http/pprof error answer into an error that says what to change. */
function answerError(type: PprofType, url: string, status: number, text: string): RedlineError {
  const said = text.trim().split('\n')[0] ?? '';
  let hint = 'Check that the service serves net/http/pprof at this address.';
  let code: ExitCodeValue = ExitCode.DataError;
  if (status === 404) {
    hint =
      type === 'cpu'
        ? 'Import net/http/pprof in the service (import _ "net/http/pprof") and serve http.DefaultServeMux, or register pprof.Profile yourself; pass its address to --pprof.'
        : `This Go version or handler has no ${type} profile; drop it from --pprof-types.`;
    code = ExitCode.TargetUnreachable;
  } else if (/WriteTimeout/.test(said)) {
    hint =
      "The server's http.Server.WriteTimeout is shorter than the window: serve pprof on a separate listener without a WriteTimeout, or shorten the window (-d).";
    code = ExitCode.Usage;
  } else if (/already in use/i.test(said)) {
    hint =
      'Another CPU profile is being taken (a continuous profiler, or a second redline): Go allows one at a time. Wait for it to end or stop it.';
    code = ExitCode.Unavailable;
  }
  return new RedlineError(
    'PROFILE_PPROF_FAILED',
    `${url} answered ${status}${said ? `: ${said}` : ''}`,
    {
      exitCode: code,
      hint,
    },
  );
}

async function fetchProfile(
  type: PprofType,
  url: string,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<Uint8Array> {
  const timeout = AbortSignal.timeout(timeoutMs);
  let response: Response;
  try {
    response = await fetch(url, {
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
  } catch (cause) {
    throw new RedlineError(
      'PROFILE_PPROF_UNREACHABLE',
      `cannot fetch the ${type} profile from ${url}`,
      {
        exitCode: ExitCode.TargetUnreachable,
        hint: timeout.aborted
          ? `No answer within ${Math.round(timeoutMs / 1000)} s.`
          : 'Check the --pprof address and that the service is running.',
        cause,
      },
    );
  }
  const body = new Uint8Array(await response.arrayBuffer());
  if (!response.ok) throw answerError(type, url, response.status, Buffer.from(body).toString());
  const contentType = response.headers.get('content-type') ?? '';
  if (/^text\/html/.test(contentType)) {
    throw new RedlineError(
      'PROFILE_PPROF_FAILED',
      `${url} answered with an HTML page, not a profile`,
      {
        exitCode: ExitCode.DataError,
        hint: 'The address is not a net/http/pprof endpoint (a login page or a proxy?).',
      },
    );
  }
  return body;
}

function decode(type: PprofType, url: string, bytes: Uint8Array): Profile {
  const plain = maybeGunzip(bytes, url);
  const decoded = decodePprof(plain);
  if (!decoded) {
    throw new RedlineError(
      'PROFILE_INVALID',
      `the ${type} profile from ${url} does not decode as pprof`,
      {
        exitCode: ExitCode.DataError,
        hint: 'Ask for the binary form (no ?debug=1); a proxy may have changed the body.',
      },
    );
  }
  return { ...importFromPprof(decoded), runtime: 'go' };
}

/** The request path and query of each type for a window of `seconds`. */
function endpoint(type: PprofType, seconds: number): string {
  switch (type) {
    case 'cpu':
      return `profile?seconds=${seconds}`;
    case 'allocs':
    case 'mutex':
    case 'block':
      return `${type}?seconds=${seconds}`;
    case 'heap':
    case 'goroutine':
      return type;
  }
}

const EMPTY_HINT: Partial<Record<PprofType, string>> = {
  mutex:
    'the mutex profile is empty: the service must enable it with runtime.SetMutexProfileFraction(5) (or any rate > 0) before the window',
  block:
    'the block profile is empty: the service must enable it with runtime.SetBlockProfileRate(rate) (e.g. 10000 ns) before the window',
  allocs: 'the allocation profile is empty: nothing was sampled (runtime.MemProfileRate is 0?)',
};

/**
 * Starts every profile of the window at once (call it when the load starts); the CPU and delta
 * profiles answer after `seconds`. `finish()` decodes them into a RuntimeRecording.
 */
export function startPprofCapture(options: PprofCaptureOptions): PprofCapture {
  const base = pprofBaseUrl(options.url);
  const seconds = Math.max(1, Math.round(options.seconds));
  const timeoutMs = seconds * 1000 + 30_000;
  const pending = new Map<PprofType, Promise<Uint8Array>>();
  const later = (type: PprofType, delayMs: number): Promise<Uint8Array> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        fetchProfile(type, base + endpoint(type, seconds), timeoutMs, options.signal).then(
          resolve,
          reject,
        );
      }, delayMs);
      options.signal?.addEventListener('abort', () => clearTimeout(timer), { once: true });
    });
  for (const type of new Set(options.types)) {
    const url = base + endpoint(type, seconds);
    const fetched =
      type === 'goroutine'
        ? later(type, (seconds * 1000) / 2)
        : type === 'heap'
          ? later(type, seconds * 1000)
          : fetchProfile(type, url, timeoutMs, options.signal);
    fetched.catch(() => {}); // awaited in finish()
    pending.set(type, fetched);
  }
  return {
    async finish() {
      const files: PprofFiles = {};
      const notes: string[] = [];
      const recording: RuntimeRecording = {
        runtime: 'go',
        source: 'pprof-http',
        durationMs: seconds * 1000,
        notes,
      };
      for (const [type, fetched] of pending) {
        const bytes = await fetched;
        files[type] = bytes;
        const profile = decode(type, base + endpoint(type, seconds), bytes);
        if (profile.samples.length === 0) {
          notes.push(EMPTY_HINT[type] ?? `the ${type} profile has no samples`);
          continue;
        }
        profile.meta.source = `pprof ${type}`;
        if (type === 'cpu') recording.cpu = profile;
        else if (type === 'allocs') recording.alloc = profile;
        else if (type === 'heap') recording.liveHeap = profile;
        else if (type === 'goroutine') recording.goroutines = profile;
        else {
          // A delta profile covers the window; its duration says so.
          profile.durationMs ??= seconds * 1000;
          recording.contention = [...(recording.contention ?? []), profile];
        }
      }
      return { recording, files };
    },
  };
}

/** Parses `--pprof-types cpu,mutex,…` (cpu is always included). */
export function parsePprofTypes(value: string | undefined): PprofType[] {
  const names = (value ?? 'cpu')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const bad = names.filter((n) => !(PPROF_TYPES as readonly string[]).includes(n));
  if (bad.length > 0) {
    throw new RedlineError('E_USAGE_VALUE', `unknown pprof type: ${bad.join(', ')}`, {
      exitCode: ExitCode.Usage,
      hint: `use a comma-separated list of ${PPROF_TYPES.join(', ')}`,
    });
  }
  return [...new Set<PprofType>(['cpu', ...(names as PprofType[])])];
}

/** A RuntimeCapturer around {@link startPprofCapture} (the window lasts `seconds`). */
export function createPprofCapturer(
  options: Omit<PprofCaptureOptions, 'signal'> & { signal?: AbortSignal },
): RuntimeCapturer {
  let capture: PprofCapture | undefined;
  return {
    runtime: 'go',
    async start() {
      capture = startPprofCapture(options);
    },
    async stop() {
      if (!capture) throw new Error('the pprof capture was not started');
      const { recording, files } = await capture.finish();
      const raw = Object.entries(files).map(([type, bytes]) => ({
        name: bytes[0] === 0x1f && bytes[1] === 0x8b ? `${type}.pb.gz` : `${type}.pb`,
        bytes,
      }));
      return { recording, raw };
    },
    async dispose() {},
  };
}
