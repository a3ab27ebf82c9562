/**
 * The controller of a distributed run: listens for agents, authenticates them (mutual HMAC over
 * the shared token), waits for N, gives each an execution segment of one sequence, measures each
 * one's clock offset, ships the script and the plan, releases all at one instant expressed in
 * each agent's own clock, and feeds their per-second shard reports into the run's ordinary merge
 * (engine/interval-merger.ts): thresholds, summary and outputs see one exact merged stream.
 * An agent that dies or goes silent is noticed by its heartbeat and handled per the loss policy.
 */
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { type WebSocket, WebSocketServer } from 'ws';
import {
  emptyShardReport,
  type LaunchedShards,
  type RemoteLauncher,
  type RemotePlan,
  type ShardHandle,
  type ShardReport,
} from '../engine/index.js';
import { ExitCode } from '../errors/exit-codes.js';
import { RedlineError } from '../errors/redline-error.js';
import type { AgentOutcome, ResultDistributed } from '../results/run-result.js';
import { type AgentArchive, type AgentWork, buildArchive } from './archive.js';
import { type ClockOffset, type ClockSample, estimateOffset, toAgentClock } from './clock.js';
import {
  decode,
  encode,
  type Message,
  monotonicEpochMs,
  nonce,
  PROTOCOL_VERSION,
  proof,
  proofMatches,
} from './protocol.js';
import { segmentsOf } from './segments.js';

/** What to do when an agent is lost mid-run. */
export type AgentLossPolicy = 'abort' | 'continue';

/** Options of {@link DistributedController.listen}. */
export interface ControllerOptions {
  agents: number;
  host: string;
  port: number;
  token: string;
  testId: string;
  onAgentLoss: AgentLossPolicy;
  /** Silence after which a peer counts as lost, ms. */
  heartbeatTimeoutMs: number;
  /** How long to wait for all agents to join (and to prepare), ms. */
  agentWaitMs: number;
  /** `--execution-segment-sequence` given to the controller (else N equal parts). */
  segmentSequence?: string;
  /** Progress lines (stderr). */
  log: (line: string) => void;
  /** Serve the agents' socket over TLS (wss://) with this certificate and key (PEM). */
  tls?: { cert: string; key: string };
}

/** The distributed part of a run's result (the result file's `distributed` field). */
export type DistributedSummary = ResultDistributed;

/** Pings per agent to estimate its clock offset. */
const CLOCK_PROBES = 8;
/** How long an agent has to answer the challenge, ms. */
const HANDSHAKE_TIMEOUT_MS = 10_000;

type AgentState = 'handshake' | 'joined' | 'preparing' | 'ready' | 'running' | 'ended';

class AgentLink {
  state: AgentState = 'handshake';
  index = -1;
  requested: number | undefined;
  host = '?';
  pid = 0;
  segment = '';
  shards = 0;
  shardBase = 0;
  lastSeen = performance.now();
  offset: ClockOffset = { offsetMs: 0, rttMs: 0, samples: 0 };
  startLateMs: number | undefined;
  outcome: AgentOutcome['status'] | undefined;
  detail: string | undefined;
  readonly finals = new Set<number>();
  readonly nonce = nonce();
  #emit: ((report: ShardReport) => void) | undefined;
  readonly #buffered: ShardReport[] = [];
  onReady: ((m: Message) => void) | undefined;
  onPong: ((sample: ClockSample) => void) | undefined;
  settleDone!: () => void;
  readonly done = new Promise<void>((resolve) => {
    this.settleDone = resolve;
  });

  constructor(readonly ws: WebSocket) {}

