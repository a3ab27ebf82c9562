/** Step-by-step progress of an audit on stderr: what each step measures, then what it found. */
import { formatDuration } from '../util/duration.js';
import type { AuditConfig } from './config/types.js';

/** Receives the audit's progress lines. */
export interface AuditProgress {
  /** A step starts: its number, name and what is being measured. */
  step(name: string, what: string): void;
  /** A result line of the current step. */
  result(text: string): void;
  /** A plain note (start-up, files written). */
  note(text: string): void;
  /** Something the user should know (a step skipped, a tool missing). */
  warn(text: string): void;
}

/** Progress that writes lines through `write` (e.g. to stderr), numbering steps `[n/total]`. */
export function createProgress(write: (line: string) => void, total: number): AuditProgress {
  let n = 0;
  const started = performance.now();
  const clock = () => formatDuration(Math.round((performance.now() - started) / 1000) * 1000);
  return {
    step(name, what) {
      n++;
      write(`[${n}/${total}] ${name} (at ${clock()}): ${what}`);
    },
    result(text) {
      write(`      → ${text}`);
    },
    note(text) {
      write(`redline: ${text}`);
    },
    warn(text) {
      write(`redline: warning: ${text}`);
    },
  };
}

/** Progress that prints nothing (library use, tests). */
export const SILENT_PROGRESS: AuditProgress = {
  step() {},
  result() {},
  note() {},
  warn() {},
};

/** Number of progress steps an audit of `config` announces (enabled steps plus the findings step). */
export function countProgressSteps(config: AuditConfig): number {
  const s = config.steps;
  const enabled = [s.baseline, s.load, s.peak, s.stress, s.spike, s.soak, s.profile].filter(
    (x) => x.enabled,
  ).length;
  const db = s.db.enabled && config.database?.url ? 1 : 0;
  return enabled + db + 1;
}
