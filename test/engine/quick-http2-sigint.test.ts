/**
 * Ctrl-C (a real SIGINT) to a `redline run … --h2c` process against a mixed HTTP/2 server: one
 * stream in three answered, one reset (RST_STREAM), one never answered (its `--timeout` ends it,
 * or the interrupt). Every request the client sent is accounted for once, as answered, failed
 * with a class (`reset`, `timeout`) or interrupted, and the server received exactly that many;
 * with 2 workers too, whose per-second snapshots add up to the totals.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { constants, createServer, type ServerHttp2Stream } from 'node:http2';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunResultFile } from '../../src/results/run-result.js';
import { spawnCli } from '../k6-compat/helpers/run-corpus.js';

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

/** An h2c server: stream n answered when n % 3 = 0, reset when 1, never answered when 2. */
async function startMixedServer(): Promise<{ url: string; streams: () => number }> {
  const server = createServer();
  const sockets = new Set<Socket>();
  let streams = 0;
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('sessionError', () => {});
  server.on('stream', (stream: ServerHttp2Stream) => {
    const n = streams++;
    stream.on('error', () => {});
    if (n % 3 === 0) {
      stream.respond({ ':status': 200 });
      stream.end('ok');
    } else if (n % 3 === 1) stream.close(constants.NGHTTP2_INTERNAL_ERROR);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  close = () =>
    new Promise((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
  return { url: `http://127.0.0.1:${port}/`, streams: () => streams };
}

describe('quick mode over HTTP/2, Ctrl-C (built CLI, SIGINT)', () => {
  for (const workers of ['1', '2'])
    it(`answered, reset, timed out and interrupted streams add up to what was sent and received (--workers ${workers})`, async () => {
      const server = await startMixedServer();
      const dir = mkdtempSync(join(tmpdir(), 'redline-h2-sigint-'));
      try {
        const json = join(dir, 'result.json');
        const cli = spawnCli(
          [
            'run',
            server.url,
            '--h2c',
            '-c',
            '2',
            '--streams',
            '3',
            '--workers',
            workers,
            '--timeout',
            '200ms',
            '-d',
            '60s',
            '-q',
            '--json',
            json,
          ],
          { cwd: dir },
        );
        const deadline = Date.now() + 30_000;
        while (server.streams() < 60 && Date.now() < deadline)
          await new Promise((r) => setTimeout(r, 20));
        cli.child.kill('SIGINT');
        const out = await cli.done;
        expect(out.code, out.stderr).toBe(105);
        const result = JSON.parse(readFileSync(json, 'utf8')) as RunResultFile;
        expect(result.reason).toBe('interrupted');
        const r = result.requests!;
        expect(r.answered + r.failed + r.interrupted).toBe(r.sent);
        expect(r.answered).toBeGreaterThan(0);
        expect(result.errors['reset']).toBeGreaterThan(0);
        expect(result.errors['timeout']).toBeGreaterThan(0);
        // Failed ones all have a class; the interrupted ones are the streams cut by Ctrl-C.
        expect((result.errors['reset'] ?? 0) + (result.errors['timeout'] ?? 0)).toBe(r.failed);
        expect(result.errors['interrupted'] ?? 0).toBe(r.interrupted);
        expect(result.metrics['http_reqs']?.values['count']).toBe(r.sent);
        // The per-second snapshots (of each worker, the last one cut by Ctrl-C) merge exactly.
        const timeline = (key: 'requests' | 'failed') =>
          result.timeline.reduce((n, p) => n + p[key], 0);
        expect(timeline('requests')).toBe(r.sent);
        expect(timeline('failed')).toBe(r.failed + r.interrupted);
        // Nothing lost: the server received each request the client counted, and no other.
        const settle = Date.now() + 2000;
        while (server.streams() !== r.sent && Date.now() < settle)
          await new Promise((res) => setTimeout(res, 20));
        expect(server.streams()).toBe(r.sent);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
});
