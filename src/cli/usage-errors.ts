/**
 * Command-line parse errors (unknown option or command, missing argument or value, too many
 * arguments, conflicting options) as RedlineErrors, so they print in the one format of every
 * usage error: what is wrong and in which command, how to fix it (with "did you mean"), the code
 * and exit 2. {@link RedlineCommand} is the commander Command every `redline` command uses.
 */
import { Command } from 'commander';
import { ExitCode } from '../errors/exit-codes.js';
import { RedlineError } from '../errors/redline-error.js';

/** A commander Command whose parse errors are thrown as RedlineErrors (nothing printed by commander). */
export class RedlineCommand extends Command {
  override createCommand(name?: string): Command {
    return new RedlineCommand(name);
  }

  override error(message: string, errorOptions?: { code?: string; exitCode?: number }): never {
    throw usageError(this, message, errorOptions?.code ?? 'commander.error');
  }
}

/** `redline run`, `redline db explain`: the command as typed. */
function commandPath(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/** The usage line of a command (`redline run [options] <target>`). */
function usageLine(command: Command): string {
  return `${commandPath(command)} ${command.usage()}`;
}

/** Turns one of commander's messages (`error: unknown option '--vu'\n(Did you mean --vus?)`) into a RedlineError. */
export function usageError(command: Command, message: string, code: string): RedlineError {
  const path = commandPath(command);
  const suggestion = /\(Did you mean (?:one of )?(.+?)\?\)/.exec(message)?.[1];
  const text = message
    .replace(/^error:\s*/, '')
    .replace(/\s*\(Did you mean[^)]*\)\s*$/, '')
    .trim();
  const quoted = /'([^']+)'/.exec(text)?.[1] ?? '';
  const didYouMean = suggestion ? `did you mean ${suggestion}? ` : '';
  const fail = (errorCode: string, what: string, hint: string) =>
    new RedlineError(errorCode, what, { exitCode: ExitCode.Usage, hint });
  switch (code) {
    case 'commander.unknownOption':
      return fail(
        'E_USAGE_UNKNOWN_OPTION',
        `unknown option ${quoted} for ${path}`,
        `${didYouMean}\`${path} --help\` lists every option`,
      );
    case 'commander.unknownCommand':
      return fail(
        'E_USAGE_UNKNOWN_COMMAND',
        `unknown command "${quoted}" for ${path}`,
        `${didYouMean}\`${path} --help\` lists the commands`,
      );
    case 'commander.missingArgument':
      return fail(
        'E_USAGE_MISSING_ARGUMENT',
        `missing <${quoted}> for ${path}`,
        `usage: ${usageLine(command)} (\`${path} --help\` has examples)`,
      );
    case 'commander.optionMissingArgument':
    case 'commander.missingMandatoryOptionValue': {
      const long = /--[\w-]+/.exec(quoted)?.[0] ?? quoted;
      const value = /<[^>]+>/.exec(quoted)?.[0] ?? '<value>';
      return fail(
        'E_USAGE_MISSING_VALUE',
        code === 'commander.optionMissingArgument'
          ? `${long} needs a value (${path})`
          : `${long} is required (${path})`,
        `write ${long} ${value}; \`${path} --help\` describes it`,
      );
    }
    case 'commander.excessArguments':
      return fail(
        'E_USAGE_TOO_MANY_ARGUMENTS',
        `too many arguments for ${path}: ${[...command.args].map((a) => JSON.stringify(a)).join(' ')}`,
        `usage: ${usageLine(command)}; quote a path or value that contains spaces`,
      );
    case 'commander.conflictingOption':
      return fail(
        'E_USAGE_CONFLICT',
        `${text.replace(/option '([^']+)'/g, (_, flags: string) => /--[\w-]+/.exec(flags)?.[0] ?? flags)} (${path})`,
        'keep only one of them',
      );
    default:
      return fail('E_USAGE', `${text} (${path})`, `\`${path} --help\` describes the usage`);
  }
}