  /** Where reports go from the start on; reports before it (a loss) wait for it. */
  setEmit(emit: (report: ShardReport) => void): void {
    this.#emit = emit;
    for (const r of this.#buffered.splice(0)) emit(r);
  }

  deliver(report: ShardReport): void {
    if (this.#emit) this.#emit(report);
    else this.#buffered.push(report);
  }

  send(message: Message): void {
    if (this.ws.readyState === this.ws.OPEN) this.ws.send(encode(message));
  }

  get name(): string {
    const at = `${this.host} pid ${this.pid}`;
    return this.index >= 0 ? `agent ${this.index} (segment ${this.segment}, ${at})` : `agent ${at}`;
  }
}

/** A listening controller; use {@link launcher} as the scripted run's `remote`. */
export class DistributedController {
  readonly #options: ControllerOptions;
  readonly #server: WebSocketServer;
  readonly #links = new Set<AgentLink>();
  /** Joined agents in join order (at most N). */
  #joined: AgentLink[] = [];
  #waiters: Array<() => void> = [];
  #sequence = '';
  #heartbeat: NodeJS.Timeout | undefined;
  #lastBeat = performance.now();
  readonly #abort = new AbortController();
  #closed = false;

  readonly #https: HttpsServer | undefined;

  private constructor(options: ControllerOptions, server: WebSocketServer, https?: HttpsServer) {
    this.#options = options;
    this.#server = server;
    this.#https = https;
    server.on('connection', (ws) => this.#accept(ws));
    this.#heartbeat = setInterval(
      () => this.#beat(),
      Math.min(1000, options.heartbeatTimeoutMs / 3),
    );
  }

  /** Starts listening; resolves once the port is open. */
  static async listen(options: ControllerOptions): Promise<DistributedController> {
    const https = options.tls
      ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key })
      : undefined;
    const server = new WebSocketServer({
      ...(https ? { server: https } : { host: options.host, port: options.port }),
      maxPayload: 256 * 1024 * 1024,
    });
    const listening = https ?? server;
    if (https) https.listen(options.port, options.host);
    await new Promise<void>((resolve, reject) => {
      listening.once('listening', resolve);
      listening.once('error', (error: Error) =>
        reject(
          new RedlineError(
            'E_DISTRIBUTED_LISTEN',
            `cannot listen on ${options.host}:${options.port}: ${error.message}`,
            {
              exitCode: ExitCode.Usage,
              hint: 'pick a free port with --listen HOST:PORT (port 0 = any free port)',
              cause: error,
            },
          ),
        ),
      );
    });
    return new DistributedController(options, server, https);
  }

  /** Where agents join (`host:port`). */
  get address(): string {
    const a = this.#https ? this.#https.address() : this.#server.address();
    if (typeof a === 'string' || a === null) return String(a);
    return `${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}`;
  }

  /** Aborted (with an engine AbortReason) when an agent is lost under the `abort` policy. */
  get signal(): AbortSignal {
    return this.#abort.signal;
  }

  /** The agents' outcomes so far (complete after the run). */
  summary(): DistributedSummary {
    const agents = this.#joined
      .filter((l) => l.index >= 0)
      .sort((a, b) => a.index - b.index)
      .map((l) => {
        const o: AgentOutcome = {
          index: l.index,
          segment: l.segment,
          host: l.host,
          pid: l.pid,
          status: l.outcome ?? 'completed',
          clockOffsetMs: round(l.offset.offsetMs),
          clockRttMs: round(l.offset.rttMs),
        };
        if (l.detail) o.detail = l.detail;
        if (l.startLateMs !== undefined) o.startLateMs = round(l.startLateMs);
        return o;
      });
    const lost = agents.filter((a) => a.status !== 'completed');
    return {
      testId: this.#options.testId,
      agents,
      sequence: this.#sequence,
      partial: lost.length > 0,
      lostSegments: lost.map((a) => a.segment),
      policy: this.#options.onAgentLoss,
    };
  }

  /** The scripted run's remote hook: waits for the agents, prepares them, hands out handles. */
  readonly launcher: RemoteLauncher = (remote) => this.#launch(remote);

