/**
 * `runAudit`: the performance engineer end to end. Starts (or finds) the target, runs the load
 * steps, the soak and the profile, stops the target, examines the database, ranks the findings,
 * plans monitoring, compares with a baseline, and writes audit.json and the reports.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDbTarget, resetTopQueries } from '../db/index.js';
import { readProbeReport } from '../probe/index.js';
import type { ParsedResult } from '../results/parse-result.js';
import { readResultFile } from '../results/read-result.js';
import { runProfileStep, runSoakStep } from './analysis-steps.js';
import { type AssemblyInput, assembleAudit } from './assemble.js';
import type { AuditRecord } from './baseline.js';
import type { AuditConfig } from './config/types.js';
import { describeFlowData, prepareFlowScript } from './flow/flow-script.js';
import { type AuditProgress, SILENT_PROGRESS } from './progress.js';
import { runLoadPhase } from './run-steps.js';
import { type DbStepResult, runDbStep } from './steps/db-step.js';
import type { StepContext } from './steps/load-step.js';
import { locateDbServer } from './target/db-server-process.js';
import { HeapCheckpoints } from './target/heap-meter.js';
import { type RunningTarget, startTarget } from './target/target-process.js';
import { writeAuditOutputs } from './write-outputs.js';

/** Options of {@link runAudit}. */
export interface RunAuditOptions {
  config: AuditConfig;
  signal?: AbortSignal;
  progress?: AuditProgress;
  /** A previous audit (or run) result: fills "Improvements verified". */
  baselineFile?: string;
  /** Do not write files (library use); the result is still returned. */
  noWrite?: boolean;
}

/** The outcome. */
export interface AuditRun {
  result: AuditRecord;
  /** Files written (audit.json, reports, profiles, monitoring). */
  files: string[];
  interrupted: boolean;
  durationMs: number;
}

/** Replaces `{workDir}` in the target command, its env and the database URL. */
export function withWorkDir(config: AuditConfig, workDir: string): AuditConfig {
  const fill = (s: string) => s.replaceAll('{workDir}', workDir);
  const target = { ...config.target };
  if (target.command) target.command = target.command.map(fill);
  if (target.env)
    target.env = Object.fromEntries(Object.entries(target.env).map(([k, v]) => [k, fill(v)]));
  const out: AuditConfig = { ...config, target };
  if (config.database)
    out.database = {
      ...config.database,
      ...(config.database.url ? { url: fill(config.database.url) } : {}),
    };
  return out;
}

function isServerDb(url: string | undefined): boolean {
  return url !== undefined && !url.startsWith('pglite:');
}

async function prepareStatements(
  config: AuditConfig,
  progress: AuditProgress,
  notes: string[],
): Promise<boolean> {
  const db = config.database;
  if (!db?.url || !db.statements || !config.steps.db.enabled || !isServerDb(db.url)) return false;
  try {
    await resetTopQueries({ db: db.url });
    progress.note(
      'statement statistics reset: the DB step will rank the statements of this audit only',
    );
    return true;
  } catch (error) {
    notes.push(`statement statistics not used: ${(error as Error).message}`);
    return false;
  }
}

async function runDb(
  config: AuditConfig,
  input: AssemblyInput,
  statements: boolean,
  progress: AuditProgress,
  targetStopped: boolean,
): Promise<DbStepResult | undefined> {
  const db = config.database;
  if (!config.steps.db.enabled || !db?.url) {
    if (config.steps.db.enabled) progress.warn('DB step skipped: no database.url in the config');
    return undefined;
  }
  if (db.url.startsWith('pglite:') && !targetStopped) {
    // PGlite is single-process: its folder can only be opened once the target has let go of it.
    const note =
      'DB step skipped: a PGlite database can be examined only when Redline starts and stops the target (target.command)';
    input.notes.push(note);
    progress.warn(note);
    return undefined;
  }
  progress.step(
    'db',
    `EXPLAIN ANALYZE of ${db.queries.length} configured statement(s), generic plans of the probe's most expensive ones${statements ? ', statement statistics over the run' : ''}`,
  );
  const verify = db.verifyIndex ?? !isServerDb(db.url);
  return runDbStep({
    url: db.url,
    queries: db.queries,
    ...(input.probe?.stats
      ? { probeQueries: input.probe.stats.queries, probeRequests: input.probe.stats.requests }
      : {}),
    verifyIndex: verify,
    analyzeWrites: db.analyzeWrites ?? true,
    statements,
    progress,
  });
}

