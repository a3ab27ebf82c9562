/**
 * Flags shared by the two sides of a distributed run (`redline run --agents N` and
 * `redline agent`): the shared token (a file, or REDLINE_AGENT_TOKEN), `HOST:PORT` addresses.
 */
import { readFileSync } from 'node:fs';
import { ExitCode } from '../errors/exit-codes.js';
import { RedlineError } from '../errors/redline-error.js';

/** Default `--listen` of the controller: loopback only, so nothing is exposed unless asked. */
export const DEFAULT_LISTEN = '127.0.0.1:6565';

/** Reads the shared token from `--agent-token-file`, else REDLINE_AGENT_TOKEN; refuses none. */
export function readAgentToken(file: string | undefined, command: string): string {
  let token: string | undefined;
  if (file !== undefined) {
    try {
      token = readFileSync(file, 'utf8').trim();
    } catch (error) {
      throw new RedlineError('E_AGENT_TOKEN_FILE', `cannot read --agent-token-file ${file}`, {
        exitCode: ExitCode.NoInput,
        hint: 'check the path (a file holding the shared token, one line)',
        cause: error,
      });
    }
  } else token = process.env['REDLINE_AGENT_TOKEN']?.trim();
  if (!token)
    throw new RedlineError('E_AGENT_TOKEN', `${command} needs the shared agent token`, {
      exitCode: ExitCode.Usage,
      hint: 'pass --agent-token-file FILE or set REDLINE_AGENT_TOKEN (the same secret on the controller and every agent; e.g. openssl rand -hex 32)',
    });
  if (token.length < 16)
    throw new RedlineError(
      'E_AGENT_TOKEN',
      'the shared agent token is shorter than 16 characters',
      {
        exitCode: ExitCode.Usage,
        hint: 'use a long random secret, e.g. openssl rand -hex 32',
      },
    );
  return token;
}

/** Parses `HOST:PORT` (`[::1]:6565` for IPv6). */
export function parseHostPort(flag: string, value: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(value.trim());
  const port = Number(match?.[3]);
  if (!match || port > 65535)
    throw new RedlineError('E_USAGE_VALUE', `invalid value for ${flag}: "${value}"`, {
      exitCode: ExitCode.Usage,
      hint: 'use HOST:PORT, e.g. 127.0.0.1:6565, 0.0.0.0:6565 or [::1]:6565',
    });
  return { host: (match[1] ?? match[2]) as string, port };
}

/** Reads a PEM file named by a flag (`--agent-tls-cert`, …); a clear error when it cannot. */
export function readPem(flag: string, file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new RedlineError('E_AGENT_TLS_FILE', `cannot read ${flag} ${file}`, {
      exitCode: ExitCode.NoInput,
      hint: 'check the path (a PEM file)',
      cause: error,
    });
  }
}
