/** `redline slo generate`: an SLO spec -> rule file, promtool test file and Grafana dashboard. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { ExitCode } from '../errors/exit-codes.js';
import { RedlineError } from '../errors/redline-error.js';
import { createSloDashboard, dashboardExpressions } from './grafana.js';
import {
  checkPromql,
  checkRules,
  findPromtool,
  type PromtoolResult,
  testRules,
} from './promtool.js';
import { renderPromtoolTests } from './promtool-tests.js';
import { createSloRuleGroups, renderRulesYaml } from './rules.js';
import type { SloSpec } from './spec.js';

/** The generated files' contents. */
export interface SloArtifacts {
  rulesFile: string;
  rulesYaml: string;
  testsFile: string;
  testsYaml: string;
  dashboardFile: string;
  dashboard: Record<string, unknown>;
  /** Number of recording and alerting rules. */
  recordingRules: number;
  alertingRules: number;
  /** SLOs without a generated promtool test, and why. */
  untested: string[];
}

/** Builds every artifact of `spec`; file names start with `name` (default: the service). */
export function generateSloArtifacts(
  spec: SloSpec,
  name = spec.service,
  source = 'slo.yaml',
): SloArtifacts {
  const rulesFile = `${name}.rules.yml`;
  const groups = createSloRuleGroups(spec);
  const rules = groups.flatMap((g) => g.rules);
  const tests = renderPromtoolTests(spec, rulesFile);
  return {
    rulesFile,
    rulesYaml: renderRulesYaml(spec, basename(source)),
    testsFile: `${name}.rules.test.yml`,
    testsYaml: tests.yaml,
    dashboardFile: `${name}.dashboard.json`,
    dashboard: createSloDashboard(spec),
    recordingRules: rules.filter((r) => 'record' in r).length,
    alertingRules: rules.filter((r) => 'alert' in r).length,
    untested: tests.skipped,
  };
}

/** Writes the artifacts into `dir` (created if needed); returns the written paths. */
export function writeSloArtifacts(artifacts: SloArtifacts, dir: string): string[] {
  try {
    mkdirSync(dir, { recursive: true });
    const files: Array<[string, string]> = [
      [artifacts.rulesFile, artifacts.rulesYaml],
      [artifacts.testsFile, artifacts.testsYaml],
      [artifacts.dashboardFile, `${JSON.stringify(artifacts.dashboard, null, 2)}\n`],
    ];
    return files.map(([file, text]) => {
      const path = join(dir, file);
      writeFileSync(path, text);
      return path;
    });
  } catch (error) {
    throw new RedlineError(
      'E_SLO_WRITE',
      `cannot write the SLO files into ${dir}: ${(error as Error).message}`,
      {
        hint: 'check that the folder is writable',
        exitCode: ExitCode.CannotWrite,
        cause: error,
      },
    );
  }
}

/** Outcome of {@link verifySloArtifacts}. */
export interface SloVerification {
  check: PromtoolResult;
  test: PromtoolResult;
  dashboard: Array<{ expr: string; output: string }>;
  ok: boolean;
}

/** Runs `promtool check rules`, `promtool test rules` and parses every dashboard expression. */
export function verifySloArtifacts(artifacts: SloArtifacts, dir: string): SloVerification {
  const binary = findPromtool();
  const check = checkRules(join(dir, artifacts.rulesFile), binary);
  const test = testRules(artifacts.testsFile, dir, binary);
  const dashboard = checkPromql(dashboardExpressions(artifacts.dashboard), binary);
  return { check, test, dashboard, ok: check.ok && test.ok && dashboard.length === 0 };
}
