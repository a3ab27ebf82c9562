/**
 * `--out name=argument` -> Output. Each output lives in its own folder and registers a factory
 * here, one line each.
 */

import { ExitCode } from '../errors/exit-codes.js';
import { RedlineError } from '../errors/redline-error.js';
import type { Output } from './output.js';

/** What a factory gets besides its argument. */
export interface OutputContext {
  /** Working directory for relative file paths. */
  cwd: string;
}

/** Creates an output from the text after `name=` (may be empty); may load its module lazily. */
export type OutputFactory = (argument: string, context: OutputContext) => Output | Promise<Output>;

const factories = new Map<string, { factory: OutputFactory; usage: string }>();

/** Registers an output type under `name` (`usage` is shown in errors, e.g. `ndjson=<file>`). */
export function registerOutput(name: string, usage: string, factory: OutputFactory): void {
  factories.set(name, { factory, usage });
}

/** Names and usages of every registered output. */
export function listOutputs(): Array<{ name: string; usage: string }> {
  return [...factories].map(([name, { usage }]) => ({ name, usage }));
}

/** Parses one `--out` value (`name=argument` or `name`) and creates the output. */
export async function createOutputFromSpec(spec: string, context: OutputContext): Promise<Output> {
  const eq = spec.indexOf('=');
  const name = eq === -1 ? spec : spec.slice(0, eq);
  const argument = eq === -1 ? '' : spec.slice(eq + 1);
  const entry = factories.get(name);
  if (!entry) {
    throw new RedlineError('E_USAGE_OUTPUT', `unknown output "${name}" in --out ${spec}`, {
      hint: `use one of: ${listOutputs()
        .map((o) => o.usage)
        .join(', ')}`,
      exitCode: ExitCode.Usage,
    });
  }
  return entry.factory(argument, context);
}
