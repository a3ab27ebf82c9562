/**
 * `redline demo`: starts the bundled demo service on a free loopback port, runs a compact audit
 * against it (about two minutes), writes redline-report/report.md and report.html, and prints
 * where they are and the top findings.
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { createDemoAuditConfig } from '../../demo/audit-config.js';
import { intFlag } from '../flags.js';
import { applyStepFlags, runAuditWithProgress } from './audit.js';

interface DemoFlags {
  fixed?: boolean;
  quick?: boolean;
  full?: boolean;
  out: string;
  users?: number;
  baseline?: string;
  skip?: string;
  step?: string[];
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** Registers `redline demo`. */
export function register(program: Command): void {
  program
    .command('demo')
    .description(
      'Audit the bundled demo service (planted bottlenecks) and write the Performance Analysis Report',
    )
    .option('--fixed', 'run the demo with its planted bottlenecks removed')
    .option('--quick', 'compact steps: about two minutes in all (default)')
    .option('--full', 'the standard step lengths of `redline audit` (about six minutes)')
    .option('-o, --out <dir>', 'output folder', 'redline-report')
    .option('-u, --users <n>', 'base load X (default 3)', intFlag('--users'))
    .option('--baseline <audit.json>', 'compare with a previous audit (e.g. the unfixed demo)')
    .option('--skip <steps>', 'steps to skip, comma-separated')
    .option('--step <step=duration>', 'length of a step, e.g. soak=1m (repeatable)', collect)
    .addHelpText(
      'after',
      `
The demo service uses an embedded PGlite database (or PostgreSQL when DATABASE_URL is set).

Try:
  redline demo                                   planted bottlenecks found, report in ./redline-report
  redline demo --fixed --out fixed --baseline redline-report/audit.json
                                                 the fixed service, improvements verified`,
    )
    .action(async (flags: DemoFlags) => {
      const databaseUrl = process.env['DATABASE_URL'];
      const config = createDemoAuditConfig({
        fixed: flags.fixed === true,
        sizing: flags.full ? 'standard' : 'compact',
        outDir: resolve(flags.out),
        ...(flags.users ? { users: flags.users } : {}),
        ...(databaseUrl ? { databaseUrl } : {}),
      });
      applyStepFlags(config, flags);
      process.stderr.write(
        `redline: auditing the demo service${flags.fixed ? ' (--fixed)' : ''} with ${databaseUrl ? 'PostgreSQL' : 'embedded PGlite'}\n`,
      );
      await runAuditWithProgress(config, flags.baseline);
    });
}
