/**
 * `redline demo`: starts the bundled demo service on a free loopback port, logs in as the seed's
 * user, runs a short load test against its item listing and prints the summary.
 */
import type { Command } from 'commander';
import { DEMO_PASSWORD, DEMO_USER } from '../../demo/password.js';
import { runQuickTest } from '../../engine/quick/run-quick.js';
import { ExitCode } from '../../errors/exit-codes.js';
import { RedlineError } from '../../errors/redline-error.js';
import { ProgressOutput } from '../../outputs/progress/progress-output.js';
import { renderSummaryText } from '../../outputs/summary/summary-text.js';
import { startDemoProcess } from '../demo-process.js';
import { durationFlag, intFlag } from '../flags.js';
import { installInterruptHandler } from '../interrupt.js';

interface DemoFlags {
  duration: number;
  connections: number;
  fixed?: boolean;
}

async function login(baseUrl: string): Promise<string> {
  const response = await fetch(`${baseUrl}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: DEMO_USER.email, password: DEMO_PASSWORD }),
  });
  const body = (await response.json()) as { token?: string };
  if (!response.ok || !body.token) {
    throw new RedlineError(
      'E_DEMO_LOGIN',
      `the demo service refused the login (HTTP ${response.status})`,
      { exitCode: ExitCode.Internal },
    );
  }
  return body.token;
}

/** Registers `redline demo`. */
export function register(program: Command): void {
  program
    .command('demo')
    .description('Start the bundled demo service and load-test it (no set-up needed)')
    .option(
      '-d, --duration <duration>',
      'length of the load test',
      durationFlag('--duration'),
      10_000,
    )
    .option('-c, --connections <n>', 'concurrent connections', intFlag('--connections'), 10)
    .option('--fixed', 'run the demo service with its planted bottlenecks removed')
    .action(async (flags: DemoFlags) => {
      process.stderr.write('redline: starting the demo service (embedded PGlite database)...\n');
      const demo = await startDemoProcess(flags.fixed ? ['--fixed'] : []);
      const interrupt = installInterruptHandler();
      try {
        process.stderr.write(`redline: demo service at ${demo.url}\n`);
        const token = await login(demo.url);
        const target = `${demo.url}/items?limit=20`;
        process.stderr.write(
          `redline: load test: GET ${target} with ${flags.connections} connections for ${flags.duration / 1000}s\n`,
        );
        const { result } = await runQuickTest({
          url: target,
          headers: { Authorization: `Bearer ${token}` },
          connections: flags.connections,
          durationMs: flags.duration,
          outputs: [new ProgressOutput(process.stderr)],
          signal: interrupt.signal,
        });
        process.stdout.write(
          renderSummaryText(result, {
            color: process.stdout.isTTY === true && !process.env['NO_COLOR'],
          }),
        );
        if (result.reason === 'interrupted') process.exitCode = ExitCode.Interrupted;
      } finally {
        interrupt.dispose();
        await demo.stop();
      }
    });
}
