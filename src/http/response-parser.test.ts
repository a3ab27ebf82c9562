import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  headHasField,
  ResponseParser,
  type ResponseParserOwner,
  readHeadFields,
} from './response-parser.js';

interface Parsed {
  status: number;
  body: string;
  headers: string[];
  keepAlive: boolean;
  wire: number;
}

class Collector implements ResponseParserOwner {
  readonly parser: ResponseParser;
  readonly responses: Parsed[] = [];
  begins = 0;
  constructor(keep = true) {
    this.parser = new ResponseParser(this);
    this.parser.keepHeaders = keep;
    this.parser.keepBody = keep;
  }
  onResponseBegin(): void {
    this.begins++;
  }
  onResponseHead(): void {}
  onResponseComplete(): void {
    const p = this.parser;
    this.responses.push({
      status: p.statusCode,
      body: Buffer.concat(p.bodyChunks).toString('latin1'),
      headers: [...(p.head ? readHeadFields(p.head).headers : []), ...p.trailers],
      keepAlive: p.keepAlive,
      wire: p.headBytes + p.wireBodyBytes,
    });
  }
}

/** Feeds `text` split at the given offsets; returns the collector and the execute result. */
function feed(
  text: string | Buffer,
  cuts: number[] = [],
  keep = true,
): { c: Collector; ok: boolean } {
  const c = new Collector(keep);
  const bytes = typeof text === 'string' ? Buffer.from(text, 'latin1') : text;
  const points = [...new Set(cuts.map((x) => Math.min(bytes.length, Math.max(0, x))))].sort(
    (a, b) => a - b,
  );
  let last = 0;
  let ok = true;
  for (const cut of [...points, bytes.length]) {
    if (cut <= last) continue;
    // Copy into a larger reused buffer with stale bytes after `end`, like a socket read buffer.
    const scratch = Buffer.alloc(cut - last + 64, 'HTTP/1.1 200 OK\r\n\r\n');
    bytes.copy(scratch, 0, last, cut);
    ok = c.parser.execute(scratch, 0, cut - last) && ok;
    last = cut;
  }
  return { c, ok };
}

