/** Runs the audit's db step on the probe's statements only, as the audit does (silent). */
import { SILENT_PROGRESS } from '../../src/audit/progress.js';
import { type DbStepResult, runDbStep } from '../../src/audit/steps/db-step.js';
import type { QueryStats } from '../../src/probe/index.js';

/** The db step over `probeQueries` on the database at `url`, with `--verify-index`. */
export function dbStepOnProbe(url: string, probeQueries: QueryStats[]): Promise<DbStepResult> {
  return runDbStep({
    url,
    queries: [],
    probeQueries,
    verifyIndex: true,
    analyzeWrites: false,
    statements: false,
    progress: SILENT_PROGRESS,
  });
}
