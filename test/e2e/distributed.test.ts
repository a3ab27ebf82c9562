/**
 * Distributed runs with real processes on loopback: a controller (`redline run --agents N`) and
 * agents (`redline agent --join`) against a counting HTTP server.
 * - 4 agents send exactly what one process sends, and the merged result equals the one process's
 *   (counts, a deterministic trend's percentiles, threshold decisions, exit code).
 * - Faults: an agent SIGKILLed mid-run (abort policy: exit 113, the lost segment named), an
 *   agent frozen with SIGSTOP (heartbeat timeout, continue policy), an agent stopped with SIGTERM
 *   (marked interrupted), the controller SIGKILLed
 *   (agents stop by themselves), and refusals: a duplicated index, a wrong token, another test,
 *   and a fake controller that cannot prove the token (the agent runs nothing).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import type { RunResultFile } from '../../src/results/run-result.js';
import { writeSelfSignedCertificate } from '../helpers/certificates.js';
import { type CountingServer, startCountingServer } from '../helpers/servers.js';
import { killAll, type Spawned, spawnWatched } from '../helpers/spawned.js';

const BIN = fileURLToPath(new URL('../../bin/redline.js', import.meta.url));
const SCRIPTS = fileURLToPath(new URL('../fixtures/scripts/', import.meta.url));
const TOKEN = 'e2e-token-0123456789abcdef';
let server: CountingServer;
let dir: string;
let tokenFile: string;
let counts: Map<string, number>;

beforeAll(async () => {
  server = await startCountingServer();
  counts = server.counts;
  dir = mkdtempSync(join(tmpdir(), 'redline-distributed-'));
  tokenFile = join(dir, 'token');
  writeFileSync(tokenFile, `${TOKEN}\n`);
});
afterAll(() => {
  killAll();
  server?.close();
  rmSync(dir, { recursive: true, force: true });
});

function redline(args: string[], env: Record<string, string> = {}): Spawned {
  return spawnWatched(process.execPath, [BIN, ...args], env);
}

let nextResult = 0;

/** A controller on a free port (`--listen 127.0.0.1:0`); `listen` is known once it printed it. */
function controller(script: string, agents: number, extra: string[] = []) {
  const json = join(dir, `result-${nextResult++}.json`);
  const proc = redline([
    'run',
    join(SCRIPTS, script),
    '--agents',
    String(agents),
    '--listen',
    '127.0.0.1:0',
    '--agent-token-file',
    tokenFile,
    '--env',
    `BASE_URL=${server.url}`,
    '--json',
    json,
    '--quiet',
    '--agent-wait',
    '40s',
    ...extra,
  ]);
  const result = () => JSON.parse(readFileSync(json, 'utf8')) as RunResultFile;
  return {
    ...proc,
    json,
    result,
    get listen(): string {
      const address = /controller listening on (\S+)/.exec(proc.err())?.[1];
      if (!address) throw new Error(`the controller has not printed its address: ${proc.err()}`);
      return address;
    },
  };
}

function agent(listen: string, extra: string[] = [], env: Record<string, string> = {}) {
  return redline(['agent', '--join', listen, '--agent-token-file', tokenFile, ...extra], env);
}

const snapshot = () => Object.fromEntries(counts);