async function measure(
  config: AuditConfig,
  target: RunningTarget,
  workDir: string,
  ctxBase: Omit<StepContext, 'target' | 'flow'>,
  input: AssemblyInput,
) {
  const flow = await prepareFlowScript(config.flow, target.url, workDir);
  input.testData = describeFlowData(config.flow, target.url);
  const ctx: StepContext = { ...ctxBase, target, flow };
  if (target.inspector) ctx.heap = new HeapCheckpoints(target.inspector);
  const cwd = config.target.cwd ?? process.cwd();
  const load = await runLoadPhase(ctx, config);
  input.steps.push(...load.steps);
  if (load.breakingPoint) input.breakingPoint = load.breakingPoint;
  if (load.crashed) {
    input.crashed = load.crashed;
    return;
  }
  const soak = await runSoakStep(ctx, config, cwd);
  input.steps.push(...soak.steps);
  input.soakFindings = soak.findings;
  const profile = await runProfileStep(ctx, config, cwd);
  if (profile.profile) input.profile = profile.profile;
  input.profileFindings = profile.findings;
}

/** Runs the whole audit (see the file comment). Ctrl-C ends the current step; what ran is still reported. */
export async function runAudit(options: RunAuditOptions): Promise<AuditRun> {
  const started = Date.now();
  const progress = options.progress ?? SILENT_PROGRESS;
  const signal = options.signal ?? new AbortController().signal;
  const workDir = await mkdtemp(join(tmpdir(), 'redline-audit-'));
  const config = withWorkDir(options.config, workDir);
  const input: AssemblyInput = {
    config,
    startedAtMs: started,
    steps: [],
    notes: [],
    soakFindings: [],
    profileFindings: [],
  };
  const warnings = new Set<string>();
  const onWarning = (w: string) => {
    // Generator lag is judged per step (validity) and kept in each run's generator warnings.
    if (!warnings.has(w) && !/event loop lagged/.test(w)) progress.warn(w);
    warnings.add(w);
  };
  let baseline: ParsedResult | undefined;
  let target: RunningTarget | undefined;
  try {
    if (options.baselineFile) baseline = await readResultFile(options.baselineFile);
    if (config.database?.url) parseDbTarget(config.database.url);
    const statements = await prepareStatements(config, progress, input.notes);
    const dbServer = config.database?.url ? await locateDbServer(config.database.url) : undefined;
    if (dbServer) input.dbServer = dbServer.measure;
    progress.note(
      config.target.command
        ? `starting the target: ${config.target.command.join(' ')}`
        : `target: ${config.target.url}`,
    );
    target = await startTarget(config.target, { workDir, signal });
    progress.note(
      `target answers at ${target.url}${target.pid ? ` (pid ${target.pid})` : ''}${target.inspector ? ', inspector attached' : ''}${target.probeReportFile ? ', probe loaded' : ''}`,
    );
    await measure(
      config,
      target,
      workDir,
      {
        signal,
        progress,
        maxGeneratorLagShare: config.maxGeneratorLagShare,
        onWarning,
        ...(dbServer?.pid !== undefined ? { dbServerPid: dbServer.pid } : {}),
      },
      input,
    );
    await target.stop();
    if (target.probeReportFile)
      input.probe = await readProbeReport(target.probeReportFile).catch(() => undefined);
    if (!signal.aborted)
      input.db = await runDb(config, input, statements, progress, target.startedByRedline);
    const result = assembleAudit(input, baseline, options.baselineFile, progress);
    result.durationMs = Date.now() - started;
    const files = options.noWrite
      ? []
      : await writeAuditOutputs(result, config.outDir, config.secrets);
    return { result, files, interrupted: signal.aborted, durationMs: result.durationMs };
  } finally {
    await target?.stop();
    await rm(workDir, { recursive: true, force: true }).catch(() => {});
  }
}
