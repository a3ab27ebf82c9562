/** The `redline` command: registers every subcommand and maps errors to documented exit codes. */
import { readFileSync } from 'node:fs';
import { type Command, CommanderError } from 'commander';
import { ExitCode } from '../errors/exit-codes.js';
import { formatErrorForTerminal, isRedlineError } from '../errors/redline-error.js';
import { addRedactedNames, redactText } from '../util/redact.js';
import { registerCommands } from './commands/index.js';
import { RedlineCommand } from './usage-errors.js';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

/** Builds the commander program with the subcommands `argv` needs (exported for tests). */
export async function createProgram(
  argv: readonly string[] = ['node', 'redline'],
): Promise<Command> {
  // Parse errors are thrown as RedlineErrors by RedlineCommand (one format for every usage error).
  const program = new RedlineCommand('redline')
    .description(
      'Performance engineering in one tool: load tests, profiles, query plans, SLOs and reports.',
    )
    .version(pkg.version, '-V, --version')
    .exitOverride()
    // `--redact-param` names hold for the whole process (outputs, reports, profile files).
    .hook('preAction', (_program, command) => {
      const names = command.opts()['redactParam'];
      if (Array.isArray(names)) addRedactedNames(names as string[]);
    });
  await registerCommands(program, argv);
  return program;
}

async function main(argv: string[]): Promise<void> {
  const program = await createProgram(argv);
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // Only help and version get here (parse problems are RedlineErrors): help shown because
      // no command was given is a usage error.
      process.exitCode = error.exitCode === 0 ? ExitCode.Ok : ExitCode.Usage;
      return;
    }
    process.stderr.write(redactText(formatErrorForTerminal(error)));
    process.exitCode = isRedlineError(error) ? error.exitCode : ExitCode.Internal;
  }
}

await main(process.argv);
