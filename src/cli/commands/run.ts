/** `redline run <url>`: quick-mode load test (autocannon/wrk-style), with summary and result files. */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { runQuickTest } from '../../engine/quick/run-quick.js';
import { ExitCode } from '../../errors/exit-codes.js';
import { RedlineError } from '../../errors/redline-error.js';
import type { Output } from '../../outputs/output.js';
import { ProgressOutput } from '../../outputs/progress/progress-output.js';
import { createOutputFromSpec } from '../../outputs/registry.js';
import '../../outputs/builtin.js';
import { renderSummaryText } from '../../outputs/summary/summary-text.js';
import { addLoadFlags, type LoadFlagValues, quickOptionsFromFlags } from '../flags.js';
import { installInterruptHandler } from '../interrupt.js';
import { writeJsonFile } from '../result-files.js';

interface RunFlags extends LoadFlagValues {
  json?: string;
  out?: string[];
  quiet?: boolean;
  tag?: Array<[string, string]>;
}

function parseTag(value: string, previous: Array<[string, string]> = []): Array<[string, string]> {
  const eq = value.indexOf('=');
  if (eq <= 0) {
    throw new RedlineError('E_USAGE_VALUE', `invalid value for --tag: "${value}"`, { hint: 'use --tag name=value', exitCode: ExitCode.Usage });
  }
  return [...previous, [value.slice(0, eq), value.slice(eq + 1)]];
}

/** Registers `redline run`. */
export function register(program: Command): void {
  const command = program
    .command('run')
    .description('Run a load test against a URL (quick mode) and print a k6-style summary')
    .argument('<url>', 'target URL, e.g. http://127.0.0.1:3000/items');
  addLoadFlags(command)
    .option('--json <file>', 'write the full result (summary, timeline, distribution) as JSON')
    .option('--out <output>', 'stream results: ndjson=<file> (repeatable)', (v: string, p: string[] = []) => [...p, v])
    .option('--tag <name=value>', 'tag every series (repeatable)', parseTag)
    .option('-q, --quiet', 'no live progress line')
    .addHelpText(
      'after',
      `
Examples:
  redline run http://127.0.0.1:3000/ -c 50 -d 30s
  redline run http://127.0.0.1:3000/items --rate 2000 -c 100 -d 1m --json result.json
  redline run https://staging.local/api -m POST -H "Content-Type: application/json" -b '{"a":1}' --insecure

Exit codes: 0 ok, 2 bad flags, 69 target unreachable, 105 interrupted (results still written).`,
    )
    .action(async (url: string, flags: RunFlags) => {
      const outputs: Output[] = [];
      if (!flags.quiet) outputs.push(new ProgressOutput(process.stderr));
      for (const spec of flags.out ?? []) outputs.push(createOutputFromSpec(spec, { cwd: process.cwd() }));
      const options = quickOptionsFromFlags(url, flags);
      if (flags.tag) options.tags = Object.fromEntries(flags.tag);
      const interrupt = installInterruptHandler();
      try {
        const { result } = await runQuickTest(
          { ...options, outputs, signal: interrupt.signal },
          (warning) => process.stderr.write(`\nredline: warning: ${warning}\n`),
        );
        process.stdout.write(renderSummaryText(result, { color: process.stdout.isTTY === true && !process.env['NO_COLOR'] }));
        if (flags.json) {
          writeJsonFile(resolve(flags.json), result);
          process.stderr.write(`redline: result written to ${flags.json}\n`);
        }
        if (result.reason === 'interrupted') process.exitCode = ExitCode.Interrupted;
      } finally {
        interrupt.dispose();
      }
    });
}
