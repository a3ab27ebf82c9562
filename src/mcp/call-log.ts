/**
 * The tool-call log of `redline mcp`: one JSON line per call (time, tool, arguments with secrets
 * redacted, outcome, duration, files written), appended in call order to the file the config
 * names (default `<results>/mcp-calls.jsonl`). Refusals by the guard rails are logged too.
 */
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { redactDeep, redactText } from '../util/redact.js';

/** How a call ended. */
export type CallOutcome = 'ok' | 'error' | 'refused' | 'cancelled';

/** One logged call. */
export interface CallLogEntry {
  /** ISO time the call started. */
  time: string;
  tool: string;
  /** HTTP session id (Streamable HTTP), absent over stdio. */
  session?: string;
  /** The arguments, redacted. */
  arguments: unknown;
  outcome: CallOutcome;
  /** Error code and message, when the call failed or was refused. */
  error?: { code: string; message: string };
  durationMs: number;
  /** Files the call wrote (result JSON, profile folder, report). */
  files?: string[];
}

/** Appends entries to one file, in order, creating its folder on first use. */
export class CallLog {
  readonly path: string;
  readonly #secrets: readonly string[];
  #queue: Promise<void> = Promise.resolve();
  #created = false;

  constructor(path: string, secrets: readonly string[] = []) {
    this.path = path;
    this.#secrets = secrets;
  }

  /** Creates the folder and appends nothing: throws when the log cannot be written. */
  async check(): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    await appendFile(this.path, '');
    this.#created = true;
  }

  /** Queues one entry (arguments and error text are redacted here). */
  append(entry: CallLogEntry): Promise<void> {
    // The arguments are the agent's (headers, env, SQL): redacted by value and by field name. The
    // entry's own fields (session id, outcome) are not secrets and keep their values.
    const options = { secrets: this.#secrets };
    const safe: CallLogEntry = {
      ...entry,
      arguments: redactDeep(entry.arguments, options),
      ...(entry.error
        ? { error: { code: entry.error.code, message: redactText(entry.error.message, options) } }
        : {}),
      ...(entry.files ? { files: entry.files.map((f) => redactText(f, options)) } : {}),
    };
    this.#queue = this.#queue
      .then(async () => {
        if (!this.#created) {
          await mkdir(dirname(this.path), { recursive: true });
          this.#created = true;
        }
        await appendFile(this.path, `${JSON.stringify(safe)}\n`);
      })
      .catch((error: unknown) => {
        // The server checked the file at start; a later failure is reported, not fatal to the call.
        this.#created = false;
        process.stderr.write(
          `redline mcp: cannot write the call log ${this.path}: ${(error as Error).message}\n`,
        );
      });
    return this.#queue;
  }
}
