/** The list of subcommands: each lives in its own file and exports `register(program)`; one line each. */
import type { Command } from 'commander';

type Register = (program: Command) => void;

const registrations: Register[] = [
  (await import('./run.js')).register,
  (await import('./demo.js')).register,
  (await import('./db.js')).register,
  (await import('./report.js')).register,
  (await import('./compare.js')).register,
  (await import('./slo.js')).register,
  (await import('./analyze.js')).register,
  (await import('./profile.js')).register,
];

/** Adds every subcommand to `program`. */
export function registerCommands(program: Command): void {
  for (const register of registrations) register(program);
}
