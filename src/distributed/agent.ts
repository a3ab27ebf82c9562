/**
 * An agent of a distributed run (`redline agent --join HOST:PORT`): joins the controller, checks
 * that the controller holds the shared token before accepting any work, runs its execution
 * segment on local shards (the same script shards as `redline run`), forwards their per-second
 * reports, and stops by itself when the controller goes away (connection closed, or silent past
 * the heartbeat timeout).
 */
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import WebSocket from 'ws';
import { type ShardHandle, scriptShardSpecs, startShards } from '../engine/index.js';
import { ExitCode, type ExitCodeValue } from '../errors/exit-codes.js';
import { RedlineError } from '../errors/redline-error.js';
import { addRedactedNames } from '../util/redact.js';
import { type UnpackedArchive, unpackArchive } from './archive.js';
import {
  decode,
  encode,
  type Message,
  monotonicEpochMs,
  nonce,
  PROTOCOL_VERSION,
  type PrepareMessage,
  proof,
  proofMatches,
} from './protocol.js';

/** Options of {@link runAgent}. */
export interface AgentOptions {
  /** `host:port` of the controller. */
  join: string;
  token: string;
  /** The segment index to ask for (`--agent-index`, `JOB_COMPLETION_INDEX`). */
  index?: number;
  /** Refuse a controller running another test. */
  testId?: string;
  /** Local shards (worker threads) for this agent's segment. */
  workers: number;
  /** How long to keep trying to reach the controller, ms. */
  joinTimeoutMs: number;
  /** Stops the agent (SIGINT/SIGTERM): its shards stop and report, the controller is told. */
  signal?: AbortSignal;
  /** Progress lines (stderr). */
  log: (line: string) => void;
  /** Join over TLS (wss://); `ca`: the PEM to trust instead of the system's CAs. */
  tls?: { ca?: string };
}

/** Heartbeat timeout before the controller's welcome tells the real one, ms. */
const DEFAULT_HEARTBEAT_TIMEOUT_MS = 5000;
/** After a stop, how long the shards get to deliver their final reports, ms. */
const STOP_GRACE_MS = 5000;