  /** Closes every connection and the port. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#heartbeat);
    for (const l of this.#links) l.ws.close(1000, 'run over');
    await new Promise<void>((resolve) => {
      const force = setTimeout(() => {
        for (const l of this.#links) l.ws.terminate();
      }, 2000);
      this.#server.close(() => {
        clearTimeout(force);
        if (this.#https) this.#https.close(() => resolve());
        else resolve();
      });
    });
  }

  #accept(ws: WebSocket): void {
    const link = new AgentLink(ws);
    this.#links.add(link);
    const handshake = setTimeout(() => {
      if (link.state === 'handshake') this.#refuse(link, 'no hello within 10 s');
    }, HANDSHAKE_TIMEOUT_MS);
    ws.on('message', (data) => {
      link.lastSeen = performance.now();
      const message = decode(data);
      if (message) this.#onMessage(link, message);
    });
    ws.on('close', () => {
      clearTimeout(handshake);
      this.#links.delete(link);
      this.#lost(link, 'its connection closed');
    });
    ws.on('error', () => {
      // 'close' follows.
    });
    link.send({
      type: 'challenge',
      v: PROTOCOL_VERSION,
      testId: this.#options.testId,
      nonce: link.nonce,
    });
  }

  #refuse(link: AgentLink, reason: string): void {
    this.#options.log(`refused an agent (${link.host} pid ${link.pid}): ${reason}`);
    link.send({ type: 'refused', reason });
    link.state = 'ended';
    link.ws.close(4001, reason.slice(0, 100));
  }

  #onMessage(link: AgentLink, message: Message): void {
    if (link.state === 'handshake') {
      if (message.type === 'hello') this.#hello(link, message);
      else this.#refuse(link, 'the first frame must be hello');
      return;
    }
    if (link.state === 'ended') return;
    switch (message.type) {
      case 'pong':
        link.onPong?.({ t1: message.t1, t2: message.t2, t3: monotonicEpochMs() });
        return;
      case 'ping':
        link.send({ type: 'pong', t1: message.t1, t2: monotonicEpochMs() });
        return;
      case 'ready':
      case 'failed':
        link.onReady?.(message);
        return;
      case 'started':
        link.startLateMs = message.lateMs;
        return;
      case 'report': {
        const report = message.report;
        const local = report.snapshot.shard;
        if (!Number.isInteger(local) || local < 0 || local >= link.shards) return;
        if (report.final) link.finals.add(local);
        report.snapshot.shard = link.shardBase + local;
        link.deliver(report);
        return;
      }
      case 'done':
        if (message.interrupted) {
          link.outcome = 'interrupted';
          link.detail = 'the agent was interrupted (SIGINT/SIGTERM) before its part ended';
        }
        link.state = 'ended';
        link.settleDone();
        return;
      default:
        return;
    }
  }

  #hello(link: AgentLink, hello: Extract<Message, { type: 'hello' }>): void {
    link.host = String(hello.host).slice(0, 100);
    link.pid = Number(hello.pid) || 0;
    const n = this.#options.agents;
    if (hello.v !== PROTOCOL_VERSION)
      return this.#refuse(
        link,
        `protocol version ${hello.v}, this controller speaks ${PROTOCOL_VERSION}`,
      );
    if (hello.testId !== undefined && hello.testId !== this.#options.testId)
      return this.#refuse(
        link,
        `the agent belongs to test ${hello.testId}; this controller runs test ${this.#options.testId}`,
      );
    const expected = proof(
      this.#options.token,
      'agent',
      this.#options.testId,
      link.nonce,
      hello.nonce,
    );
    if (!proofMatches(expected, hello.proof))
      return this.#refuse(
        link,
        'authentication failed (the agent does not hold this test’s token)',
      );
    if (hello.index !== undefined) {
      if (!Number.isInteger(hello.index) || hello.index < 0 || hello.index >= n)
        return this.#refuse(link, `agent index ${hello.index} is outside 0..${n - 1}`);
      if (this.#joined.some((l) => l.requested === hello.index))
        return this.#refuse(
          link,
          `agent index ${hello.index} is already taken (a duplicated agent)`,
        );
    }
    if (this.#joined.length >= n || this.#sequence !== '')
      return this.#refuse(link, `the test already has its ${n} agents`);
    link.requested = hello.index;
    link.state = 'joined';
    this.#joined.push(link);
    link.send({
      type: 'welcome',
      proof: proof(
        this.#options.token,
        'controller',
        this.#options.testId,
        hello.nonce,
        link.nonce,
      ),
      heartbeatTimeoutMs: this.#options.heartbeatTimeoutMs,
    });
    this.#options.log(
      `agent joined: ${link.host} pid ${link.pid}${hello.index !== undefined ? ` (index ${hello.index})` : ''} — ${this.#joined.length}/${n}`,
    );
    if (this.#joined.length === n) for (const w of this.#waiters.splice(0)) w();
  }

  /** Heartbeat: pings every joined agent and declares the silent ones lost. */
  #beat(): void {
    const now = performance.now();
    // A late beat means this process was stalled: the agents' silence is not theirs to blame.
    const stalled = now - this.#lastBeat > this.#options.heartbeatTimeoutMs / 2;
    this.#lastBeat = now;
    for (const link of this.#links) {
      if (link.state === 'handshake' || link.state === 'ended') continue;
      if (stalled) link.lastSeen = now;
      link.send({ type: 'ping', t1: monotonicEpochMs() });
      // Preparing may block an agent's event loop for long (VU init); the prepare wait bounds it.
      if (link.state === 'preparing') continue;
      const silentMs = now - link.lastSeen;
      if (silentMs > this.#options.heartbeatTimeoutMs)
        this.#lost(link, `no heartbeat for ${Math.round(silentMs / 1000)} s`);
    }
  }

