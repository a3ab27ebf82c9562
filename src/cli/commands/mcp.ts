/** `redline mcp`: Redline as an MCP server for coding agents (stdio, or Streamable HTTP on loopback). */
import type { Command } from 'commander';
import { describeMcpConfig, loadMcpConfig } from '../../mcp/config.js';
import { parseListenAddress, serveHttp, serveStdio } from '../../mcp/serve.js';

interface McpFlags {
  http?: string;
  config?: string;
  printConfig?: boolean;
}

const log = (line: string) => process.stderr.write(`redline mcp: ${line}\n`);

/** Registers `redline mcp`. */
export function register(program: Command): void {
  program
    .command('mcp')
    .description(
      'Serve Redline to AI agents over the Model Context Protocol: load tests, profiles, query plans, audits, with guard rails',
    )
    .option('--http <host:port>', 'serve Streamable HTTP on a loopback address (default: stdio)')
    .option(
      '--config <file>',
      'guard-rail config (default: $REDLINE_MCP_CONFIG, else redline.mcp.{yaml,yml,json} here)',
    )
    .option('--print-config', 'print the guard rails in force as JSON and exit')
    .addHelpText(
      'after',
      `
The guard rails (allowed targets, limits, allowed commands, database permissions) come from the
config file, never from the agent; defaults: loopback targets only, 5m, 50 VUs, 100 connections,
2000 req/s, no command. Every tool call is logged as a JSON line (default
redline-results/mcp-calls.jsonl). See docs/mcp.md.

Examples:
  redline mcp                                   stdio (what Claude Code, Cursor and others start)
  redline mcp --http 127.0.0.1:8765             Streamable HTTP at http://127.0.0.1:8765/mcp
  claude mcp add redline -- npx redline mcp

Exit codes: 0 ok, 2 bad flags, 73 call log not writable, 104 invalid config.`,
    )
    .action(async (flags: McpFlags) => {
      const config = loadMcpConfig(flags.config);
      if (flags.printConfig) {
        process.stdout.write(`${JSON.stringify(describeMcpConfig(config), null, 2)}\n`);
        return;
      }
      if (flags.http === undefined) return serveStdio(config, log);
      const server = await serveHttp(config, parseListenAddress(flags.http), log);
      await new Promise<void>((resolve) => {
        const stop = () => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          log('stopping');
          void server.close().then(resolve);
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
    });
}
