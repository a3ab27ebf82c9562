/**
 * Turns the config's flow into something the script engine runs: inline steps and URL lists
 * become a YAML plan in the audit's temp folder (never next to the user's files); scripts run
 * as they are, with `BASE_URL` set to the target.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { describePlanTextData, describeScriptData } from '../../engine/index.js';
import type { AuditFlowConfig } from '../config/types.js';

/** What every load step runs. */
export interface FlowScript {
  scriptPath: string;
  /** `__ENV` values for the script (BASE_URL). */
  env: Record<string, string>;
}

/** `GET /items?limit=20` or `/items` → a YAML-plan request step. */
export function urlToStep(entry: string): Record<string, unknown> {
  const match = /^([A-Z]+)\s+(\S+)$/.exec(entry.trim());
  const method = (match?.[1] ?? 'GET').toLowerCase();
  const url = match?.[2] ?? entry.trim();
  return { [method]: { url, name: `${method.toUpperCase()} ${url.split('?')[0]}` } };
}

/** The YAML plan of an inline flow (exported for tests). */
export function createFlowPlan(
  flow: Exclude<AuditFlowConfig, { kind: 'script' }>,
  targetUrl: string,
): Record<string, unknown> {
  const plan: Record<string, unknown> = { target: targetUrl };
  if (flow.kind === 'steps' && flow.variables) plan['variables'] = flow.variables;
  if (flow.kind === 'steps' && flow.payload) plan['payload'] = flow.payload;
  if (flow.headers) plan['defaults'] = { headers: flow.headers };
  plan['flow'] = flow.kind === 'steps' ? flow.steps : flow.urls.map(urlToStep);
  return plan;
}

/** Writes the plan (for inline flows) into `workDir` and returns what the steps run. */
export async function prepareFlowScript(
  flow: AuditFlowConfig,
  targetUrl: string,
  workDir: string,
): Promise<FlowScript> {
  const env = { BASE_URL: targetUrl };
  if (flow.kind === 'script') return { scriptPath: flow.script, env };
  const scriptPath = join(workDir, 'flow.yaml');
  await writeFile(scriptPath, stringify(createFlowPlan(flow, targetUrl)), { mode: 0o600 });
  return { scriptPath, env };
}

/**
 * The test data the flow's iterations use, for the Load Test Plan and the report: what the plan an
 * inline flow becomes draws from (its data files, already resolved to absolute paths, with record
 * counts and how rows are drawn), what a YAML plan script draws from, else "not stated" (a
 * JavaScript/TypeScript script reads its own data). Read from the config, so `--plan-only` states
 * the same as the run.
 */
export function describeFlowData(flow: AuditFlowConfig, targetUrl: string): string {
  if (flow.kind === 'script') return describeScriptData(flow.script);
  return describePlanTextData('flow.yaml', stringify(createFlowPlan(flow, targetUrl)));
}