describe('ResponseParser', () => {
  it('parses a Content-Length response and keeps headers', () => {
    const { c, ok } = feed('HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A: b \r\n\r\nhello');
    expect(ok).toBe(true);
    expect(c.responses).toEqual([
      {
        status: 200,
        body: 'hello',
        headers: ['content-length', '5', 'x-a', 'b'],
        keepAlive: true,
        wire: 52,
      },
    ]);
  });

  it('keeps the head for lazy field parsing', () => {
    const { c } = feed('HTTP/1.1 404 Not Found\r\nSet-Cookie: a=1\r\nX-Y: z\r\n\r\n', [20]);
    const head = c.parser.head!;
    expect(readHeadFields(head)).toEqual({
      statusText: 'Not Found',
      headers: ['set-cookie', 'a=1', 'x-y', 'z'],
    });
    expect(headHasField(head, 'set-cookie')).toBe(true);
    expect(headHasField(head, 'content-encoding')).toBe(false);
  });

  it('parses chunked bodies with extensions and trailers', () => {
    const text =
      'HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: yes\r\n\r\n';
    const { c } = feed(text);
    expect(c.responses[0]!.status).toBe(201);
    expect(c.responses[0]!.body).toBe('hello world');
    expect(c.responses[0]!.headers).toContain('x-trailer');
    expect(c.responses[0]!.wire).toBe(Buffer.byteLength(text));
  });

  it('skips 1xx interim responses and reads the final one', () => {
    const { c } = feed(
      'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok',
    );
    expect(c.responses.map((r) => [r.status, r.body])).toEqual([[200, 'ok']]);
  });

  it('treats 204, 304 and HEAD responses as bodiless', () => {
    const { c } = feed(
      'HTTP/1.1 204 No Content\r\n\r\nHTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n',
    );
    expect(c.responses.map((r) => r.status)).toEqual([204, 304]);
    const head = new Collector();
    head.parser.expectNoBody = true;
    const bytes = Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n');
    expect(head.parser.execute(bytes, 0, bytes.length)).toBe(true);
    expect(head.responses).toHaveLength(1);
  });

  it('reads a body until the connection closes when there is no length', () => {
    const { c } = feed('HTTP/1.0 200 OK\r\n\r\nstream until close');
    expect(c.responses).toHaveLength(0);
    expect(c.parser.readsUntilClose).toBe(true);
    expect(c.parser.finish()).toBe(true);
    expect(c.responses[0]!.body).toBe('stream until close');
    expect(c.responses[0]!.keepAlive).toBe(false);
  });

  it('honours Connection: close and HTTP/1.0 keep-alive rules', () => {
    const { c } = feed(
      'HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\nHTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n',
    );
    expect(c.responses.map((r) => r.keepAlive)).toEqual([false, true]);
  });

  it('parses pipelined responses in one read', () => {
    const one = 'HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\na';
    const { c } = feed(one.repeat(10), [], false);
    expect(c.responses).toHaveLength(10);
    expect(c.begins).toBe(10);
  });

  it.each([
    ['bad status line', 'HTTP/2.0 200 OK\r\n\r\n'],
    ['status not numeric', 'HTTP/1.1 2x0 OK\r\n\r\n'],
    ['garbage instead of a response', 'hello world\r\n\r\n'],
    ['header without colon', 'HTTP/1.1 200 OK\r\nBroken header\r\n\r\n'],
    ['space in header name', 'HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n'],
    ['bad content-length', 'HTTP/1.1 200 OK\r\nContent-Length: 12a\r\n\r\n'],
    [
      'conflicting content-length',
      'HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n',
    ],
    ['bad chunk size', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n'],
    [
      'chunk longer than declared',
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n',
    ],
  ])('rejects %s', (_name, text) => {
    const { c, ok } = feed(text);
    expect(ok).toBe(false);
    expect(c.parser.failed).toBe(true);
    expect(c.parser.error).toMatch(/malformed|invalid|chunk|conflicting/);
  });

  it.each([
    ['an SSH banner', 'SSH-2.0-OpenSSH_9.2p1\r\n'],
    ['HTML without a status line', '<html><body>hi'],
    ['HTTP/2 preface', 'HTTP/2 200\r\n'],
    ['a 2-digit status', 'HTTP/1.1 20 OK\r\n'],
    ['a line ending early', 'HTTP/1.1\r\n'],
  ])('fails at once on %s, before any blank line arrives, whatever the read split', (_n, text) => {
    for (const cuts of [[], [1], [3, 9], [7, 8, 10]]) {
      const { c, ok } = feed(text, cuts);
      expect(ok).toBe(false);
      expect(c.parser.error).toMatch(/malformed status line/);
    }
  });

  it('keeps waiting on a valid status line prefix split across reads', () => {
    const { c, ok } = feed('HTTP/1.1 200 OK\r\nContent-', [1, 5, 9, 12]);
    expect(ok).toBe(true);
    expect(c.parser.failed).toBe(false);
    expect(c.parser.inResponse).toBe(true);
  });

  it('parses status codes outside 100-599 (999 is sent by some servers), as numbers', () => {
    const { c, ok } = feed('HTTP/1.1 999 Request denied\r\nContent-Length: 0\r\n\r\n');
    expect(ok).toBe(true);
    expect(c.responses[0]?.status).toBe(999);
  });

  it('rejects a head larger than the limit', () => {
    const c = new Collector();
    c.parser.maxHeaderBytes = 1024;
    const bytes = Buffer.from(`HTTP/1.1 200 OK\r\nX-Big: ${'a'.repeat(2000)}`);
    expect(c.parser.execute(bytes, 0, bytes.length)).toBe(false);
    expect(c.parser.error).toMatch(/larger than 1024/);
  });

  it('reports a response cut short by the connection closing', () => {
    const { c } = feed('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc');
    expect(c.parser.finish()).toBe(false);
    expect(c.parser.error).toMatch(/closed before/);
  });
});

// ---- property-based: any valid stream, split anywhere, parses to the same responses ----

const tokenChar = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789-_'.split(''));
const headerArb = fc.tuple(
  fc.array(tokenChar, { minLength: 1, maxLength: 12 }).map((a) => `x-${a.join('')}`),
  fc
    .string({ unit: fc.constantFrom(...'abc XYZ=/;,0123'.split('')), maxLength: 30 })
    .map((s) => s.trim()),
);
const responseArb = fc.record({
  status: fc.constantFrom(200, 201, 204, 301, 304, 404, 500, 503),
  headers: fc.array(headerArb, { maxLength: 5 }),
  body: fc.string({ unit: 'binary-ascii', maxLength: 300 }),
  chunked: fc.boolean(),
  chunkSizes: fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 10 }),
  interim: fc.boolean(),
  trailer: fc.boolean(),
});