describe('redline run --agents (real processes on loopback)', () => {
  it('4 agents send and measure exactly what one process does', async () => {
    counts.clear();
    const singleJson = join(dir, 'single.json');
    const single = redline([
      'run',
      join(SCRIPTS, 'distributed-e2e.js'),
      '--env',
      `BASE_URL=${server.url}`,
      '--json',
      singleJson,
      '--quiet',
    ]);
    const singleCode = await single.exit;
    const one = snapshot();
    expect(one['/shared']).toBe(200);
    expect(one['/arrivals/ship-me']).toBe(80); // the init context's open() file reached every agent

    counts.clear();
    const ctl = controller('distributed-e2e.js', 4);
    await ctl.waitFor(/controller listening/);
    const agents = [0, 1, 2, 3].map(() => agent(ctl.listen));
    const code = await ctl.exit;
    const agentCodes = await Promise.all(agents.map((a) => a.exit));
    expect(agentCodes, agents.map((a) => a.err()).join('\n')).toEqual([0, 0, 0, 0]);
    expect(snapshot()).toEqual(one);
    // Same decision: p(95) of 0..199 fails `<150`, p(50) passes; 99 in both.
    expect(singleCode, single.err()).toBe(99);
    expect(code, ctl.err()).toBe(99);

    const a = JSON.parse(readFileSync(singleJson, 'utf8')) as RunResultFile;
    const b = ctl.result();
    expect(b.metrics['iteration_value']?.values).toEqual(a.metrics['iteration_value']?.values);
    expect(b.metrics['http_reqs']?.values['count']).toBe(a.metrics['http_reqs']?.values['count']);
    expect(b.metrics['iterations']?.values['count']).toBe(280);
    const decided = (r: RunResultFile) =>
      r.thresholds.map((t) => ({ metric: t.metric, expression: t.expression, ok: t.ok }));
    expect(decided(b)).toEqual(decided(a));
    expect(b.thresholds.find((t) => t.expression === 'p(95)<150')?.observed).toBe(
      a.thresholds.find((t) => t.expression === 'p(95)<150')?.observed,
    );
    expect(b.distributed?.partial).toBe(false);
    expect(b.distributed?.agents.map((x) => [x.index, x.segment, x.status])).toEqual([
      [0, '0:1/4', 'completed'],
      [1, '1/4:1/2', 'completed'],
      [2, '1/2:3/4', 'completed'],
      [3, '3/4:1', 'completed'],
    ]);
    expect(ctl.out()).toMatch(/distributed: 4 agents, sequence 0,1\/4,2\/4,3\/4,1/);
  }, 180_000);

  it('an agent SIGKILLed mid-run: the controller aborts, names the lost segment, exits 113', async () => {
    const ctl = controller('distributed-long.js', 4, ['--heartbeat-timeout', '3s']);
    await ctl.waitFor(/controller listening/);
    const agents = [0, 1, 2, 3].map((i) => agent(ctl.listen, ['--agent-index', String(i)]));
    await ctl.waitFor(/all 4 agents ready/);
    await new Promise((r) => setTimeout(r, 2000));
    agents[1]?.child.kill('SIGKILL');
    const code = await ctl.exit;
    expect(code, ctl.err()).toBe(113);
    expect(ctl.err()).toMatch(/agent 1 \(segment 1\/4:1\/2.*\) lost: its connection closed/);
    const result = ctl.result();
    expect(result.distributed?.partial).toBe(true);
    expect(result.distributed?.lostSegments).toEqual(['1/4:1/2']);
    expect(result.reason).toBe('error');
    expect(result.detail).toMatch(/--on-agent-loss abort/);
    // Stopped long before the scenario's 30 s: the loss was noticed and everyone was stopped.
    expect(result.durationMs).toBeLessThan(25_000);
    expect(ctl.out()).toMatch(/PARTIAL RESULT: segment 1\/4:1\/2 lost/);
    const others = await Promise.all([0, 2, 3].map((i) => agents[i]?.exit));
    expect(others).toEqual([0, 0, 0]);
  }, 120_000);

  it('an abortOnFail threshold on the merged stream stops every agent; every request is counted', async () => {
    counts.clear();
    const ctl = controller('distributed-abort.js', 4);
    await ctl.waitFor(/controller listening/);
    const agents = [0, 1, 2, 3].map(() => agent(ctl.listen));
    const code = await ctl.exit;
    expect(code, ctl.err()).toBe(99);
    expect(await Promise.all(agents.map((a) => a.exit))).toEqual([0, 0, 0, 0]);
    const result = ctl.result();
    expect(result.reason).toBe('aborted-by-threshold');
    expect(result.durationMs).toBeLessThan(25_000);
    // Every request an agent sent is in the merged result, none twice.
    expect(result.metrics['http_reqs']?.values['count']).toBe(counts.get('/abort'));
    expect(result.thresholds.map((t) => [t.metric, t.ok])).toEqual([
      ['http_reqs', false],
      ['http_req_failed', true],
    ]);
    expect(result.distributed?.partial).toBe(false);
  }, 120_000);

  it('an agent frozen (SIGSTOP): heartbeat timeout, the others finish (continue policy), exit 113', async () => {
    const ctl = controller('distributed-long.js', 3, [
      '--heartbeat-timeout',
      '2s',
      '--on-agent-loss',
      'continue',
      '--env',
      'DURATION=6s',
    ]);
    await ctl.waitFor(/controller listening/);
    const agents = [0, 1, 2].map((i) => agent(ctl.listen, ['--agent-index', String(i)]));
    await ctl.waitFor(/all 3 agents ready/);
    await new Promise((r) => setTimeout(r, 1000));
    agents[2]?.child.kill('SIGSTOP');
    const code = await ctl.exit;
    agents[2]?.child.kill('SIGKILL');
    expect(code, ctl.err()).toBe(113);
    const result = ctl.result();
    expect(result.reason).toBe('completed');
    expect(result.distributed?.agents.map((a) => a.status)).toEqual([
      'completed',
      'completed',
      'lost',
    ]);
    expect(result.distributed?.agents[2]?.detail).toMatch(/no heartbeat for \d+ s/);
    expect(result.distributed?.lostSegments).toEqual(['2/3:1']);
    expect(await Promise.all([agents[0]?.exit, agents[1]?.exit])).toEqual([0, 0]);
  }, 120_000);

  it('an agent stopped with SIGTERM tells the controller: its part is marked interrupted, exit 113', async () => {
    const ctl = controller('distributed-long.js', 2, [
      '--on-agent-loss',
      'continue',
      '--env',
      'DURATION=5s',
    ]);
    await ctl.waitFor(/controller listening/);
    const agents = [0, 1].map((i) => agent(ctl.listen, ['--agent-index', String(i)]));
    await ctl.waitFor(/all 2 agents ready/);
    await new Promise((r) => setTimeout(r, 1000));
    agents[1]?.child.kill('SIGTERM');
    expect(await agents[1]?.exit).toBe(105);
    expect(await ctl.exit, ctl.err()).toBe(113);
    expect(await agents[0]?.exit).toBe(0);
    const d = ctl.result().distributed;
    expect(d?.agents.map((a) => a.status)).toEqual(['completed', 'interrupted']);
    expect(d?.lostSegments).toEqual(['1/2:1']);
  }, 60_000);

  it('the controller SIGKILLed: every agent stops by itself (exit 105)', async () => {
    const ctl = controller('distributed-long.js', 2);
    await ctl.waitFor(/controller listening/);
    const agents = [0, 1].map(() => agent(ctl.listen));
    await ctl.waitFor(/all 2 agents ready/);
    await new Promise((r) => setTimeout(r, 1000));
    ctl.child.kill('SIGKILL');
    const codes = await Promise.all(agents.map((a) => a.exit));
    expect(codes).toEqual([105, 105]);
    for (const a of agents) expect(a.err()).toMatch(/the controller is gone/);
  }, 60_000);

  it('refuses a duplicated index, a wrong token and another test; runs with the right agents', async () => {
    counts.clear();
    const ctl = controller('distributed-small.js', 2, ['--test-id', 'test-a']);
    await ctl.waitFor(/controller listening/);
    const first = agent(ctl.listen, ['--agent-index', '0']);
    await ctl.waitFor(/agent joined.*index 0/);
    const duplicate = agent(ctl.listen, ['--agent-index', '0']);
    expect(await duplicate.exit).toBe(104);
    expect(duplicate.err()).toMatch(/agent index 0 is already taken/);
    const wrongToken = redline(['agent', '--join', ctl.listen], {
      REDLINE_AGENT_TOKEN: 'not-the-token-0123456789',
    });
    expect(await wrongToken.exit).toBe(104);
    expect(wrongToken.err()).toMatch(/authentication failed/);
    const otherTest = agent(ctl.listen, ['--test-id', 'test-b']);
    expect(await otherTest.exit).toBe(104);
    expect(otherTest.err()).toMatch(/runs test test-a, this agent belongs to test-b/);
    // JOB_COMPLETION_INDEX (a Kubernetes Indexed Job) asks for the segment.
    const second = agent(ctl.listen, [], { JOB_COMPLETION_INDEX: '1' });
    expect(await ctl.exit, ctl.err()).toBe(0);
    expect(await Promise.all([first.exit, second.exit])).toEqual([0, 0]);
    expect(counts.get('/small')).toBe(20);
    expect(ctl.result().distributed?.agents.map((a) => a.segment)).toEqual(['0:1/2', '1/2:1']);
  }, 120_000);

  it('over TLS: an agent trusting the CA joins and runs; a plain agent cannot join (exit 69)', async (ctx) => {
    let cert: string;
    let key: string;
    try {
      ({ certPath: cert, keyPath: key } = writeSelfSignedCertificate(dir, {
        ec: true,
        cn: '127.0.0.1',
        altName: 'IP:127.0.0.1',
      }));
    } catch {
      return ctx.skip('openssl cannot make a test certificate here');
    }
    counts.clear();
    const ctl = controller('distributed-small.js', 1, [
      '--agent-tls-cert',
      cert,
      '--agent-tls-key',
      key,
    ]);
    await ctl.waitFor(/controller listening/);
    const plain = agent(ctl.listen, ['--join-timeout', '2s']);
    expect(await plain.exit).toBe(69);
    const secure = agent(ctl.listen, ['--agent-tls-ca', cert]);
    expect(await ctl.exit, ctl.err()).toBe(0);
    expect(await secure.exit, secure.err()).toBe(0);
    expect(counts.get('/small')).toBe(20);
  }, 60_000);

  it('refuses flags the controller would ignore or override: --workers, --execution-segment (exit 2)', async () => {
    for (const extra of [
      ['--workers', '2'],
      ['--execution-segment', '0:1/2'],
    ]) {
      const proc = controller('distributed-small.js', 2, extra);
      expect(await proc.exit, proc.err()).toBe(2);
      expect(proc.err()).toContain(`${extra[0]} cannot be combined with --agents`);
    }
  });

  it('an agent accepts no work from a controller that cannot prove the token', async () => {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((r) => wss.once('listening', r));
    const port = (wss.address() as { port: number }).port;
    let prepared = false;
    wss.on('connection', (ws) => {
      ws.send(JSON.stringify({ type: 'challenge', v: 1, testId: 't', nonce: 'ab'.repeat(16) }));
      ws.on('message', () => {
        ws.send(
          JSON.stringify({ type: 'welcome', proof: 'cd'.repeat(32), heartbeatTimeoutMs: 5000 }),
        );
        // Work sent after a bogus proof must be ignored.
        ws.send(JSON.stringify({ type: 'prepare', index: 0, archive: {}, work: {} }));
        prepared = true;
      });
    });
    try {
      const a = agent(`127.0.0.1:${port}`);
      expect(await a.exit).toBe(104);
      expect(prepared).toBe(true);
      expect(a.err()).toMatch(/could not prove it holds the token/);
      expect(a.err()).not.toMatch(/ready/);
    } finally {
      wss.close();
    }
  }, 30_000);
});
