/**
 * The subcommands: each lives in its own file and exports `register(program)`; one line each.
 * Only the command being run is imported (its dependencies — database drivers, OpenTelemetry,
 * the profiler — stay unloaded otherwise); help and unknown commands load them all.
 */
import type { Command } from 'commander';

type CommandModule = { register: (program: Command) => void };

const COMMANDS: Record<string, () => Promise<CommandModule>> = {
  run: () => import('./run.js'),
  demo: () => import('./demo.js'),
  db: () => import('./db.js'),
  report: () => import('./report.js'),
  compare: () => import('./compare.js'),
  slo: () => import('./slo.js'),
  analyze: () => import('./analyze.js'),
  profile: () => import('./profile.js'),
  audit: () => import('./audit.js'),
  mcp: () => import('./mcp.js'),
  agent: () => import('./agent.js'),
  k8s: () => import('./k8s.js'),
};

/** Adds the subcommand named in `argv` (or every subcommand, for help and errors) to `program`. */
export async function registerCommands(program: Command, argv: readonly string[]): Promise<void> {
  const name = argv[2];
  const loaders =
    name !== undefined && Object.hasOwn(COMMANDS, name)
      ? [COMMANDS[name]!]
      : Object.values(COMMANDS);
  for (const load of loaders) (await load()).register(program);
}
