/**
 * An HTTP server that behaves like Go's net/http/pprof for Redline's tests (no Go toolchain here):
 * `/debug/pprof/profile?seconds=N` answers after N seconds with a gzipped CPU profile whose
 * duration is N s, `heap|allocs|mutex|block` accept `seconds` (delta) too, `goroutine` does not,
 * errors are plain text with X-Go-Pprof: 1, and a second concurrent CPU profile is refused.
 * The profiles served are the fixture files of one scenario; `/` answers the load.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { Profile } from 'pprof-format';
import { startHttpServer, type TestServer } from './servers.js';

/** The Go fixtures (test/fixtures/profiles/go/synthetic). */
export const GO_FIXTURES = join(import.meta.dirname, '../fixtures/profiles/go/synthetic');

/** Options of {@link startPprofServer}: which fixture file answers each profile. */
export interface PprofServerOptions {
  cpu?: string;
  heap?: string;
  allocs?: string;
  mutex?: string;
  block?: string;
  goroutine?: string;
  /** Emulates http.Server.WriteTimeout (seconds): longer profiles are refused with 400. */
  writeTimeoutS?: number;
  /** Serve no pprof handlers at all (404 everywhere but `/`). */
  noPprof?: boolean;
}

/** A started fake service: its URL, the pprof base, and what was asked. */
export interface PprofServer extends TestServer {
  pprofUrl: string;
  /** Paths requested under /debug/pprof/, with their query. */
  requests: string[];
}

function serveError(res: import('node:http').ServerResponse, status: number, text: string): void {
  res.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'x-go-pprof': '1',
    'x-content-type-options': 'nosniff',
  });
  res.end(`${text}\n`);
}

/** The fixture with its duration set to `seconds` (what a real CPU or delta profile reports). */
function withDuration(file: string, seconds: number | undefined): Buffer {
  const bytes = readFileSync(join(GO_FIXTURES, file));
  if (seconds === undefined) return bytes;
  const profile = Profile.decode(gunzipSync(bytes));
  profile.durationNanos = BigInt(seconds) * 1_000_000_000n;
  return gzipSync(profile.encode());
}

/** Starts the fake service on 127.0.0.1:0. */
export async function startPprofServer(options: PprofServerOptions): Promise<PprofServer> {
  const requests: string[] = [];
  let cpuBusy = false;
  const server = await startHttpServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (!url.pathname.startsWith('/debug/pprof/')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
      return;
    }
    requests.push(`${url.pathname.slice('/debug/pprof/'.length)}${url.search}`);
    if (options.noPprof) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('404 page not found\n');
      return;
    }
    const name = url.pathname.slice('/debug/pprof/'.length);
    const secondsParam = url.searchParams.get('seconds');
    const seconds = secondsParam === null ? undefined : Number(secondsParam);
    if (name === '') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<html><body>/debug/pprof/</body></html>');
      return;
    }
    const type = name === 'profile' ? 'cpu' : name;
    const file = (options as Record<string, string | undefined>)[type];
    if (!['cpu', 'heap', 'allocs', 'mutex', 'block', 'goroutine'].includes(type) || !file) {
      serveError(res, 404, 'Unknown profile');
      return;
    }
    if (type === 'goroutine' && seconds !== undefined) {
      serveError(res, 400, '"seconds" parameter is not supported for this profile type');
      return;
    }
    const window = type === 'cpu' ? (seconds && seconds > 0 ? seconds : 30) : seconds;
    if (
      window !== undefined &&
      options.writeTimeoutS !== undefined &&
      window >= options.writeTimeoutS
    ) {
      serveError(res, 400, "profile duration exceeds server's WriteTimeout");
      return;
    }
    if (type === 'cpu') {
      if (cpuBusy) {
        serveError(res, 500, 'Could not enable CPU profiling: cpu profiling already in use');
        return;
      }
      cpuBusy = true;
    }
    const send = () => {
      if (type === 'cpu') cpuBusy = false;
      res.writeHead(200, {
        'content-type': 'application/octet-stream',
        'content-disposition': `attachment; filename="${type === 'cpu' ? 'profile' : window ? `${type}-delta` : type}"`,
        'x-content-type-options': 'nosniff',
      });
      res.end(withDuration(file, window));
    };
    if (window) setTimeout(send, window * 1000);
    else send();
  });
  return { ...server, pprofUrl: `${server.url}/debug/pprof/profile`, requests };
}
