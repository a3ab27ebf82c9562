/**
 * `redline audit --plan-only`: the Load Test Plan [ref: load-test-plan] from the config, before
 * anything runs.
 */
import { parseDbTarget } from '../db/index.js';
import type { AuditConfig } from './config/types.js';
import { createEnvironment } from './environment.js';
import { createConfigSummary } from './summary.js';
import { renderPlan, writePlan } from './write-outputs.js';

/** Renders the plan with the host measured now (the target and database as configured). */
export function renderAuditPlan(config: AuditConfig): string {
  let database: { engine: string } | undefined;
  try {
    if (config.database?.url)
      database = {
        engine: `${parseDbTarget(config.database.url.replaceAll('{workDir}', '/tmp')).kind} (as configured)`,
      };
  } catch {
    database = undefined;
  }
  const environment = createEnvironment(config.target, database, []);
  return renderPlan(createConfigSummary(config), environment, config.secrets);
}

/** Writes `load-test-plan.md` into the config's output folder and returns its path and text. */
export async function writeAuditPlan(config: AuditConfig): Promise<{ path: string; text: string }> {
  const text = renderAuditPlan(config);
  return { path: await writePlan(text, config.outDir), text };
}
