/**
 * The results folder of `redline mcp`: one sub-folder per long tool call (load test, profile,
 * audit, validation), each with a manifest (`redline-mcp.json`: id, kind, status, target, files)
 * written when the call starts and updated when it ends, so a cancelled or failed call leaves a
 * record next to whatever partial files it wrote. `list_results`, `read_report` and the resources
 * read this folder.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ExitCode } from '../errors/exit-codes.js';
import { RedlineError } from '../errors/redline-error.js';

/** Manifest file name in each entry's folder. */
export const MANIFEST = 'redline-mcp.json';

/** What kind of call produced an entry. */
export type ResultKind = 'run' | 'profile' | 'audit' | 'validation';

/** Where an entry stands. */
export type ResultStatus = 'running' | 'completed' | 'interrupted' | 'failed';

/** The manifest of one entry. */
export interface ResultEntry {
  id: string;
  kind: ResultKind;
  tool: string;
  status: ResultStatus;
  /** ISO times. */
  startedAt: string;
  endedAt?: string;
  /** The URL, script or command the call was about (redacted by the caller). */
  target: string;
  /** Files of the entry, relative to its folder (`result.json`, `profile/`, `report.md`, ...). */
  files: Record<string, string>;
  /** A few headline figures, copied from the result (same numbers). */
  headline?: Record<string, number | string>;
  /** Why it stopped, when it did not complete (cancelled, a limit, an error code). */
  note?: string;
}

function stamp(date: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}${p(date.getMonth() + 1)}${p(date.getDate())}-${p(date.getHours())}${p(date.getMinutes())}${p(date.getSeconds())}`;
}

function slug(text: string): string {
  return (
    text
      .replace(/^[a-z]+:\/\//i, '')
      .replace(/[^A-Za-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40) || 'target'
  );
}

/** The results folder. */
export class ResultStore {
  readonly root: string;

  constructor(root: string) {
    this.root = root;
  }

  /** Creates an entry (folder and manifest with status `running`). */
  create(kind: ResultKind, tool: string, target: string): { entry: ResultEntry; dir: string } {
    const now = new Date();
    const id = `${stamp(now)}-${kind}-${slug(target)}-${randomBytes(2).toString('hex')}`;
    const dir = join(this.root, id);
    mkdirSync(dir, { recursive: true });
    const entry: ResultEntry = {
      id,
      kind,
      tool,
      status: 'running',
      startedAt: now.toISOString(),
      target,
      files: {},
    };
    this.save(entry);
    return { entry, dir };
  }

  /** Writes an entry's manifest. */
  save(entry: ResultEntry): void {
    writeFileSync(join(this.root, entry.id, MANIFEST), `${JSON.stringify(entry, null, 2)}\n`);
  }

  /** Marks an entry finished. */
  finish(entry: ResultEntry, status: ResultStatus, note?: string): void {
    entry.status = status;
    entry.endedAt = new Date().toISOString();
    if (note) entry.note = note;
    this.save(entry);
  }

  /** The folder of an entry. */
  dirOf(id: string): string {
    return join(this.root, id);
  }

  /** Every entry, newest first (folders without a readable manifest are skipped). */
  list(): ResultEntry[] {
    if (!existsSync(this.root)) return [];
    const entries: ResultEntry[] = [];
    for (const name of readdirSync(this.root, { withFileTypes: true })) {
      if (!name.isDirectory()) continue;
      const path = join(this.root, name.name, MANIFEST);
      try {
        entries.push(JSON.parse(readFileSync(path, 'utf8')) as ResultEntry);
      } catch {
        // not an entry of ours
      }
    }
    return entries.sort((a, b) =>
      a.startedAt < b.startedAt ? 1 : a.startedAt > b.startedAt ? -1 : 0,
    );
  }

  /** The entry with this id (or the newest, for `latest`); throws a clear error otherwise. */
  get(id: string): ResultEntry {
    const all = this.list();
    const entry = id === 'latest' ? all[0] : all.find((e) => e.id === id);
    if (!entry) {
      throw new RedlineError('MCP_NO_RESULT', `no result "${id}" in ${this.root}`, {
        exitCode: ExitCode.NoInput,
        hint:
          all.length > 0
            ? `list_results gives the ids; the newest is ${all[0]?.id}`
            : 'nothing has run yet: run_load_test, profile_service or audit_service write results here',
      });
    }
    return entry;
  }
}
