/**
 * k6/net/grpc scripts run unchanged against a real @grpc/grpc-js server: unary calls with
 * metadata, an error status, a deadline, k6's response shape and grpc_req_duration with its tags;
 * a connect that cannot reach its server.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunResultFile } from '../../src/results/run-result.js';
import protobuf from 'protobufjs';
import descriptor from 'protobufjs/ext/descriptor/index.js';
import {
  type GrpcTestServer,
  HELLO_PROTO,
  type ResettingServer,
  SLOW_MS,
  startGrpcServer,
  startOtherServer,
  startResettingServer,
} from './helpers/grpc-server.js';
import { checkCounts, corpusScript, metricValue, runCorpus, spawnCli } from './helpers/run-corpus.js';
import { createReportModelFromRun } from '../../src/report/model/create-from-run.js';
import { renderHtml } from '../../src/report/html/render-html.js';

let server: GrpcTestServer;
let resetting: ResettingServer;
let downAddr: string;
let other: Awaited<ReturnType<typeof startOtherServer>>;
beforeAll(async () => {
  server = await startGrpcServer();
  other = await startOtherServer();
  resetting = await startResettingServer();
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', () => r()));
  const address = probe.address();
  downAddr = `127.0.0.1:${typeof address === 'object' && address ? address.port : 1}`;
  await new Promise<void>((r) => probe.close(() => r()));
});
afterAll(() => Promise.all([server.close(), resetting.close(), other.close()]));

const env = () => [
  `GRPC_ADDR=${server.addr}`,
  `DOWN_ADDR=${downAddr}`,
  `RESET_ADDR=${resetting.addr}`,
  `OTHER_ADDR=${other.addr}`,
];

describe('k6/net/grpc', () => {
  it('30 unary calls: OK with metadata, error status, deadline, unknown method, asyncInvoke', async () => {
    const run = await runCorpus('30-grpc-unary.js', 'http://unused', { env: env() });
    expect(run.scriptErrors).toEqual([]);
    expect(run.exitCode).toBe(0);
    const failed = run.result.checks.filter((c) => c.fails > 0).map((c) => c.name);
    expect(failed).toEqual([]);
    for (const name of [
      'status is OK',
      'message in JSON form',
      'headers and trailers',
      'error status returned, not thrown',
      'deadline exceeded',
      'unknown method throws',
      'asyncInvoke resolves',
      'load returns method infos',
    ]) {
      expect(checkCounts(run, name), name).toEqual({ passes: 4, fails: 0 });
    }
    expect(server.calls('SayHello')).toBeGreaterThanOrEqual(8);
    expect(metricValue(run, 'grpc_req_duration', 'count')).toBe(16);
    const sum = (tags: Record<string, string>) =>
      run.totals.summarize('grpc_req_duration', tags)?.count;
    expect(sum({ status: '0' })).toBe(8);
    expect(sum({ status: '5' })).toBe(4);
    expect(sum({ status: '4' })).toBe(4);
    expect(
      sum({
        call: 'hello',
        service: 'hello.Greeter',
        method: 'SayHello',
        name: '/hello.Greeter/SayHello',
        url: `${server.addr}/hello.Greeter/SayHello`,
      }),
    ).toBe(4);
    // The deadline is the call's: the 200 ms calls are not counted at the server's pace.
    expect(run.totals.summarize('grpc_req_duration', { status: '4' })?.min).toBeGreaterThanOrEqual(150);
    expect(run.result.thresholds.every((t) => t.ok)).toBe(true);
  });

  it('31 a connect that cannot reach its server throws; invoke without a connection throws', async () => {
    const run = await runCorpus('31-grpc-connect-fail.js', 'http://unused', { env: env() });
    expect(run.scriptErrors).toEqual([]);
    expect(checkCounts(run, 'connect throws with the address')).toEqual({ passes: 1, fails: 0 });
    expect(checkCounts(run, 'invoke without connect throws')).toEqual({ passes: 1, fails: 0 });
  });
});

describe('k6/net/grpc: what belongs to one call stays with it', () => {
  it('45 same method name in two packages, metadata, timeouts and parse errors are per call', async () => {
    const run = await runCorpus('45-grpc-per-call.js', 'http://unused', { env: env() });
    expect(run.scriptErrors).toEqual([]);
    for (const name of [
      'same method name, other package: its own message types',
      'metadata only on the call that passes it',
      'a timeout ends its own call',
      'the next call has the default deadline',
      'timeout 0 is the default deadline',
      'an unparsable response is Internal',
    ]) {
      expect(checkCounts(run, name), name).toEqual({ passes: 3, fails: 0 });
    }
    const count = (tags: Record<string, string>) =>
      run.totals.summarize('grpc_req_duration', tags)?.count;
    // Each call in its own series: service and status from the call, not from the previous one.
    expect(count({ service: 'hello.Greeter', method: 'SayHello', status: '0' })).toBe(3);
    expect(count({ service: 'other.Greeter', method: 'SayHello', status: '0' })).toBe(9);
    // One params object reused with its tags changed in place: each round's calls carry its tag.
    for (const round of ['r0a', 'r0b', 'r1a', 'r1b', 'r2a', 'r2b']) expect(count({ round }), round).toBe(1);
    expect(count({ round: 'none' })).toBeUndefined();
    expect(count({ name: '/other.Greeter/Slow', status: '4' })).toBe(3);
    expect(count({ name: '/other.Greeter/Slow', status: '0' })).toBe(6);
    expect(count({ name: '/other.Greeter/Garbled', status: '13' })).toBe(3);
    expect(metricValue(run, 'grpc_req_duration', 'count')).toBe(24);
    // The answered Slow calls waited for the server (a lower bound a busy machine only raises).
    expect(run.totals.summarize('grpc_req_duration', { name: '/other.Greeter/Slow', status: '0' })?.min)
      .toBeGreaterThanOrEqual(SLOW_MS * 0.9);
  });
});

describe('k6/net/grpc: large messages', () => {
  it('50 3 MB each way; over 4 MB refused by the server; maxSendSize/maxReceiveSize enforced; every call counted', async () => {
    const before = server.calls('SayHello');
    const run = await runCorpus('50-grpc-large.js', 'http://unused', { env: env() });
    expect(run.scriptErrors).toEqual([]);
    for (const name of ['3 MB each way', '5 MB refused by the server', 'over maxSendSize', 'reply over maxReceiveSize', 'small call still OK'])
      expect(checkCounts(run, name), name).toEqual({ passes: 1, fails: 0 });
    expect(metricValue(run, 'grpc_req_duration', 'count')).toBe(5);
    expect(run.totals.summarize('grpc_req_duration', { status: '8' })?.count).toBe(3);
    // The 5 MB request and the one over maxSendSize never reach the handler.
    expect(server.calls('SayHello') - before).toBe(3);
    expect(metricValue(run, 'data_sent', 'count')).toBeGreaterThan(3 * 1024 * 1024);
    expect(metricValue(run, 'data_received', 'count')).toBeGreaterThan(3 * 1024 * 1024);
  });
});

describe('k6/net/grpc streams', () => {
  it('32 server, client and bidi streams; errors then end; the iteration waits for its streams', async () => {
    const run = await runCorpus('32-grpc-streams.js', 'http://unused', { env: env() });
    expect(run.scriptErrors).toEqual([]);
    const failed = run.result.checks.filter((c) => c.fails > 0).map((c) => c.name);
    expect(failed).toEqual([]);
    for (const name of [
      'server stream delivered every message',
      'client stream summed',
      'bidi echoes in order',
      'a unary method on a stream fails with its status',
      'named status import',
    ]) {
      expect(checkCounts(run, name), name).toEqual({ passes: 2, fails: 0 });
    }
    const events = (kind: string) => run.totals.summarize('stream_events', { kind })?.sum;
    expect(events('server-data')).toBe(10);
    expect(events('server-end')).toBe(2);
    expect(events('client-end')).toBe(2);
    expect(events('failing-end')).toBe(2);
    expect(metricValue(run, 'grpc_streams', 'count')).toBe(8);
    // Per iteration: 1 + 4 + 2 + 1 written; 5 + 1 + 2 received.
    expect(metricValue(run, 'grpc_streams_msgs_sent', 'count')).toBe(16);
    expect(metricValue(run, 'grpc_streams_msgs_received', 'count')).toBe(16);
    expect(run.totals.summarize('grpc_req_duration', { method: 'Count', status: '0' })?.count).toBe(2);
    expect(run.totals.summarize('grpc_req_duration', { method: 'Fail', status: '5' })?.count).toBe(2);
    expect(metricValue(run, 'iterations', 'count')).toBe(2);
  });
});

describe('k6/net/grpc server reflection', () => {
  it('33 connect(addr, { reflect: true, reflectMetadata }) loads the services from the server', async () => {
    const before = server.reflectionTokens().length;
    const run = await runCorpus('33-grpc-reflect.js', 'http://unused', { env: env() });
    // Every reflection call carried the iteration's token.
    const tokens = server.reflectionTokens().slice(before);
    expect(tokens.length).toBeGreaterThanOrEqual(2);
    expect([...new Set(tokens)].sort()).toEqual(['reflect-0', 'reflect-1']);
    expect(run.scriptErrors).toEqual([]);
    expect(checkCounts(run, 'reflected method works')).toEqual({ passes: 2, fails: 0 });
    expect(checkCounts(run, 'int64 beyond 2^53 survives as a string')).toEqual({
      passes: 2,
      fails: 0,
    });
    expect(metricValue(run, 'grpc_req_duration', 'count')).toBe(2);
  });
});

describe('k6/net/grpc: a server that never answers', () => {
  it('34 the pending call is cancelled at the end of the test and counted with status Canceled', async () => {
    const before = server.calls('Slow');
    const run = await runCorpus('34-grpc-never-answers.js', 'http://unused', { env: env() });
    expect(run.scriptErrors).toEqual([]);
    expect(server.calls('Slow')).toBe(before + 1);
    expect(metricValue(run, 'iterations', 'count') ?? 0).toBe(0);
    expect(run.totals.summarize('grpc_req_duration', { status: '1' })?.count).toBe(1);
  });
});

describe('k6/net/grpc: a server that resets the connection mid-call', () => {
  it('38 the unary call returns Unavailable, the stream fires error then end; every call counted with its status', async () => {
    const run = await runCorpus('38-grpc-reset.js', 'http://unused', { env: env() });
    expect(run.scriptErrors).toEqual([]);
    const failed = run.result.checks.filter((c) => c.fails > 0).map((c) => c.name);
    expect(failed).toEqual([]);
    expect(checkCounts(run, 'a reset call returns Unavailable')).toEqual({ passes: 2, fails: 0 });
    expect(resetting.calls()).toBeGreaterThanOrEqual(4);
    const events = (tags: Record<string, string>) => run.totals.summarize('stream_events', tags)?.sum;
    expect(events({ kind: 'error', code: '14' })).toBe(2);
    expect(events({ kind: 'end' })).toBe(2);
    expect(events({ kind: 'data' })).toBeUndefined();
    // Two unary calls and two streams, all with status Unavailable.
    expect(metricValue(run, 'grpc_req_duration', 'count')).toBe(4);
    expect(run.totals.summarize('grpc_req_duration', { status: '14' })?.count).toBe(4);
    expect(metricValue(run, 'grpc_streams', 'count')).toBe(2);
    expect(metricValue(run, 'iterations', 'count')).toBe(2);
  });
});

describe('Ctrl-C with gRPC calls in flight (built CLI)', () => {
  it('39 exit 105; every call made is in grpc_req_duration, the one never answered counted once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'redline-grpc-signal-'));
    try {
      const json = join(dir, 'result.json');
      const helloBefore = server.calls('SayHello');
      const slowBefore = server.calls('Slow');
      const cli = spawnCli(
        ['run', corpusScript('39-grpc-ctrl-c.js'), '-q', '--json', json, ...env().flatMap((e) => ['-e', e])],
        { cwd: dir },
      );
      const deadline = Date.now() + 30_000;
      while (
        (server.calls('SayHello') < helloBefore + 20 || server.calls('Slow') < slowBefore + 1) &&
        Date.now() < deadline
      ) {
        await new Promise((r) => setTimeout(r, 20));
      }
      cli.child.kill('SIGINT');
      const out = await cli.done;
      expect(out.code, out.stderr).toBe(105);
      const result = JSON.parse(readFileSync(json, 'utf8')) as RunResultFile;
      const hello = server.calls('SayHello') - helloBefore;
      const calls = result.metrics['grpc_req_duration']?.values['count'] ?? 0;
      // Each call the server saw was counted by the client; at most one per busy VU was cut
      // before it reached the server. The stuck call is counted once.
      expect(server.calls('Slow') - slowBefore).toBe(1);
      expect(calls - 1).toBeGreaterThanOrEqual(hello);
      expect(calls - 1).toBeLessThanOrEqual(hello + 2);
      expect(out.stdout).toMatch(/grpc_req_duration/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('k6/net/grpc on 2 workers (built CLI)', () => {
  for (const interrupted of [false, true])
  it(`49 per-second snapshots add up to the totals; calls and streams match the server's${interrupted ? ' (Ctrl-C mid-run, exit 105)' : ''}`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'redline-grpc-workers-'));
    try {
      const json = join(dir, 'result.json');
      const csv = join(dir, 'result.csv');
      const helloBefore = server.calls('SayHello');
      const chatBefore = server.calls('Chat');
      const extraEnv = interrupted ? ['-e', 'DURATION=60s'] : [];
      const cli = spawnCli(
        ['run', corpusScript('49-grpc-workers.js'), '--workers', '2', '-q', '--json', json, '--out', `csv=${csv}`, ...env().flatMap((e) => ['-e', e]), ...extraEnv],
        { cwd: dir },
      );
      if (interrupted) {
        const deadline = Date.now() + 30_000;
        while ((server.calls('SayHello') < helloBefore + 100 || server.calls('Chat') < chatBefore + 4) && Date.now() < deadline)
          await new Promise((r) => setTimeout(r, 20));
        cli.child.kill('SIGINT');
      }
      const out = await cli.done;
      expect(out.code, out.stderr).toBe(interrupted ? 105 : 0);
      const result = JSON.parse(readFileSync(json, 'utf8')) as RunResultFile;
      const count = (metric: string) => result.metrics[metric]?.values['count'] ?? 0;
      // Each worker's per-second snapshots (counter values, trend counts) merge into the totals.
      const perInterval = new Map<string, number>();
      const [header = '', ...rows] = readFileSync(csv, 'utf8').split('\n');
      const nameColumn = header.split(',').indexOf('name');
      let unaryCalls = 0;
      for (const line of rows) {
        const cells = line.split(',');
        const metric = cells[1] ?? '';
        const value = Number(cells[2] === 'trend' ? cells[4] : cells[3]);
        perInterval.set(metric, (perInterval.get(metric) ?? 0) + value);
        if (metric === 'grpc_req_duration' && cells[nameColumn] === '/hello.Greeter/SayHello') unaryCalls += value;
      }
      for (const metric of ['grpc_req_duration', 'grpc_streams', 'grpc_streams_msgs_sent', 'grpc_streams_msgs_received', 'iterations'])
        expect(perInterval.get(metric), metric).toBe(count(metric));
      expect(unaryCalls).toBeGreaterThan(0);
      // The result's per-second timeline carries the gRPC calls (not 0 req/s): its points add up
      // to the totals, every point has the block, and the seconds with calls have their latency.
      const points = result.timeline;
      const total = (f: (p: (typeof points)[number]) => number) => points.reduce((s, p) => s + f(p), 0);
      expect(points.every((p) => p.grpc !== undefined && p.iterations !== undefined && p.requests === 0)).toBe(true);
      expect(total((p) => p.grpc!.calls)).toBe(count('grpc_req_duration'));
      expect(total((p) => p.grpc!.streams)).toBe(count('grpc_streams'));
      expect(total((p) => p.grpc!.streamMsgsSent)).toBe(count('grpc_streams_msgs_sent'));
      expect(total((p) => p.grpc!.streamMsgsReceived)).toBe(count('grpc_streams_msgs_received'));
      expect(total((p) => p.iterations!)).toBe(count('iterations'));
      for (const p of points) expect(p.grpc!.latency !== undefined, `t=${p.t}`).toBe(p.grpc!.calls > 0);
      expect(points.filter((p) => p.grpc!.calls > 0).length).toBeGreaterThanOrEqual(interrupted ? 1 : 2);
      const slowest = Math.max(...points.map((p) => p.grpc!.latency?.max ?? 0));
      expect(slowest).toBe(result.metrics['grpc_req_duration']!.values['max']);
      // The report plots the gRPC calls, never an HTTP chart of zeros.
      const model = createReportModelFromRun(result);
      expect(model.charts.measure).toMatchObject({ kind: 'grpc', name: 'gRPC calls', latencyMetric: 'grpc_req_duration' });
      expect(model.charts.timeline.map((p) => p.rps)).toEqual(points.map((p) => p.grpc!.callsPerSecond));
      expect(model.charts.timeline.filter((p) => p.p95 !== undefined).length).toBe(points.filter((p) => p.grpc!.calls > 0).length);
      const html = renderHtml(model);
      expect(html).toContain('Throughput: gRPC calls per second and virtual users');
      expect(html).toContain('No HTTP requests in this run: the latency distribution is of HTTP requests.');
      expect(html).not.toContain('Requests per second and virtual users');
      const hello = server.calls('SayHello') - helloBefore;
      const chats = server.calls('Chat') - chatBefore;
      if (!interrupted) {
        expect(unaryCalls).toBe(hello);
        expect(count('grpc_streams')).toBe(chats);
        // Every stream ran to its end: 10 messages each way.
        expect(count('grpc_streams_msgs_sent')).toBe(10 * count('grpc_streams'));
        expect(count('grpc_streams_msgs_received')).toBe(10 * count('grpc_streams'));
      } else {
        // Each call and stream the server saw was counted; at most one per VU was cut before
        // it reached the server (counted by the client with status Canceled).
        expect(unaryCalls).toBeGreaterThanOrEqual(hello);
        expect(unaryCalls).toBeLessThanOrEqual(hello + 4);
        expect(count('grpc_streams')).toBeGreaterThanOrEqual(chats);
        expect(count('grpc_streams')).toBeLessThanOrEqual(chats + 2);
        expect(count('grpc_streams_msgs_received')).toBeLessThanOrEqual(count('grpc_streams_msgs_sent'));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('k6/net/grpc: loadProtoset and healthCheck', () => {
  it('40 a protoset (FileDescriptorSet written by protobufjs) loads the methods; healthCheck as in k6', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'redline-protoset-'));
    try {
      const root = protobuf.loadSync(HELLO_PROTO);
      const set = (root as unknown as { toDescriptor(s: string): protobuf.Message }).toDescriptor('proto3');
      const protoset = join(dir, 'hello.protoset');
      writeFileSync(protoset, (descriptor as unknown as { FileDescriptorSet: protobuf.Type }).FileDescriptorSet.encode(set).finish());
      const checksBefore = server.calls('Check');
      const run = await runCorpus('40-grpc-protoset-health.js', 'http://unused', {
        env: [...env(), `PROTOSET=${protoset}`],
      });
      expect(run.scriptErrors).toEqual([]);
      const failed = run.result.checks.filter((c) => c.fails > 0).map((c) => c.name);
      expect(failed).toEqual([]);
      expect(run.result.checks.length).toBe(7);
      expect(run.result.checks.every((c) => c.passes === 2)).toBe(true);
      expect(server.calls('Check') - checksBefore).toBe(8);
      // Per iteration: one call and four health checks (three OK, one NotFound).
      expect(metricValue(run, 'grpc_req_duration', 'count')).toBe(10);
      expect(run.totals.summarize('grpc_req_duration', { status: '5' })?.count).toBe(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('41 loadProtoset on a file that is not a FileDescriptorSet fails the init with the path', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'redline-protoset-'));
    try {
      const bad = join(dir, 'bad.protoset');
      writeFileSync(bad, 'syntax = "proto3";');
      await expect(
        runCorpus('40-grpc-protoset-health.js', 'http://unused', { env: [...env(), `PROTOSET=${bad}`] }),
      ).rejects.toThrow(/loadProtoset\(\): cannot load .*bad\.protoset/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
