// Ground truth of the calibration corpus (test/fixtures/calibration/<case>/truth.json).
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The corpus root. */
export const CORPUS_DIR = resolve(import.meta.dirname, '../fixtures/calibration');

/** One case's truth file: what is planted, where, and what must (not) be raised. */
export interface CaseTruth {
  case: string;
  /** Which part of Redline judges it. */
  kind: 'profiler' | 'probe' | 'db-postgres' | 'db-mariadb' | 'profile-file' | 'report';
  planted: string;
  where: { file: string; marker?: string; line?: number } | null;
  /** Rule ids that must be raised, or "healthy" (nothing of severity medium or above). */
  expected: string[] | 'healthy';
  /** Rule ids that must stay silent (the false alarm this case guards against). */
  mustNotRaise?: string[];
  /** Phrases no finding may contain (e.g. PostgreSQL-only advice on MariaDB). */
  mustNotSay?: string[];
  why: string;
  /** The expected finding must be located at the `where` marker's line of `where.file`. */
  checkLine?: boolean;
  /**
   * How a profiler or probe case is driven: closed-loop load, one request every 200 ms
   * (trickle), a constant arrival rate (open model), or a bounded number of requests with
   * `{i}` in the path replaced by the request's number (probe).
   */
  run?: {
    load: 'closed' | 'trickle' | 'rate' | 'probe';
    connections?: number;
    /** Requests per second (rate). */
    rate?: number;
    /** Request path (probe; default /). */
    path?: string;
    /** Requests to send (probe). */
    requests?: number;
    durationMs: number;
    capture?: { heapCheckIntervalMs?: number };
  };
}

/** A text file of a case. */
export function readCaseFile(name: string, file: string): string {
  return readFileSync(join(CORPUS_DIR, name, file), 'utf8').trim();
}

/** The statements of a database case's setup.sql (one per `;` at a line end). */
export function setupStatements(name: string): string[] {
  return readCaseFile(name, 'setup.sql')
    .split(/;\s*\n/)
    .map((s) => s.replace(/;\s*$/, '').trim())
    .filter(Boolean);
}

/** Reads one case's truth.json. */
export function readTruth(name: string): CaseTruth {
  return JSON.parse(readFileSync(join(CORPUS_DIR, name, 'truth.json'), 'utf8')) as CaseTruth;
}

/** Every case in the corpus. */
export function allCases(): CaseTruth[] {
  return readdirSync(CORPUS_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => readTruth(entry.name));
}

/** 1-based line of `marker` in a case's file. */
export function markerLine(name: string, file: string, marker: string): number {
  return (
    readFileSync(join(CORPUS_DIR, name, file), 'utf8')
      .split('\n')
      .findIndex((line) => line.includes(marker)) + 1
  );
}