/** Runs one agent to the end; resolves with the process exit code. */
export async function runAgent(options: AgentOptions): Promise<ExitCodeValue> {
  const { ws, early } = await connect(options);
  return new Promise<ExitCodeValue>((resolve) => {
    const myNonce = nonce();
    let challenge: Extract<Message, { type: 'challenge' }> | undefined;
    let authenticated = false;
    let heartbeatTimeoutMs = DEFAULT_HEARTBEAT_TIMEOUT_MS;
    let lastSeen = performance.now();
    let lastCheck = performance.now();
    let handles: ShardHandle[] = [];
    let unpacked: UnpackedArchive | undefined;
    let started = false;
    let stopping = false;
    let finished = false;
    /** Set when the agent ends for a reason of its own (controller gone, a signal). */
    let endingEarly = false;
    const send = (m: Message) => {
      if (ws.readyState === ws.OPEN) ws.send(encode(m));
    };
    const finish = async (code: ExitCodeValue, line?: string) => {
      if (finished) return;
      finished = true;
      clearInterval(watchdog);
      options.signal?.removeEventListener('abort', onSignal);
      if (line) options.log(line);
      await unpacked?.dispose().catch(() => undefined);
      ws.close(1000);
      setTimeout(() => ws.terminate(), 1000).unref();
      resolve(code);
    };
    /** Stops local shards and waits (bounded) for their final reports. */
    const stopShards = async () => {
      if (stopping) return;
      stopping = true;
      for (const h of handles) h.stop();
      await Promise.race([
        Promise.all(handles.map((h) => h.done)),
        new Promise((r) => setTimeout(r, STOP_GRACE_MS).unref()),
      ]);
    };
    const controllerGone = async (why: string) => {
      if (finished || endingEarly) return;
      endingEarly = true;
      await stopShards();
      for (const h of handles) h.terminate?.();
      await finish(
        ExitCode.Interrupted,
        `redline agent: the controller is gone (${why}); stopped this agent's part`,
      );
    };
    const onSignal = () => {
      if (finished || endingEarly) return;
      endingEarly = true;
      void (async () => {
        await stopShards();
        send({ type: 'done', interrupted: true });
        await finish(ExitCode.Interrupted, 'redline agent: interrupted; the controller was told');
      })();
    };
    options.signal?.addEventListener('abort', onSignal, { once: true });
    const watchdog = setInterval(() => {
      const now = performance.now();
      // A late check means this process was stalled, not that the controller was silent.
      if (now - lastCheck > heartbeatTimeoutMs / 2) lastSeen = now;
      lastCheck = now;
      if (authenticated && now - lastSeen > heartbeatTimeoutMs)
        void controllerGone(`no heartbeat for ${Math.round((now - lastSeen) / 1000)} s`);
    }, 500);

    const prepare = async (message: PrepareMessage) => {
      try {
        unpacked = await unpackArchive(message.archive);
        const { work } = message;
        addRedactedNames(work.plan.options.redactParams ?? []);
        const workers = Math.max(1, options.workers);
        const specs = scriptShardSpecs(workers, {
          bundleUrl: unpacked.bundleUrl,
          scriptDir: dirname(message.archive.scriptPath),
          plan: work.plan,
          setupData: work.setupData,
          env: { ...(process.env as Record<string, string>), ...work.env },
          intervalMs: work.intervalMs,
          perVuInit: work.perVuInit,
          fileMap: unpacked.fileMap,
        });
        handles = await startShards(specs, (report) => send({ type: 'report', report }));
        options.log(
          `redline agent: index ${message.index}, segment ${work.plan.options.executionSegment} of ${work.plan.options.executionSegmentSequence}: ready (${workers} shard${workers === 1 ? '' : 's'})`,
        );
        send({ type: 'ready', shards: workers });
        void Promise.all(handles.map((h) => h.done)).then(() => {
          if (finished || endingEarly) return;
          send({ type: 'done' });
          void finish(ExitCode.Ok, `redline agent: part ${message.index} done`);
        });
      } catch (error) {
        const exitCode =
          error instanceof RedlineError
            ? error.exitCode
            : (ExitCode.ScriptException as ExitCodeValue);
        const text = error instanceof Error ? error.message : String(error);
        send({ type: 'failed', message: `agent ${message.index}: ${text}`, exitCode });
        await finish(exitCode, `redline agent: cannot run its part: ${text}`);
      }
    };

    const onFrame = (data: unknown) => {
      lastSeen = performance.now();
      const message = decode(data);
      if (!message || finished) return;
      if (!authenticated) {
        if (message.type === 'challenge' && !challenge) {
          challenge = message;
          if (message.v !== PROTOCOL_VERSION)
            return void finish(
              ExitCode.InvalidConfig,
              `redline agent: the controller speaks protocol ${message.v}, this agent ${PROTOCOL_VERSION}`,
            );
          if (options.testId !== undefined && message.testId !== options.testId)
            return void finish(
              ExitCode.InvalidConfig,
              `redline agent: refused: the controller runs test ${message.testId}, this agent belongs to ${options.testId}`,
            );
          const hello: Message = {
            type: 'hello',
            v: PROTOCOL_VERSION,
            nonce: myNonce,
            proof: proof(options.token, 'agent', message.testId, message.nonce, myNonce),
            host: hostname(),
            pid: process.pid,
            ...(options.index !== undefined ? { index: options.index } : {}),
            ...(options.testId !== undefined ? { testId: options.testId } : {}),
          };
          return send(hello);
        }
        if (message.type === 'welcome' && challenge) {
          const expected = proof(
            options.token,
            'controller',
            challenge.testId,
            myNonce,
            challenge.nonce,
          );
          if (!proofMatches(expected, message.proof))
            return void finish(
              ExitCode.InvalidConfig,
              'redline agent: refused the controller: it could not prove it holds the token',
            );
          authenticated = true;
          heartbeatTimeoutMs = Math.max(
            1000,
            Number(message.heartbeatTimeoutMs) || heartbeatTimeoutMs,
          );
          options.log(`redline agent: joined test ${challenge.testId} at ${options.join}`);
          return;
        }
        if (message.type === 'refused')
          return void finish(
            ExitCode.InvalidConfig,
            `redline agent: refused by the controller: ${message.reason}`,
          );
        // Nothing else is accepted before the controller proved the token.
        return;
      }
      switch (message.type) {
        case 'ping':
          return send({ type: 'pong', t1: message.t1, t2: monotonicEpochMs() });
        case 'prepare':
          if (handles.length === 0 && !unpacked) void prepare(message);
          return;
        case 'start': {
          if (started || handles.length === 0) return;
          started = true;
          const at = message.atAgentMs;
          for (const h of handles) h.start(at);
          setTimeout(
            () => send({ type: 'started', lateMs: monotonicEpochMs() - at }),
            Math.max(0, at - monotonicEpochMs()),
          );
          return;
        }
        case 'stop':
          if (!started) {
            // Another agent failed to prepare, or the run was stopped before its start.
            for (const h of handles) h.terminate?.();
            return void finish(
              ExitCode.Interrupted,
              'redline agent: stopped by the controller before the start',
            );
          }
          void stopShards();
          return;
        case 'refused':
          return void finish(
            ExitCode.InvalidConfig,
            `redline agent: refused by the controller: ${message.reason}`,
          );
        default:
          return;
      }
    };
    // Frames that arrived while connecting (the challenge comes at once), then the live ones.
    ws.removeAllListeners('message');
    for (const data of early.splice(0)) onFrame(data);
    ws.on('message', onFrame);
    ws.on('close', () => {
      if (finished) return;
      if (!authenticated)
        return void finish(
          ExitCode.InvalidConfig,
          'redline agent: the controller closed the connection before accepting this agent',
        );
      void controllerGone('its connection closed');
    });
    ws.on('error', () => {
      // 'close' follows.
    });
  });
}

/**
 * Connects to the controller, retrying until `joinTimeoutMs` (the controller may start later).
 * Frames arriving before the caller listens are kept in `early`.
 */
async function connect(options: AgentOptions): Promise<{ ws: WebSocket; early: unknown[] }> {
  const deadline = performance.now() + options.joinTimeoutMs;
  let lastError = '';
  while (performance.now() < deadline && !options.signal?.aborted) {
    const ws = new WebSocket(`${options.tls ? 'wss' : 'ws'}://${options.join}/`, {
      maxPayload: 256 * 1024 * 1024,
      ...(options.tls?.ca ? { ca: options.tls.ca } : {}),
    });
    const early: unknown[] = [];
    ws.on('message', (data) => early.push(data));
    const opened = await new Promise<boolean>((resolve) => {
      ws.once('open', () => resolve(true));
      ws.once('error', (error) => {
        lastError = error.message;
        resolve(false);
      });
    });
    if (opened) return { ws, early };
    ws.terminate();
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new RedlineError(
    'E_AGENT_JOIN',
    `cannot reach the controller at ${options.join} within ${Math.round(options.joinTimeoutMs / 1000)} s${lastError ? ` (${lastError})` : ''}`,
    {
      exitCode: ExitCode.TargetUnreachable,
      hint: 'start `redline run script.js --agents N --listen HOST:PORT` first, or raise --join-timeout',
    },
  );
}
