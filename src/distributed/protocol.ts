/**
 * The wire protocol between a distributed run's controller and its agents: JSON text frames over
 * one WebSocket per agent (docs/distributed.md lists every message). Authentication is mutual: both
 * sides prove they hold the shared token with an HMAC over both sides' fresh nonces and the test
 * id, so neither a replayed proof nor a controller without the token is accepted.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ShardReport } from '../engine/index.js';
import type { AgentArchive, AgentWork } from './archive.js';

/** Protocol version: both sides refuse a peer speaking another one. */
export const PROTOCOL_VERSION = 1;

/** Controller → agent, first frame: who is asking and a fresh nonce to sign. */
export interface ChallengeMessage {
  type: 'challenge';
  v: number;
  testId: string;
  nonce: string;
}

/** Agent → controller: its proof, its own nonce, what it asks for. */
export interface HelloMessage {
  type: 'hello';
  v: number;
  nonce: string;
  proof: string;
  /** The segment it asks for (`--agent-index`, `JOB_COMPLETION_INDEX`). */
  index?: number;
  /** The test it belongs to, when it was told (`--test-id`). */
  testId?: string;
  host: string;
  pid: number;
}

/** Controller → agent: accepted, with the controller's proof. */
export interface WelcomeMessage {
  type: 'welcome';
  proof: string;
  /** The heartbeat timeout both sides apply, ms. */
  heartbeatTimeoutMs: number;
}

/** Controller → agent: refused (the socket closes after it). */
export interface RefusedMessage {
  type: 'refused';
  reason: string;
}

/** Controller → agent: run this part (its segment is in `work.plan.options`). */
export interface PrepareMessage {
  type: 'prepare';
  index: number;
  archive: AgentArchive;
  work: AgentWork;
}

/** Agent → controller: prepared (shards booted, script imported). */
export interface ReadyMessage {
  type: 'ready';
  shards: number;
}

/** Agent → controller: it cannot run its part (init error, bad archive). */
export interface FailedMessage {
  type: 'failed';
  message: string;
  exitCode: number;
}

/** Controller → agent: release the load at this instant of the agent's own clock. */
export interface StartMessage {
  type: 'start';
  atAgentMs: number;
}

/** Agent → controller: how late its release timer fired, ms (its own clock). */
export interface StartedMessage {
  type: 'started';
  lateMs: number;
}

/** Controller → agent: stop now (abort, Ctrl-C, another agent lost under the abort policy). */
export interface StopMessage {
  type: 'stop';
}

/** Clock probe: `t1` the sender's clock; the reply adds `t2`, the replier's clock on receipt. */
export interface PingMessage {
  type: 'ping';
  t1: number;
}

/** Reply to {@link PingMessage}. */
export interface PongMessage {
  type: 'pong';
  t1: number;
  t2: number;
}

/** Agent → controller: one shard report (its shard index is the agent's local one). */
export interface ReportMessage {
  type: 'report';
  report: ShardReport;
}

/** Agent → controller: every shard delivered its final report. */
export interface DoneMessage {
  type: 'done';
  /** The agent was stopped by a signal of its own (its part did not run to the end). */
  interrupted?: boolean;
}

/** Any frame. */
export type Message =
  | ChallengeMessage
  | HelloMessage
  | WelcomeMessage
  | RefusedMessage
  | PrepareMessage
  | ReadyMessage
  | FailedMessage
  | StartMessage
  | StartedMessage
  | StopMessage
  | PingMessage
  | PongMessage
  | ReportMessage
  | DoneMessage;

/** Encodes a frame. */
export function encode(message: Message): string {
  return JSON.stringify(message);
}

/** Decodes a frame; undefined when it is not a protocol message. */
export function decode(data: unknown): Message | undefined {
  try {
    const text = typeof data === 'string' ? data : Buffer.from(data as Buffer).toString('utf8');
    const parsed = JSON.parse(text) as unknown;
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    if (typeof (parsed as { type?: unknown }).type !== 'string') return undefined;
    return parsed as Message;
  } catch {
    return undefined;
  }
}

/** A fresh random nonce (hex). */
export function nonce(): string {
  return randomBytes(16).toString('hex');
}

/** Who signs: the agent signs the controller's nonce, the controller the agent's. */
export type Signer = 'agent' | 'controller';

/**
 * The HMAC-SHA256 proof of `signer`: over its role, the test id, the peer's nonce (fresh, so no
 * replay) and its own nonce.
 */
export function proof(
  token: string,
  signer: Signer,
  testId: string,
  peerNonce: string,
  ownNonce: string,
): string {
  return createHmac('sha256', token)
    .update(`redline-${signer}\n${testId}\n${peerNonce}\n${ownNonce}`)
    .digest('hex');
}

/** Compares a received proof with the expected one in constant time. */
export function proofMatches(expected: string, received: unknown): boolean {
  if (typeof received !== 'string') return false;
  const a = Buffer.from(expected, 'hex');
  const b = Buffer.from(received, 'hex');
  return a.length === b.length && a.length > 0 && timingSafeEqual(a, b);
}

/** This process's clock for offsets and start instants: monotonic, on the epoch scale. */
export function monotonicEpochMs(): number {
  return performance.timeOrigin + performance.now();
}
