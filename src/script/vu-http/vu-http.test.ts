// A VU's HTTP client against a real local server: the one timeout timer per VU ends every request
// at its own deadline (the earliest first, whatever the order they were made in) and never a
// request that got its answer; requests encoded once per URL and method carry exactly what each
// call asked for.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshThreadRuntimes } from '../../../test/helpers/thread-runtime.js';
import type { VuState } from '../runtime/vu-state.js';
import type { Response } from './response.js';
import { VuHttp } from './vu-http.js';

const freshRuntime = freshThreadRuntimes();

let server: Server;
let base = '';
const seen: IncomingMessage['headers'][] = [];
beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(req.headers);
    req.resume();
    // /stall never answers (the client's timeout ends it); the rest answer at once.
    if (req.url === '/stall') return;
    res.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function newVu(): { vu: VuState; http: VuHttp } {
  freshRuntime();
  const abort = new AbortController();
  const vu = {
    id: 1,
    idInInstance: 1,
    iteration: 0,
    iterationInScenario: 0,
    scenario: { name: 's', tags: {} },
    group: '',
    tags: {},
    signal: abort.signal,
  } as unknown as VuState;
  const http = new VuHttp(() => vu);
  vu.http = http;
  return { vu, http };
}

describe('VuHttp', () => {
  it('times out each request at its own deadline, the earliest first, and not the answered ones', async () => {
    const { http } = newVu();
    const order: string[] = [];
    const track = (name: string, p: Promise<Response>) =>
      p.then((r) => {
        order.push(name);
        return r;
      });
    // The long timeout starts first: the timer must be brought forward for the short one.
    const long = track(
      'long',
      http.request('GET', `${base}/stall`, undefined, { timeout: '900ms' }),
    );
    const short = track(
      'short',
      http.request('GET', `${base}/stall`, undefined, { timeout: '150ms' }),
    );
    const answered = track(
      'answered',
      http.request('GET', `${base}/ok`, undefined, { timeout: '5s' }),
    );
    const [l, s, a] = await Promise.all([long, short, answered]);
    expect([s.status, s.error_code]).toEqual([0, 1050]);
    expect([l.status, l.error_code]).toEqual([0, 1050]);
    expect([a.status, a.error_code]).toEqual([200, 0]);
    // Ordered by deadline (also when a busy machine fires the timer after both had passed).
    expect(order.filter((name) => name !== 'answered')).toEqual(['short', 'long']);
    // The timer keeps working after it fired: a later request times out, a later answer does not.
    const again = await http.request('GET', `${base}/stall`, undefined, { timeout: '100ms' });
    expect(again.error_code).toBe(1050);
    const ok = await http.request('GET', `${base}/ok`, undefined, { timeout: '5s' });
    expect(ok.status).toBe(200);
    http.closeAll();
  });

  it('sends what each call asked for, also when the same plain request repeats', async () => {
    const { http } = newVu();
    seen.length = 0;
    const first = await http.request('GET', `${base}/p`);
    const withHeader = await http.request('GET', `${base}/p`, undefined, {
      headers: { 'X-Extra': '1' },
    });
    const second = await http.request('GET', `${base}/p`);
    const post = await http.request('POST', `${base}/p`);
    expect(seen.map((h) => h['x-extra'])).toEqual([undefined, '1', undefined, undefined]);
    expect(seen[3]!['content-length']).toBe('0');
    expect(first.request.headers['X-Extra']).toBeUndefined();
    expect(withHeader.request.headers['X-Extra']).toEqual(['1']);
    expect(second.request.headers).toEqual(first.request.headers);
    expect(second.request.headers).not.toBe(first.request.headers);
    expect(post.request.method).toBe('POST');
    http.closeAll();
  });
});
