#!/usr/bin/env node
/** Executable entry of the demo service: `node dist/demo/main.js --port 0 [--fixed] [--database-url URL]`. */
import { ExitCode } from '../errors/exit-codes.js';
import { formatErrorForTerminal, RedlineError } from '../errors/redline-error.js';
import { DEMO_USAGE, parseDemoArgs } from './cli-options.js';
import { DEMO_READY_PREFIX, type DemoServerOptions, startDemoServer } from './index.js';

async function main(): Promise<void> {
  let options: DemoServerOptions | 'help';
  try {
    options = parseDemoArgs(process.argv.slice(2), process.env);
  } catch (error) {
    const wrapped =
      error instanceof RedlineError
        ? error
        : new RedlineError('DEMO_BAD_OPTION', (error as Error).message, {
            exitCode: ExitCode.Usage,
            hint: 'see --help',
          });
    fail(wrapped);
    return;
  }
  if (options === 'help') {
    process.stdout.write(`${DEMO_USAGE}\n`);
    return;
  }
  const server = await startDemoServer(options).catch((error: unknown) => fail(error));
  if (!server) return;
  process.stdout.write(`${DEMO_READY_PREFIX}${server.url}\n`);
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping)
      process.exit(signal === 'SIGINT' ? ExitCode.ForcedInterrupt : ExitCode.ForcedTerminate);
    stopping = true;
    server.close().then(
      () => process.exit(ExitCode.Ok),
      (error: unknown) => fail(error),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

function fail(error: unknown): undefined {
  process.stderr.write(formatErrorForTerminal(error));
  process.exitCode = error instanceof RedlineError ? error.exitCode : ExitCode.Internal;
  return undefined;
}

void main();
