/**
 * Assembles the audit record from what the steps measured: ranked findings from every source,
 * the audit's own findings, monitoring plan and files, environment, gains and the baseline
 * verification.
 */

import { explainHotDependencies } from '../findings/config-causes.js';
import type { Finding } from '../findings/finding.js';
import type { ProbeReport } from '../probe/index.js';
import type {
  AuditStep,
  BreakingPoint,
  DbServerMeasure,
  ProfileSummary,
} from '../results/audit-result.js';
import type { ParsedResult } from '../results/parse-result.js';
import { REDLINE_VERSION } from '../util/version.js';
import { type AuditRecord, createBaselineVerification } from './baseline.js';
import type { AuditConfig } from './config/types.js';
import { createEnvironment } from './environment.js';
import { createCapacityFinding, createInvalidStepsFinding } from './findings/audit-findings.js';
import { collectFindings } from './findings/collect.js';
import { attachSourceCode } from './findings/source-code.js';
import { createMonitoringPlan } from './monitoring.js';
import type { AuditProgress } from './progress.js';
import type { DbStepResult } from './steps/db-step.js';
import { createConfigSummary } from './summary.js';

/** Everything the steps produced. */
export interface AssemblyInput {
  config: AuditConfig;
  startedAtMs: number;
  steps: AuditStep[];
  breakingPoint?: BreakingPoint;
  notes: string[];
  /** Set when the started target died under load. */
  crashed?: string;
  soakFindings: Finding[];
  profileFindings: Finding[];
  profile?: ProfileSummary;
  probe?: ProbeReport;
  db?: DbStepResult;
  /** Whether the database server's CPU was read during the steps, and which processes. */
  dbServer?: DbServerMeasure;
  /** The test data the flow used (describeFlowData). */
  testData?: string;
}

function crashFinding(text: string): Finding {
  return {
    id: 'target.crashed',
    area: 'errors',
    title: 'The target died under load',
    severity: 'critical',
    impact: { description: text },
    rootCause:
      'The process exited while the audit was loading it: an uncaught error, an out-of-memory kill or an exit in a handler. Its last output is in the evidence.',
    recommendation: {
      text: 'Read the target log, fix the crash, then run the audit again.',
      effort: 'medium',
    },
    evidence: [{ label: 'last output', value: text, source: 'target log' }],
  };
}

function auditFindings(input: AssemblyInput): Finding[] {
  const out: Finding[] = [];
  const capacity = createCapacityFinding(input.breakingPoint, input.config.criteria);
  if (capacity) out.push(capacity);
  const invalid = createInvalidStepsFinding(input.steps);
  if (invalid) out.push(invalid);
  if (input.crashed) out.push(crashFinding(input.crashed));
  return out;
}

/** Builds the AuditRecord (not yet redacted: the writer redacts). */
export function assembleAudit(
  input: AssemblyInput,
  baseline: ParsedResult | undefined,
  baselineFile: string | undefined,
  progress: AuditProgress,
): AuditRecord {
  const { config } = input;
  const cwd = config.target.cwd ?? process.cwd();
  progress.step(
    'findings',
    'ranking the findings of the profile, soak, probe, database and load steps by impact',
  );
  const collected = collectFindings({
    profile: explainHotDependencies(
      input.profileFindings,
      input.probe?.stats?.runtimeSettings ?? [],
    ),
    soak: input.soakFindings,
    probe: input.probe?.findings ?? [],
    db: input.db?.findings ?? [],
    audit: auditFindings(input),
    ...(input.probe?.stats ? { routes: input.probe.stats.routes } : {}),
    displayRoot: cwd,
    impact: {
      ...(input.probe?.stats ? { requests: input.probe.stats.requests } : {}),
      ...(input.profile?.requests ? { profileRequests: input.profile.requests } : {}),
    },
  });
  // The user's own lines at each finding (and their rewrite where the rule knows one).
  const findings = attachSourceCode(collected, cwd, config.secrets);
  for (const f of findings.filter((x) => x.severity !== 'info').slice(0, 6)) {
    progress.result(
      `[${f.severity}] ${f.title}${f.location?.file ? ` (${f.location.file}:${f.location.line ?? '?'})` : f.location?.route ? ` (${f.location.route})` : ''}`,
    );
  }
  const name = config.name ?? config.target.url;
  const monitoring = createMonitoringPlan(name, config.criteria, findings, config.outDir);
  const notes = [...input.notes, ...(input.db?.notes ?? []), ...monitoring.notes];
  const record: AuditRecord = {
    format: 'redline-audit',
    version: 1,
    redlineVersion: REDLINE_VERSION,
    startedAtMs: input.startedAtMs,
    durationMs: Date.now() - input.startedAtMs,
    config: {
      ...createConfigSummary(config),
      ...(input.testData ? { testData: input.testData } : {}),
    },
    environment: createEnvironment(config.target, input.db?.database, notes),
    steps: input.steps,
    findings,
    monitoring: monitoring.plan,
    documentation: [`${config.outDir}/report.md`, `${config.outDir}/report.html`],
  };
  if (input.breakingPoint) record.breakingPoint = input.breakingPoint;
  if (input.profile) record.profile = input.profile;
  if (input.dbServer) record.dbServer = input.dbServer;
  if (input.db?.worstQuery) record.worstQuery = input.db.worstQuery;
  if (input.db?.gains.length) record.gains = input.db.gains;
  if (input.probe?.stats) record.routes = input.probe.stats.routes;
  if (baseline && baselineFile) {
    const verification = createBaselineVerification(baseline, baselineFile, record);
    if (verification) record.verification = verification;
  }
  return record;
}
