/** The error a guard rail raises: what was refused, why, and which config key would allow it. */
import { ExitCode } from '../../errors/exit-codes.js';
import { RedlineError } from '../../errors/redline-error.js';

/** Stable error code of every guard-rail refusal. */
export const REFUSED_CODE = 'MCP_REFUSED';

/**
 * A refusal by the MCP guard rails. `setting` names the config key that governs it, so the
 * message can tell the user (not the agent) how to allow it.
 */
export function refusal(message: string, setting: string, configSource: string): RedlineError {
  return new RedlineError(REFUSED_CODE, `refused by the guard rails: ${message}`, {
    exitCode: ExitCode.Usage,
    hint: `this limit is set by ${setting} in ${configSource}; only the user can change it there`,
  });
}
