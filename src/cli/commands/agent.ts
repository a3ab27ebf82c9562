/**
 * `redline agent --join HOST:PORT`: one agent of a distributed run (docs/distributed.md). It
 * runs the execution segment the controller gives it and exits 0 when its part ran.
 */
import type { Command } from 'commander';
import { runAgent } from '../../distributed/index.js';
import { ExitCode } from '../../errors/exit-codes.js';
import { RedlineError } from '../../errors/redline-error.js';
import { parseHostPort, readAgentToken, readPem } from '../distributed-flags.js';
import { durationFlag, intFlag, parseWorkers } from '../flags.js';

interface AgentFlags {
  join: string;
  agentTokenFile?: string;
  agentIndex?: number;
  testId?: string;
  workers?: number;
  joinTimeout?: number;
  tls?: boolean;
  agentTlsCa?: string;
}

/** The segment index: `--agent-index`, else JOB_COMPLETION_INDEX (a Kubernetes Indexed Job). */
function agentIndex(flags: AgentFlags): number | undefined {
  if (flags.agentIndex !== undefined) return flags.agentIndex;
  const env = process.env['JOB_COMPLETION_INDEX'];
  if (env === undefined || env === '') return undefined;
  const n = Number(env);
  if (!Number.isInteger(n) || n < 0)
    throw new RedlineError('E_USAGE_VALUE', `invalid JOB_COMPLETION_INDEX: "${env}"`, {
      exitCode: ExitCode.Usage,
      hint: 'a whole number ≥ 0 (set by a Kubernetes Indexed Job), or pass --agent-index',
    });
  return n;
}

/** Registers `redline agent`. */
export function register(program: Command): void {
  program
    .command('agent')
    .description('Run as an agent of a distributed test: join a controller and run its segment')
    .requiredOption('--join <host:port>', 'the controller (`redline run script.js --agents N`)')
    .option(
      '--agent-token-file <file>',
      'file holding the shared token (default: REDLINE_AGENT_TOKEN)',
    )
    .option(
      '--agent-index <i>',
      'the segment to ask for, 0..N-1 (default: JOB_COMPLETION_INDEX, else any free one)',
      (v: string) => intFlag('--agent-index', 0)(v),
    )
    .option('--test-id <id>', 'refuse a controller running another test (default: REDLINE_TEST_ID)')
    .option(
      '-w, --workers <n|auto>',
      'worker threads for this agent’s segment (default 1)',
      parseWorkers,
    )
    .option(
      '--join-timeout <duration>',
      'keep trying to reach the controller this long (default 60s)',
      durationFlag('--join-timeout'),
    )
    .option('--tls', 'join over TLS (wss://), trusting the system CAs')
    .option('--agent-tls-ca <file>', 'join over TLS, trusting this PEM CA (implies --tls)')
    .addHelpText(
      'after',
      `
Examples:
  REDLINE_AGENT_TOKEN=… redline agent --join 10.0.0.5:6565
  redline agent --join controller:6565 --agent-token-file /etc/redline/token --agent-index 2

Exit codes: 0 its part ran, 2 bad flags, 69 the controller cannot be reached, 104 refused (wrong
token, another test, a duplicated index) or the controller failed to prove the token, 105 the
controller went away (or SIGINT/SIGTERM), 107 script error. Every code: docs/exit-codes.md.`,
    )
    .action(async (flags: AgentFlags) => {
      const join = parseHostPort('--join', flags.join);
      const token = readAgentToken(flags.agentTokenFile, 'redline agent');
      const index = agentIndex(flags);
      const testId = flags.testId ?? process.env['REDLINE_TEST_ID'];
      const stop = new AbortController();
      const onSignal = () => stop.abort();
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      const code = await runAgent({
        join: `${join.host.includes(':') ? `[${join.host}]` : join.host}:${join.port}`,
        token,
        ...(index !== undefined ? { index } : {}),
        ...(testId ? { testId } : {}),
        workers: flags.workers ?? 1,
        joinTimeoutMs: flags.joinTimeout ?? 60_000,
        signal: stop.signal,
        log: (line) => process.stderr.write(`${line}\n`),
        ...(flags.agentTlsCa
          ? { tls: { ca: readPem('--agent-tls-ca', flags.agentTlsCa) } }
          : flags.tls
            ? { tls: {} }
            : {}),
      });
      // Shards in this thread may hold timers and sockets: the agent's part is over either way.
      process.exit(code);
    });
}
