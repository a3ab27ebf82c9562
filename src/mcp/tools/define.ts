/**
 * How every tool is registered: input and output schemas, then one wrapper that applies the
 * cross-cutting rules — a long-run slot for heavy tools, progress notifications, secrets redacted
 * from every result, errors and refusals as tool errors an agent can read and act on, and one
 * line in the call log per call whatever happened.
 */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type {
  CallToolResult,
  ServerNotification,
  ServerRequest,
  ToolAnnotations,
} from '@modelcontextprotocol/sdk/types.js';
import * as z from 'zod';
import { formatPosition } from '../../errors/redline-error.js';
import { redactText } from '../../util/redact.js';
import type { CallLog, CallOutcome } from '../call-log.js';
import type { McpConfig } from '../config.js';
import { errorData } from '../errors.js';
import type { GuardRails } from '../guard/guard-rails.js';
import { REFUSED_CODE } from '../guard/refusal.js';
import { redactStrings } from '../redact-result.js';
import type { ResultStore } from '../results.js';

/** What every tool can use (shared by all sessions of one server). */
export interface ToolDeps {
  config: McpConfig;
  rails: GuardRails;
  store: ResultStore;
  log: CallLog;
}

/** The per-call context a tool runs with. */
export interface ToolContext extends ToolDeps {
  /** Aborted when the client cancels the call (or the server stops). */
  signal: AbortSignal;
  /** Sends a progress notification (when the client asked for them); `total` in seconds. */
  progress(message: string, total?: number): void;
  /** Records a file or folder the call wrote (for the call log). */
  wrote(path: string): void;
}

/** What a tool returns: a short text for people and the structured data for programs. */
export interface ToolOutput {
  summary: string;
  data: Record<string, unknown>;
}

type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/** A tool's definition. */
export interface ToolSpec<I extends z.ZodRawShape> {
  name: string;
  title: string;
  description: string;
  input: I;
  output?: z.ZodRawShape;
  annotations: ToolAnnotations;
  /** Heavy tools take one of the `limits.concurrentRuns` slots while they run. */
  long?: boolean;
  run(args: z.infer<z.ZodObject<I>>, context: ToolContext): Promise<ToolOutput>;
}

/** Renders an error for an agent: what, where, every problem, how to fix, and its code. */
export function describeError(error: unknown): string {
  const data = errorData(error);
  const lines = [data.message];
  if (data.position) lines.push(`at ${formatPosition(data.position)}`);
  for (const problem of data.problems ?? []) lines.push(`- ${problem}`);
  if (data.hint) lines.push(`hint: ${data.hint}`);
  lines.push(`(code ${data.code})`);
  return lines.join('\n');
}

function progressReporter(extra: Extra, started: number): ToolContext['progress'] {
  const token = extra._meta?.progressToken;
  let last = 0;
  return (message, total) => {
    if (token === undefined) return;
    // Progress must increase: elapsed seconds (0.1 s steps), nudged when two reports share a step.
    const elapsed = Math.max(last + 0.1, Math.round((performance.now() - started) / 100) / 10);
    last = Math.round(elapsed * 10) / 10;
    void extra
      .sendNotification({
        method: 'notifications/progress',
        params: {
          progressToken: token,
          progress: last,
          ...(total !== undefined && total >= last ? { total } : {}),
          message,
        },
      })
      .catch(() => {});
  };
}

/** Registers `spec` on `server` with the shared wrapper. */
export function defineTool<I extends z.ZodRawShape>(
  server: McpServer,
  deps: ToolDeps,
  spec: ToolSpec<I>,
): void {
  const secrets = deps.config.secrets;
  const handler = async (args: z.infer<z.ZodObject<I>>, extra: Extra): Promise<CallToolResult> => {
    const started = performance.now();
    const time = new Date().toISOString();
    const files: string[] = [];
    let outcome: CallOutcome = 'ok';
    let failure: { code: string; message: string } | undefined;
    let release: (() => void) | undefined;
    try {
      if (spec.long) release = deps.rails.acquireRunSlot(spec.name);
      const output = await spec.run(args, {
        ...deps,
        signal: extra.signal,
        progress: progressReporter(extra, started),
        wrote: (path) => files.push(path),
      });
      if (extra.signal.aborted) outcome = 'cancelled';
      const data = redactStrings(output.data, { secrets });
      return {
        content: [
          { type: 'text', text: redactText(output.summary, { secrets }) },
          { type: 'text', text: JSON.stringify(data) },
        ],
        ...(spec.output ? { structuredContent: data } : {}),
      };
    } catch (error) {
      const data = errorData(error);
      outcome = extra.signal.aborted
        ? 'cancelled'
        : data.code === REFUSED_CODE
          ? 'refused'
          : 'error';
      failure = { code: data.code, message: data.message };
      return {
        content: [{ type: 'text', text: redactText(describeError(error), { secrets }) }],
        isError: true,
      };
    } finally {
      release?.();
      await deps.log.append({
        time,
        tool: spec.name,
        ...(extra.sessionId ? { session: extra.sessionId } : {}),
        arguments: args,
        outcome,
        ...(failure ? { error: failure } : {}),
        durationMs: Math.round(performance.now() - started),
        ...(files.length > 0 ? { files } : {}),
      });
    }
  };
  server.registerTool(
    spec.name,
    {
      title: spec.title,
      description: spec.description,
      inputSchema: spec.input,
      // Loose: results may carry more fields than the schema names (it documents, not restricts).
      ...(spec.output ? { outputSchema: z.looseObject(spec.output) } : {}),
      annotations: spec.annotations,
    },
    handler as never,
  );
}