type ResponseCase = typeof responseArb extends fc.Arbitrary<infer T> ? T : never;

function serialize(r: ResponseCase): { text: string; body: string } {
  const bodiless = r.status === 204 || r.status === 304;
  const body = bodiless ? '' : r.body;
  let text = r.interim ? 'HTTP/1.1 100 Continue\r\n\r\n' : '';
  text += `HTTP/1.1 ${r.status} Reason Phrase\r\n`;
  for (const [k, v] of r.headers) text += `${k}: ${v}\r\n`;
  if (bodiless) return { text: `${text}\r\n`, body };
  if (!r.chunked)
    return {
      text: `${text}Content-Length: ${Buffer.byteLength(body, 'latin1')}\r\n\r\n${body}`,
      body,
    };
  text += 'Transfer-Encoding: chunked\r\n\r\n';
  let rest = body;
  let i = 0;
  while (rest.length > 0) {
    const n = Math.min(rest.length, r.chunkSizes[i++ % r.chunkSizes.length]!);
    text += `${n.toString(16)}\r\n${rest.slice(0, n)}\r\n`;
    rest = rest.slice(n);
  }
  text += r.trailer ? '0\r\nx-trailer: 1\r\n\r\n' : '0\r\n\r\n';
  return { text, body };
}

describe('ResponseParser properties', () => {
  it('parses any stream of valid responses the same way however it is split', () => {
    fc.assert(
      fc.property(
        fc.array(responseArb, { minLength: 1, maxLength: 6 }),
        fc.array(fc.nat(4000), { maxLength: 20 }),
        (responses, cuts) => {
          const parts = responses.map(serialize);
          const stream = parts.map((p) => p.text).join('');
          const { c, ok } = feed(stream, cuts);
          expect(ok).toBe(true);
          expect(c.responses.map((r) => [r.status, r.body])).toEqual(
            responses.map((r, i) => [r.status, parts[i]!.body]),
          );
          const wire = c.responses.reduce((n, r) => n + r.wire, 0);
          expect(wire).toBe(Buffer.byteLength(stream, 'latin1'));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('decides a head the same whole in one read as split at every byte', () => {
    // One read takes the single-pass scan; a head split across reads goes through the carry.
    const line = fc.oneof(
      fc.constantFrom(
        'Content-Length: 3',
        'Content-Length: 3x',
        'content-length:',
        'Transfer-Encoding: chunked',
        'Connection: close',
        'Bad Name: x',
        'NoColon',
        ': empty name',
        'X: a\rb',
        '\r',
      ),
      fc.string({ unit: fc.constantFrom(...'aZ-: \t0'.split('')), maxLength: 12 }),
    );
    fc.assert(
      fc.property(
        fc.constantFrom(
          'HTTP/1.1 200 OK',
          'HTTP/1.0 404 Nope',
          'HTTP/1.1 200',
          'HTTP/1.1 20',
          'HTP/1.1 200',
        ),
        fc.array(line, { maxLength: 5 }),
        fc.boolean(),
        (status, lines, close) => {
          const text = `${[status, ...lines].join('\r\n')}\r\n\r\nabc`;
          const outcome = (cuts: number[]) => {
            const { c, ok } = feed(text, cuts, false);
            if (close) c.parser.finish();
            return {
              ok,
              error: c.parser.error,
              responses: c.responses.map((r) => [r.status, r.keepAlive, r.wire]),
            };
          };
          const whole = outcome([]);
          expect(outcome(Array.from({ length: text.length }, (_, i) => i))).toEqual(whole);
          expect(outcome([text.indexOf('\r\n\r\n') + 2])).toEqual(whole);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('reads a head that repeats the last one (the memo) exactly as a fresh parser does', () => {
    // Heads of equal length that differ in one byte each frame their message differently, so the
    // memo must tell them apart; each response comes in its own read, as keep-alive answers do.
    const heads = [
      'HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: keep-alive\r\n\r\n',
      'HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: keep-alive\r\n\r\n',
      'HTTP/1.1 404 OK\r\nContent-Length: 3\r\nConnection: keep-alive\r\n\r\n',
      'HTTP/1.0 200 OK\r\nContent-Length: 3\r\nConnection: keep-alive\r\n\r\n',
      'HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\n',
      'HTTP/1.1 200 OK\r\nContent-Lengthy 3\r\nConnection: keep-alive\r\n\r\n',
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n',
      'HTTP/1.1 304 OK\r\nContent-Length: 3\r\nConnection: keep-alive\r\n\r\n',
    ];
    const bodyFor = (head: string) =>
      head.includes('chunked') ? '3\r\nabc\r\n0\r\n\r\n' : head.includes(': 5') ? 'abcde' : 'abc';
    fc.assert(
      fc.property(
        fc.array(fc.record({ head: fc.nat(heads.length - 1), headRequest: fc.boolean() }), {
          minLength: 1,
          maxLength: 12,
        }),
        fc.boolean(),
        (sequence, keep) => {
          const reused = new Collector(keep);
          for (const { head, headRequest } of sequence) {
            const text = `${heads[head]}${headRequest ? '' : bodyFor(heads[head]!)}`;
            const fresh = new Collector(keep);
            const outcomes = [reused, fresh].map((c) => {
              const before = c.responses.length;
              const scratch = Buffer.alloc(text.length + 32, 'HTTP/1.1 200 OK\r\n\r\n');
              scratch.write(text, 'latin1');
              c.parser.reset();
              c.parser.expectNoBody = headRequest;
              const ok = c.parser.execute(scratch, 0, text.length);
              return { ok, error: c.parser.error, responses: c.responses.slice(before) };
            });
            expect(outcomes[0]).toEqual(outcomes[1]);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('names what is wrong with a head exactly', () => {
    const cases: [string, string][] = [
      [
        'HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n',
        'malformed header line (invalid character in header name)',
      ],
      ['HTTP/1.1 200 OK\r\n: x\r\n\r\n', 'malformed header line (no "name:" before the value)'],
      ['HTTP/1.1 200 OK\r\nX: a\rb\r\n\r\n', 'malformed header line (missing CRLF)'],
      ['HTTP/1.1 200 O\rK\r\n\r\n', 'malformed status line'],
      ['HTTP/1.1 20\r\n\r\n', 'malformed status line (expected "HTTP/1.x NNN")'],
      [
        'HTTP/1.1 200 OK\r\nContent-Length: 1\r\ncontent-length: 2\r\n\r\n',
        'malformed header: conflicting Content-Length headers',
      ],
      ['HTTP/1.1 200 OK\r\nContent-Length:\r\n\r\n', 'malformed header: empty Content-Length'],
    ];
    for (const [text, error] of cases) {
      for (const cuts of [[], [5], [text.length - 3]]) {
        const { c, ok } = feed(text, cuts, false);
        expect(ok).toBe(false);
        expect(c.parser.error).toBe(error);
      }
    }
  });

  it('never throws on garbage, split anywhere', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 600 }),
        fc.array(fc.nat(600), { maxLength: 10 }),
        fc.boolean(),
        (bytes, cuts, withPrefix) => {
          const prefix = withPrefix ? Buffer.from('HTTP/1.1 200 OK\r\n') : Buffer.alloc(0);
          const { c } = feed(Buffer.concat([prefix, Buffer.from(bytes)]), cuts);
          // Either still waiting for more bytes, completed responses, or failed with a reason.
          if (c.parser.failed) expect(c.parser.error.length).toBeGreaterThan(0);
          c.parser.finish();
        },
      ),
      { numRuns: 500 },
    );
  });
});
