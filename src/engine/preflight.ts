/** Checks before a run that the target can be reached at all, so a typo fails fast with exit 69. */
import { lookup } from 'node:dns/promises';
import { createConnection } from 'node:net';
import { ExitCode } from '../errors/exit-codes.js';
import { RedlineError } from '../errors/redline-error.js';
import { classifySocketError } from '../http/errors.js';
import type { Target } from '../http/target.js';

/** Resolves the host and opens one TCP connection; throws TargetUnreachable with a hint otherwise. */
export async function checkReachable(target: Target, timeoutMs = 5000): Promise<void> {
  const where = `${target.hostname}:${target.port}`;
  try {
    await lookup(target.hostname);
  } catch (error) {
    throw new RedlineError('E_TARGET_DNS', `cannot resolve host "${target.hostname}"`, {
      hint: 'check the spelling of the URL, or use an IP address',
      exitCode: ExitCode.TargetUnreachable,
      cause: error,
    });
  }
  await new Promise<void>((resolve, reject) => {
    const socket = createConnection({ host: target.hostname, port: target.port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(
        new RedlineError('E_TARGET_TIMEOUT', `no answer from ${where} within ${timeoutMs} ms`, {
          hint: 'is the service running and the port open?',
          exitCode: ExitCode.TargetUnreachable,
        }),
      );
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.destroy();
      resolve();
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      const classified = classifySocketError(error);
      reject(
        new RedlineError(
          'E_TARGET_UNREACHABLE',
          `cannot connect to ${where}: ${classified.message}`,
          {
            hint: 'start the service first, or check the host and port in the URL',
            exitCode: ExitCode.TargetUnreachable,
            cause: error,
          },
        ),
      );
    });
  });
}