  /** An agent's connection ended or went silent. */
  #lost(link: AgentLink, why: string): void {
    if (link.state === 'ended' || link.state === 'handshake') {
      link.state = 'ended';
      return;
    }
    const before = link.state;
    link.state = 'ended';
    link.ws.terminate();
    if (before === 'joined' && this.#sequence === '') {
      // Not given work yet: its place is free for another agent.
      this.#joined = this.#joined.filter((l) => l !== link);
      this.#options.log(`agent left before the start: ${link.host} pid ${link.pid} (${why})`);
      return;
    }
    link.outcome = 'lost';
    link.detail = why;
    const text = `${link.name} lost: ${why}; its segment's results after this point are missing (the result is partial)`;
    this.#options.log(text);
    link.onReady?.({
      type: 'failed',
      message: `${link.name} lost: ${why}`,
      exitCode: ExitCode.AgentLost,
    });
    for (let s = 0; s < link.shards; s++) {
      if (link.finals.has(s)) continue;
      link.finals.add(s);
      // The warning was printed above at once; the summary's PARTIAL RESULT line repeats it.
      link.deliver(emptyShardReport(link.shardBase + s, { final: true, warnings: [] }));
    }
    link.settleDone();
    if (this.#options.onAgentLoss === 'abort' && !this.#abort.signal.aborted)
      this.#abort.abort({
        reason: 'error',
        detail: `${link.name} lost: ${why} (--on-agent-loss abort)`,
      });
  }

  #waitForAgents(): Promise<void> {
    const n = this.#options.agents;
    if (this.#joined.length === n) return Promise.resolve();
    this.#options.log(
      `waiting for ${n} agents on ${this.address} (redline agent --join ${this.address})`,
    );
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(
          new RedlineError(
            'E_DISTRIBUTED_AGENTS',
            `only ${this.#joined.length} of ${n} agents joined within ${Math.round(this.#options.agentWaitMs / 1000)} s`,
            {
              exitCode: ExitCode.Unavailable,
              hint: `start the agents with: redline agent --join ${this.address} --agent-token-file FILE (or raise --agent-wait)`,
            },
          ),
        );
      }, this.#options.agentWaitMs);
      this.#waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  async #measureClock(link: AgentLink): Promise<void> {
    const samples: ClockSample[] = [];
    for (let i = 0; i < CLOCK_PROBES && link.state !== 'ended'; i++) {
      const sample = await new Promise<ClockSample | undefined>((resolve) => {
        const timer = setTimeout(() => resolve(undefined), 2000);
        link.onPong = (s) => {
          clearTimeout(timer);
          resolve(s);
        };
        link.send({ type: 'ping', t1: monotonicEpochMs() });
      });
      if (sample) samples.push(sample);
    }
    link.onPong = undefined;
    if (samples.length > 0) link.offset = estimateOffset(samples);
  }

  async #launch(remote: RemotePlan): Promise<LaunchedShards> {
    await this.#waitForAgents();
    const n = this.#options.agents;
    const { sequence, segments } = segmentsOf(n, this.#options.segmentSequence);
    this.#sequence = sequence;
    // Agents that asked for an index keep it; the others take the free ones in join order.
    const free = Array.from({ length: n }, (_, i) => i).filter(
      (i) => !this.#joined.some((l) => l.requested === i),
    );
    for (const link of this.#joined) {
      link.index = link.requested ?? (free.shift() as number);
      link.segment = segments[link.index] as string;
    }
    const links = [...this.#joined].sort((a, b) => a.index - b.index);
    const archive: AgentArchive = await buildArchive(remote);
    await Promise.all(links.map((l) => this.#measureClock(l)));
    const prepared = await Promise.all(links.map((l) => this.#prepare(l, archive, remote)));
    const failed = prepared.find((m) => m.type === 'failed');
    if (failed && failed.type === 'failed') {
      for (const l of links) l.send({ type: 'stop' });
      throw new RedlineError('E_DISTRIBUTED_PREPARE', failed.message, {
        exitCode: toExitCode(failed.exitCode),
        hint: 'the agent’s own output has the details',
      });
    }
    let base = 0;
    for (const l of links) {
      l.shardBase = base;
      base += l.shards;
      l.state = l.state === 'ended' ? 'ended' : 'running';
    }
    const maxRtt = Math.max(0, ...links.map((l) => l.offset.rttMs));
    const spread = links.map(
      (l) => `${l.index}: ${round(l.offset.offsetMs)}±${round(l.offset.rttMs / 2)} ms`,
    );
    this.#options.log(`all ${n} agents ready (clock offsets ${spread.join(', ')})`);
    return {
      shards: base,
      // Long enough for the start frame to reach every agent, with margin for a busy host.
      startDelayMs: Math.max(250, Math.ceil(maxRtt * 4)),
      start: async (emit) =>
        links.map((l): ShardHandle => {
          l.setEmit(emit);
          return {
            done: l.done,
            start: (loadStart) =>
              l.send({ type: 'start', atAgentMs: toAgentClock(loadStart, l.offset) }),
            stop: () => l.send({ type: 'stop' }),
          };
        }),
    };
  }

  #prepare(link: AgentLink, archive: AgentArchive, remote: RemotePlan): Promise<Message> {
    if (link.state === 'ended')
      return Promise.resolve({
        type: 'failed',
        message: `${link.name} left before the start`,
        exitCode: ExitCode.AgentLost,
      });
    const work: AgentWork = {
      plan: {
        ...remote.plan,
        options: {
          ...remote.plan.options,
          executionSegment: link.segment,
          executionSegmentSequence: this.#sequence,
        },
      },
      setupData: remote.setupData,
      env: remote.env,
      perVuInit: remote.perVuInit,
      intervalMs: remote.intervalMs,
    };
    link.state = 'preparing';
    return new Promise<Message>((resolve) => {
      const timer = setTimeout(
        () =>
          this.#lost(link, `not ready within ${Math.round(this.#options.agentWaitMs / 1000)} s`),
        this.#options.agentWaitMs,
      );
      link.onReady = (m) => {
        clearTimeout(timer);
        link.onReady = undefined;
        if (m.type === 'ready') {
          link.shards = Math.max(0, Math.floor(m.shards));
          link.state = 'ready';
          link.lastSeen = performance.now();
        }
        resolve(m);
      };
      link.send({ type: 'prepare', index: link.index, archive, work });
    });
  }
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}

function toExitCode(code: number): (typeof ExitCode)[keyof typeof ExitCode] {
  const known = Object.values(ExitCode) as number[];
  return (
    known.includes(code) ? code : ExitCode.Internal
  ) as (typeof ExitCode)[keyof typeof ExitCode];
}
