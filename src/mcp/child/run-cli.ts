/**
 * Runs the built `redline` CLI (or another compiled entry) as a child process under the network
 * guard. Why a child for load tests, profiles, audits and validations:
 *
 * - cancellation is the CLI's own Ctrl-C path: SIGINT makes the run stop, write its partial
 *   result (`--json`, profile files, audit folder) and exit 105, exactly as for a user;
 * - the numbers are the CLI's JSON, byte for byte, not a second rendering of them;
 * - a script's console output, a crash or a runaway heap cannot corrupt the MCP stdio stream or
 *   take the server down, and the CPU-heavy load and analysis do not block the server's event
 *   loop (progress notifications and cancellations keep flowing);
 * - the network guard (net-guard.ts) is preloaded into that process only.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { open } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { compiledModuleUrl } from '../../util/runtime-path.js';
import { ALLOW_ENV } from '../guard/net-guard.js';

/** Options of {@link runChild}. */
export interface ChildRunOptions {
  /** Compiled entry relative to dist/ (default `cli/main.js`). */
  entry?: string;
  args: readonly string[];
  cwd: string;
  /** Allow-list entries for the network guard. */
  allow: readonly string[];
  /** Cancellation: SIGINT (graceful, partial results written), then SIGINT again, then SIGKILL. */
  signal?: AbortSignal;
  /** Hard limit: the child gets SIGINT when it runs this long (a guard-rail backstop). */
  limitMs?: number;
  /** Each complete stderr line, as it arrives. */
  onStderrLine?: (line: string) => void;
  /** Most bytes of stdout/stderr kept (default 8 MB / 256 kB). */
  maxStdoutBytes?: number;
  maxStderrBytes?: number;
  /** Extra environment variables. */
  env?: Readonly<Record<string, string>>;
}

/** How a child run ended. */
export interface ChildRunResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Why Redline stopped it, when it did. */
  stoppedBy?: 'cancelled' | 'limit';
  durationMs: number;
}

/** Time the child gets after the first SIGINT to write its results, before the second. */
const GRACE_MS = 20_000;

const active = new Set<ChildProcess>();

/** Runs a compiled entry of Redline in a child process and waits for it to exit. */
export function runChild(options: ChildRunOptions): Promise<ChildRunResult> {
  const main = compiledModuleUrl(`../../${options.entry ?? 'cli/main.js'}`, import.meta.url);
  const guard = compiledModuleUrl('../guard/net-guard.js', import.meta.url);
  const started = performance.now();
  const child = spawn(
    process.execPath,
    ['--import', guard.href, fileURLToPath(main), ...options.args],
    {
      cwd: options.cwd,
      env: {
        ...process.env,
        ...options.env,
        NO_COLOR: '1',
        [ALLOW_ENV]: JSON.stringify(options.allow),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  active.add(child);
  const stdout = collector(options.maxStdoutBytes ?? 8 << 20);
  const stderr = collector(options.maxStderrBytes ?? 256 << 10);
  let partial = '';
  child.stdout?.on('data', (chunk: Buffer) => stdout.add(chunk));
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr.add(chunk);
    if (!options.onStderrLine) return;
    partial += chunk.toString('utf8');
    const lines = partial.split(/\r?\n|\r/);
    partial = lines.pop() ?? '';
    for (const line of lines) if (line.trim()) options.onStderrLine(line);
  });

  let stoppedBy: ChildRunResult['stoppedBy'];
  const timers: NodeJS.Timeout[] = [];
  const stop = (why: 'cancelled' | 'limit') => {
    if (stoppedBy || child.exitCode !== null) return;
    stoppedBy = why;
    child.kill('SIGINT');
    timers.push(
      setTimeout(() => child.kill('SIGINT'), GRACE_MS).unref(),
      setTimeout(() => child.kill('SIGKILL'), GRACE_MS + 5000).unref(),
    );
  };
  const onAbort = () => stop('cancelled');
  if (options.signal?.aborted) onAbort();
  else options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.limitMs !== undefined)
    timers.push(setTimeout(() => stop('limit'), options.limitMs).unref());

  return new Promise((resolve, reject) => {
    child.once('error', (error) => {
      active.delete(child);
      reject(error);
    });
    child.once('close', (exitCode, signal) => {
      active.delete(child);
      for (const t of timers) clearTimeout(t);
      options.signal?.removeEventListener('abort', onAbort);
      if (partial.trim()) options.onStderrLine?.(partial);
      resolve({
        exitCode,
        signal,
        stdout: stdout.text(),
        stderr: stderr.text(),
        ...(stoppedBy ? { stoppedBy } : {}),
        durationMs: performance.now() - started,
      });
    });
  });
}

/** Sends SIGINT to every child still running (the server is shutting down). */
export function interruptAllChildren(): number {
  for (const child of active) child.kill('SIGINT');
  return active.size;
}

/** Resolves once no child is running, or after `timeoutMs`. */
export async function waitForChildren(timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (active.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
}

function collector(limit: number) {
  const chunks: Buffer[] = [];
  let size = 0;
  let dropped = 0;
  return {
    add(chunk: Buffer) {
      if (size >= limit) {
        dropped += chunk.length;
        return;
      }
      const kept = chunk.subarray(0, limit - size);
      chunks.push(kept);
      size += kept.length;
      dropped += chunk.length - kept.length;
    },
    text() {
      const text = Buffer.concat(chunks).toString('utf8');
      return dropped > 0 ? `${text}\n[… ${dropped} more bytes not kept]` : text;
    },
  };
}

/**
 * Follows a file another process appends JSON lines to (`--out ndjson=`): calls `onRecord` for
 * each complete line, every `intervalMs`, until `stop()` (which reads what is left first).
 */
export function followJsonLines(
  path: string,
  onRecord: (record: Record<string, unknown>) => void,
  intervalMs = 500,
): { stop: () => Promise<void> } {
  let offset = 0;
  let rest = '';
  let reading: Promise<void> = Promise.resolve();
  const readMore = async () => {
    const handle = await open(path, 'r').catch(() => undefined);
    if (!handle) return;
    try {
      const buffer = Buffer.alloc(64 << 10);
      for (;;) {
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, offset);
        if (bytesRead === 0) break;
        offset += bytesRead;
        rest += buffer.toString('utf8', 0, bytesRead);
      }
    } finally {
      await handle.close();
    }
    const lines = rest.split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.trim()) continue;
      try {
        onRecord(JSON.parse(line) as Record<string, unknown>);
      } catch {
        // a torn line cannot happen with complete-line splitting; ignore garbage
      }
    }
  };
  const timer = setInterval(() => {
    reading = reading.then(readMore, readMore);
  }, intervalMs);
  return {
    stop: async () => {
      clearInterval(timer);
      await reading.catch(() => {});
      await readMore().catch(() => {});
    },
  };
}
