/**
 * The Redline MCP server: one McpServer per client session, every tool, resource and prompt
 * registered on it, all sharing one set of guard rails, results folder and call log.
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { REDLINE_VERSION } from '../util/version.js';
import { CallLog } from './call-log.js';
import type { McpConfig } from './config.js';
import { GuardRails, type ResolveHost } from './guard/guard-rails.js';
import { registerPrompts } from './prompts.js';
import { registerResources } from './resources.js';
import { ResultStore } from './results.js';
import { registerAnalyzeTools } from './tools/analyze.js';
import { registerAuditTool } from './tools/audit.js';
import { registerDatabaseTools } from './tools/database.js';
import type { ToolDeps } from './tools/define.js';
import { registerDocsTool } from './tools/docs.js';
import { registerLoadTestTool } from './tools/load-test.js';
import { registerProfileTool } from './tools/profile.js';
import { registerResultTools } from './tools/results.js';
import { registerValidateTool } from './tools/validate.js';

/** Instructions sent to clients at initialisation (shown to the model by most clients). */
const INSTRUCTIONS = `Redline is a performance-engineering toolkit. Use these tools to measure, not guess:
- run_load_test loads a URL or runs a k6/TypeScript/YAML script and returns req/s, latency percentiles and failures; validate_script checks a script with 1 VU and 1 iteration first.
- profile_service starts (or attaches to) a Node.js service under load and names the hot functions at file:line; analyze_profile reads an existing profile.
- explain_query / top_queries analyse PostgreSQL and MySQL/MariaDB statements; audit_service runs the whole audit.
- compare_runs says whether a change is a significant regression; generate_slo writes Prometheus rules; list_results / read_report read back saved results.
- search_docs searches Redline's documentation; the generate_script prompt writes a script from a plain-English flow.
The user's guard rails limit targets (by default this machine only), durations, VUs, connections, rates, commands and database writes; a refusal names the setting, which only the user can change.`;

/** Everything the server shares between sessions. */
export function createToolDeps(config: McpConfig, resolveHost?: ResolveHost): ToolDeps {
  return {
    config,
    rails: new GuardRails(config, resolveHost),
    store: new ResultStore(config.resultsDir),
    log: new CallLog(config.auditLog, config.secrets),
  };
}

/** A new MCP server (one per session) with every tool, resource and prompt. */
export function createMcpServer(deps: ToolDeps): McpServer {
  const server = new McpServer(
    { name: 'redline', title: 'Redline', version: REDLINE_VERSION },
    { instructions: INSTRUCTIONS },
  );
  registerLoadTestTool(server, deps);
  registerValidateTool(server, deps);
  registerProfileTool(server, deps);
  registerAnalyzeTools(server, deps);
  registerAuditTool(server, deps);
  registerDatabaseTools(server, deps);
  registerResultTools(server, deps);
  registerDocsTool(server, deps);
  registerResources(server, deps);
  registerPrompts(server, deps);
  return server;
}
